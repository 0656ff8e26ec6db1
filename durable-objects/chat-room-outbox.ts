import type { Env } from "../worker/env";
import { log } from "../worker/lib/log";
import { recordRoomMessage, recordRoomPreview, recordRoomRead } from "../worker/services/chat-inbox";
import type { OutboxEntry, RoomStore } from "./chat-room-store";

/** A failed D1 write-back is tried again this much later (by the room's alarm). */
export const OUTBOX_RETRY_MS = 10_000;
/** A write-back that failed this often is dropped (logged): the inbox heals with the next message. */
const OUTBOX_MAX_ATTEMPTS = 10;

/**
 * The room's D1 write-backs (worker/services/chat-inbox.ts), done after delivery. Each
 * change queues its entry in the room's `outbox` table in the same transaction as the
 * event, so nothing is lost to a failure or an eviction; `soon()` then drains the table in
 * order, one entry at a time (one drain at a time), so D1 sees the room's writes in the
 * order they happened. A failure is logged, never thrown, and retried by the room's alarm
 * (which calls `drain()`); the D1 writes are absolute and guarded, so a retry is harmless.
 */
export class RoomWriteBack {
  private running: Promise<void> | null = null;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly store: RoomStore,
  ) {}

  /** Starts draining in the background (waitUntil) unless a drain is running; it picks up new entries as it goes. */
  soon(): void {
    if (this.running || !this.store.outboxPending()) return;
    const run = this.flush().finally(() => {
      this.running = null;
    });
    this.running = run;
    this.ctx.waitUntil(run);
  }

  /** Drains now and waits for it (the alarm). */
  async drain(): Promise<void> {
    this.soon();
    if (this.running) await this.running;
  }

  private async flush(): Promise<void> {
    const conversationId = this.store.meta("conversation_id");
    if (conversationId === null) return;
    // A safety net: should this instance go before the outbox is empty, the alarm finishes the job.
    await this.retryBy(Date.now() + OUTBOX_RETRY_MS * 3);
    for (let next = this.store.nextOutbox(); next; next = this.store.nextOutbox()) {
      try {
        await this.apply(conversationId, next.entry);
        this.store.removeOutbox(next.id);
      } catch (error) {
        const attempts = this.store.failOutbox(next.id);
        const dropped = attempts >= OUTBOX_MAX_ATTEMPTS;
        log(dropped ? "error" : "warn", "chat.room.write-back-failed", {
          conversationId,
          entry: next.entry.kind,
          attempts,
          dropped,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        if (dropped) {
          this.store.removeOutbox(next.id);
          continue;
        }
        await this.retryBy(Date.now() + OUTBOX_RETRY_MS);
        return;
      }
    }
  }

  /** Makes sure the alarm runs by `at` (an earlier alarm stays). */
  private async retryBy(at: number): Promise<void> {
    const scheduled = await this.ctx.storage.getAlarm();
    if (scheduled === null || scheduled > at) await this.ctx.storage.setAlarm(at);
  }

  private apply(conversationId: string, entry: OutboxEntry): Promise<void> {
    switch (entry.kind) {
      case "message":
        return recordRoomMessage(this.env, { conversationId, seq: entry.seq, ordinal: entry.ordinal, senderId: entry.senderId, body: entry.body, sentAt: entry.sentAt, online: entry.online });
      case "read":
        return recordRoomRead(this.env, { conversationId, userId: entry.userId, seq: entry.seq, count: entry.count });
      case "preview":
        return recordRoomPreview(this.env, { conversationId, messageSeq: entry.messageSeq, body: entry.body });
    }
  }
}
