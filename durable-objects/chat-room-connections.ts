import type { ServerFrame } from "./chat-protocol";

/** What each socket carries through hibernation (serializeAttachment). */
export interface Attachment {
  userId: string;
  connectedAt: number;
  /** The last frame the room saw from it (ms); pings are answered without waking us, see getWebSocketAutoResponseTimestamp. */
  lastSeenAt: number;
  /** Closed by the room (idle, removed, too many tabs): no longer counted or told anything. */
  gone?: boolean;
}

/** lastSeenAt is re-serialized when it moved by more than this (the idle check is 30 s coarse anyway). */
const TOUCH_GRANULARITY_MS = 5_000;
const OPEN = 1;
/**
 * Presence goes out at most this often. Every presence frame carries the whole online list to
 * every socket, so a crowd arriving at once (an event room filling before a festival) would
 * cost N² frames; coalesced, a burst of joins costs a few broadcasts, each with the list as it
 * is when it goes out.
 */
export const PRESENCE_INTERVAL_MS = 500;

/**
 * The ChatRoom's open WebSockets: who is on which socket, who is online, and sending to
 * them. Everything here is synchronous, and nothing is only in memory: the attachment
 * cache is a WeakMap over the WebSocket objects, rebuilt from serializeAttachment after
 * hibernation (the sockets come back as new objects).
 */
export class RoomConnections {
  private readonly attachments = new WeakMap<WebSocket, Attachment>();
  /** The online list last broadcast and when (in memory: after hibernation the next change is compared with the state before it). */
  private presenceSent: string[] | null = null;
  private presenceSentAt = 0;
  private presenceTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly ctx: DurableObjectState) {}

  attachment(ws: WebSocket): Attachment | null {
    const cached = this.attachments.get(ws);
    if (cached) return cached;
    const stored = ws.deserializeAttachment() as Attachment | null;
    if (stored) this.attachments.set(ws, stored);
    return stored;
  }

  save(ws: WebSocket, att: Attachment): void {
    this.attachments.set(ws, att);
    try {
      ws.serializeAttachment(att);
    } catch {
      // A socket already closing: the in-memory copy is all that is still needed.
    }
  }

  /** Records activity; written through to the attachment when it moved enough to matter. */
  touch(ws: WebSocket, att: Attachment): void {
    const now = Date.now();
    const persisted = att.lastSeenAt;
    att.lastSeenAt = now;
    if (now - persisted >= TOUCH_GRANULARITY_MS) this.save(ws, att);
  }

  /** Sockets that are open and not closed by the room (`tag`: one member's). */
  open(tag?: string): { ws: WebSocket; att: Attachment }[] {
    const open: { ws: WebSocket; att: Attachment }[] = [];
    for (const ws of this.ctx.getWebSockets(tag)) {
      const att = this.attachment(ws);
      if (att && !att.gone && ws.readyState === OPEN) open.push({ ws, att });
    }
    return open;
  }

  /** Members with at least one open socket, each once, sorted. */
  online(): string[] {
    return [...new Set(this.open().map((s) => s.att.userId))].sort();
  }

  /**
   * Tells everyone who is online, if that changed (from `before`, the state just before this
   * join or leave, or from the list last broadcast): at once when nothing went out in the last
   * PRESENCE_INTERVAL_MS, else once at the end of that interval, with the list as it is then.
   */
  presenceIfChanged(before: string[]): void {
    if (this.presenceTimer) return;
    const wait = this.presenceSentAt + PRESENCE_INTERVAL_MS - Date.now();
    if (wait <= 0) return this.sendPresence(before);
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = null;
      this.sendPresence(before);
    }, wait);
  }

  private sendPresence(before: string[]): void {
    const online = this.online();
    const last = this.presenceSent ?? before;
    if (online.length === last.length && online.every((id, i) => id === last[i])) return;
    this.presenceSent = online;
    this.presenceSentAt = Date.now();
    this.broadcast({ type: "presence", online });
  }

  /** The room closes a socket: it stops counting at once, whatever the other side does. */
  close(ws: WebSocket, code: number, reason: string): void {
    const att = this.attachment(ws);
    if (att) this.save(ws, { ...att, gone: true });
    try {
      ws.close(code, reason);
    } catch {
      // Already closing.
    }
  }

  /** The other side closed (or broke) a socket: finish the close handshake, update presence. */
  leave(ws: WebSocket, code: number, reason: string): void {
    const att = this.attachment(ws);
    // By now the socket is no longer OPEN, so count its member in by hand.
    const before = att && !att.gone ? [...new Set([...this.online(), att.userId])].sort() : this.online();
    if (att && !att.gone) this.save(ws, { ...att, gone: true });
    try {
      ws.close(code, reason);
    } catch {
      // Already closed.
    }
    this.presenceIfChanged(before);
  }

  sendTo(ws: WebSocket, frame: ServerFrame | string): void {
    try {
      ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
    } catch {
      // Closing under us: webSocketClose tidies up.
    }
  }

  /** One serialization, every open socket except those `skip` names. */
  broadcast(frame: ServerFrame, skip?: (att: Attachment, ws: WebSocket) => boolean): void {
    const text = JSON.stringify(frame);
    for (const { ws, att } of this.open()) {
      if (skip?.(att, ws)) continue;
      this.sendTo(ws, text);
    }
  }
}
