import { DurableObject } from "cloudflare:workers";
import type { Env } from "../worker/env";
import { log } from "../worker/lib/log";
import { windowPolicy } from "../worker/lib/rate-limit-policies";
import { CLOSE_CODES, IDLE_TIMEOUT_MS, messageBodyProblem, PING, PONG, ROOM_HEADERS, TYPING_THROTTLE_MS, type ChangeOutcome, type ChatMessage, type SendOutcome, type ServerFrame } from "./chat-protocol";
import { RoomConnections } from "./chat-room-connections";
import { closeFormerMembers } from "./chat-room-sweep";
import { parseClientFrame } from "./chat-room-frames";
import { OUTBOX_RETRY_MS, RoomWriteBack } from "./chat-room-outbox";
import { RoomStore } from "./chat-room-store";
import type { RateDecision } from "./rate-limiter";

export interface RoomSendInput {
  conversationId: string;
  userId: string;
  clientId: string;
  body: string;
}

/** An edit of one of the member's own messages (the HTTP API's door; a socket sends an `edit` frame). */
export interface RoomEditInput {
  conversationId: string;
  userId: string;
  /** Correlates the change; recorded on the edit event. */
  clientId: string;
  /** The message's seq. */
  seq: number;
  body: string;
}

/** A deletion of one of the member's own messages (a socket sends a `delete` frame). */
export type RoomRemoveInput = Omit<RoomEditInput, "body">;

export interface RoomHistory {
  /** Oldest first. */
  messages: ChatMessage[];
  hasMore: boolean;
  lastSeq: number;
}

/** A member's open tabs in one room; the oldest is closed when one more connects. */
export const MAX_SOCKETS_PER_MEMBER = 10;
/** Sockets in one room; past this a new one is refused (503) until someone leaves. */
export const MAX_SOCKETS_PER_ROOM = 2000;
/** While sockets are open the alarm looks for idle ones this often. */
export const IDLE_CHECK_MS = 30_000;
export const MAX_HISTORY_LIMIT = 200;
const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * One object per conversation (`idFromName(conversationId)`): the conversation's history in
 * its SQLite (chat-room-store.ts) and its members' open WebSockets (hibernation API).
 *
 * Ordering: every change is written and broadcast in one synchronous stretch (no await
 * between the INSERT that takes a seq and the sends), so every socket sees events in seq
 * order, whoever sends them at the same moment. The only await on the send path is the
 * rate-limit check, and everything it could race with is checked again after it.
 *
 * Delivery first, D1 after: the inbox write-backs (worker/services/chat-inbox.ts) are queued
 * in the room's own `outbox` table in the same transaction as the event, and drained in order
 * after the broadcast (waitUntil); a failure or an eviction leaves them for the alarm.
 */
export class ChatRoom extends DurableObject<Cloudflare.Env> {
  private readonly store: RoomStore;
  /** Ephemeral: when each member's last typing frame was passed on (lost on hibernation, harmlessly). */
  private readonly typingAt = new Map<string, number>();
  private readonly sockets: RoomConnections;
  private readonly writeBack: RoomWriteBack;
  /** Per member, the tail of their sends, edits and deletions in progress: one member's changes commit in the order they came. */
  private readonly lanes = new Map<string, Promise<unknown>>();

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.store = new RoomStore(ctx.storage.sql);
    this.sockets = new RoomConnections(ctx);
    this.writeBack = new RoomWriteBack(ctx, env as Env, this.store);
    this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    // Write-backs an earlier instance did not finish (evicted mid-flush) go out now.
    this.writeBack.soon();
  }

  async ping(): Promise<"pong"> {
    return "pong";
  }

  // ---------------------------------------------------------------- RPC (the services' door)

  /** Stores and broadcasts one message, as a WebSocket `send` frame would (the HTTP API's door). */
  async send(input: RoomSendInput): Promise<SendOutcome> {
    this.bind(input.conversationId);
    const problem = messageBodyProblem(input.body) ?? clientIdProblem(input.clientId);
    if (problem) return { ok: false, code: "invalid_body", message: problem };
    return this.acceptSend(input.userId, input.clientId, input.body, null);
  }

  /**
   * Edits one of the member's own messages, as a WebSocket `edit` frame would: the same checks
   * (own, not deleted, sending open), the same chat.send rate limit, the same broadcast to every
   * socket. Answers the edit event's seq and the message as it reads now.
   */
  async edit(input: RoomEditInput): Promise<ChangeOutcome> {
    this.bind(input.conversationId);
    const problem = messageBodyProblem(input.body) ?? clientIdProblem(input.clientId);
    if (problem) return { ok: false, code: "invalid_body", message: problem };
    return this.acceptEdit(input.userId, input.clientId, input.seq, input.body, null);
  }

  /**
   * Deletes one of the member's own messages, as a WebSocket `delete` frame would: it stays in
   * the history as a tombstone. Allowed even when sending is closed (a block): your own words
   * may always be taken back. Answers the delete event's seq and the tombstone.
   */
  async remove(input: RoomRemoveInput): Promise<ChangeOutcome> {
    this.bind(input.conversationId);
    const problem = clientIdProblem(input.clientId);
    if (problem) return { ok: false, code: "invalid_body", message: problem };
    return this.acceptDelete(input.userId, input.clientId, input.seq, null);
  }

  /** Messages older than `before` (or the newest), at most `limit`, oldest first. */
  async history(input: { conversationId: string; before?: number; limit: number }): Promise<RoomHistory> {
    this.bind(input.conversationId);
    const limit = Math.min(MAX_HISTORY_LIMIT, Math.max(1, Math.trunc(input.limit) || 1));
    const before = input.before !== undefined && Number.isFinite(input.before) ? input.before : undefined;
    return { ...this.store.history(before, limit), lastSeq: this.store.lastSeq() };
  }

  /** Marks everything up to `seq` read for the member; answers the member's read seq now (never lower than before). */
  async markRead(input: { conversationId: string; userId: string; seq: number }): Promise<{ readSeq: number }> {
    this.bind(input.conversationId);
    return { readSeq: this.acceptRead(input.userId, Number.isSafeInteger(input.seq) ? input.seq : 0, null) };
  }

  /** Closes the member's sockets: they left or were removed. */
  async disconnect(userId: string): Promise<void> {
    const before = this.sockets.online();
    for (const { ws } of this.sockets.open(userId)) this.sockets.close(ws, CLOSE_CODES.removed, "You are no longer a member of this conversation.");
    this.sockets.presenceIfChanged(before);
  }

  /** Direct rooms: a block between the two members closes sending; an unblock opens it again. */
  async setSendingAllowed(allowed: boolean): Promise<void> {
    this.store.setMeta("sending_allowed", allowed ? "1" : "0");
  }

  // ---------------------------------------------------------------- the WebSocket door

  /**
   * The upgrade the Worker forwards once it has checked the ticket and membership
   * (worker/api/chat-live.ts): ROOM_HEADERS say who and which conversation; `?since=<seq>`
   * replays every later event before anything live (absent: nothing is replayed).
   */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("Expected a WebSocket upgrade.", { status: 426 });
    const userId = request.headers.get(ROOM_HEADERS.member);
    const conversationId = request.headers.get(ROOM_HEADERS.conversation);
    if (!userId || !conversationId || userId.length > 256) return new Response("The Worker must name the member and the conversation.", { status: 400 });
    const sinceParam = new URL(request.url).searchParams.get("since");
    if (sinceParam !== null && sinceParam !== "" && !/^[0-9]{1,15}$/.test(sinceParam)) return new Response("since must be a seq (a whole number).", { status: 400 });
    try {
      this.bind(conversationId);
    } catch {
      return new Response("This room belongs to another conversation.", { status: 409 });
    }
    if (this.sockets.open().length >= MAX_SOCKETS_PER_ROOM) return new Response("This room is full; try again later.", { status: 503, headers: { "Retry-After": "30" } });
    await this.ensureAlarm();

    // From here to the return: no await, so no live frame can slip in before the replay ends.
    const before = this.sockets.online();
    const mine = this.sockets.open(userId).sort((a, b) => a.att.connectedAt - b.att.connectedAt);
    for (const stale of mine.slice(0, Math.max(0, mine.length - MAX_SOCKETS_PER_MEMBER + 1))) this.sockets.close(stale.ws, CLOSE_CODES.tooManySockets, "Too many open tabs.");
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server, [userId]);
    const now = Date.now();
    this.sockets.save(server, { userId, connectedAt: now, lastSeenAt: now });
    const lastSeq = this.store.lastSeq();
    const since = sinceParam === null || sinceParam === "" ? lastSeq : Number(sinceParam);
    for (const frame of this.store.replay(since)) server.send(JSON.stringify(frame));
    const online = this.sockets.online();
    server.send(JSON.stringify({ type: "ready", lastSeq, online, reads: this.store.reads() } satisfies ServerFrame));
    this.sockets.presenceIfChanged(before);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const att = this.sockets.attachment(ws);
    if (!att || att.gone) return;
    this.sockets.touch(ws, att);
    if (message === PING) return this.sockets.sendTo(ws, PONG);
    try {
      const parsed = parseClientFrame(message);
      if ("error" in parsed) return this.sockets.sendTo(ws, parsed.error);
      const frame = parsed.frame;
      switch (frame.type) {
        case "send": {
          const outcome = await this.acceptSend(att.userId, frame.clientId, frame.body, ws);
          if (!outcome.ok) this.sockets.sendTo(ws, { type: "error", code: outcome.code, message: outcome.message, clientId: frame.clientId, retryAfterSeconds: outcome.retryAfterSeconds });
          return;
        }
        case "typing":
          return this.acceptTyping(att.userId);
        case "read":
          this.acceptRead(att.userId, frame.seq, ws);
          return;
        case "edit":
          return this.refuseOn(ws, frame.clientId, await this.acceptEdit(att.userId, frame.clientId, frame.seq, frame.body, ws));
        case "delete":
          return this.refuseOn(ws, frame.clientId, await this.acceptDelete(att.userId, frame.clientId, frame.seq, ws));
      }
    } catch (error) {
      // Never out of the handler: the tab gets an error frame, the log gets the cause.
      log("error", "chat.room.frame-failed", { conversationId: this.store.meta("conversation_id"), userId: att.userId, error: describe(error) });
      this.sockets.sendTo(ws, { type: "error", code: "invalid_frame", message: "The room could not handle that frame; try again." });
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.sockets.leave(ws, code === 1000 || code === 1001 || (code >= 3000 && code <= 4999) ? code : 1000, reason);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.sockets.leave(ws, 1011, "WebSocket error.");
  }

  /** Closes idle sockets, retries pending write-backs, and comes back while anything is open. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const before = this.sockets.online();
    for (const { ws, att } of this.sockets.open()) {
      const pinged = this.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
      if (now - Math.max(att.lastSeenAt, pinged) > IDLE_TIMEOUT_MS) this.sockets.close(ws, CLOSE_CODES.idle, "Closed after 90 s without a frame or ping.");
    }
    await closeFormerMembers(this.env as Env, this.sockets, this.store.meta("conversation_id"));
    this.sockets.presenceIfChanged(before);
    await this.writeBack.drain();
    const checkIdle = this.sockets.open().length > 0 ? Date.now() + IDLE_CHECK_MS : Number.POSITIVE_INFINITY;
    const retry = this.store.outboxPending() ? Date.now() + OUTBOX_RETRY_MS : Number.POSITIVE_INFINITY;
    const next = Math.min(checkIdle, retry, (await this.ctx.storage.getAlarm()) ?? Number.POSITIVE_INFINITY);
    if (Number.isFinite(next)) await this.ctx.storage.setAlarm(next);
  }

  // ---------------------------------------------------------------- the protocol

  /**
   * A message from a socket (`ackTo`) or the HTTP API (null): idempotent per (sender, clientId).
   * The rate-limit check starts at once (a member's checks overlap); the commit waits in the
   * member's lane, so their messages take seqs in the order they arrived.
   */
  private async acceptSend(userId: string, clientId: string, body: string, ackTo: WebSocket | null): Promise<SendOutcome> {
    const prior = this.store.messageByClientId(userId, clientId);
    if (prior) return this.duplicate(prior, ackTo);
    if (!this.store.sendingAllowed()) return NOT_ALLOWED;
    const checking = this.rateLimit(userId);
    return this.inLane(userId, async () => this.commitSend(userId, clientId, body, ackTo, await checking));
  }

  private commitSend(userId: string, clientId: string, body: string, ackTo: WebSocket | null, decision: RateDecision | null): SendOutcome {
    // Other frames ran during the awaits (a copy of this one may be stored now): check again,
    // then write and broadcast with no await.
    const raced = this.store.messageByClientId(userId, clientId);
    if (raced) return this.duplicate(raced, ackTo);
    if (decision && !decision.allowed) {
      return { ok: false, code: "rate_limited", message: `You are sending messages too fast; try again in ${decision.retryAfterSeconds} s.`, retryAfterSeconds: decision.retryAfterSeconds };
    }
    if (!this.store.sendingAllowed()) return NOT_ALLOWED;
    const sentAt = new Date().toISOString();
    const online = this.sockets.online();
    const { message } = this.ctx.storage.transactionSync(() => {
      const inserted = this.store.insertMessage({ senderId: userId, clientId, body, sentAt });
      this.store.raiseRead(userId, inserted.message.seq);
      this.store.enqueue({ kind: "message", seq: inserted.message.seq, ordinal: inserted.ordinal, senderId: userId, body, sentAt, online });
      return inserted;
    });
    if (ackTo) this.sockets.sendTo(ackTo, { type: "ack", clientId, seq: message.seq });
    this.sockets.broadcast({ type: "message", ...message });
    this.writeBack.soon();
    return { ok: true, seq: message.seq, duplicate: false, message };
  }

  private duplicate(message: ChatMessage, ackTo: WebSocket | null): SendOutcome {
    if (ackTo) this.sockets.sendTo(ackTo, { type: "ack", clientId: message.clientId, seq: message.seq });
    return { ok: true, seq: message.seq, duplicate: true, message };
  }

  private acceptTyping(userId: string): void {
    // Nobody can answer in a room closed to sending: saying someone is typing would mislead.
    if (!this.store.sendingAllowed()) return;
    const now = Date.now();
    if (now - (this.typingAt.get(userId) ?? Number.NEGATIVE_INFINITY) < TYPING_THROTTLE_MS) return;
    this.typingAt.set(userId, now);
    this.sockets.broadcast({ type: "typing", userId }, (att) => att.userId === userId);
  }

  /** Raises the member's read position (capped at the newest seq); tells the other sockets. Answers the position now. */
  private acceptRead(userId: string, seq: number, from: WebSocket | null): number {
    const capped = Math.min(seq, this.store.lastSeq());
    const raised = capped > 0 && this.ctx.storage.transactionSync(() => {
      if (!this.store.raiseRead(userId, capped)) return false;
      this.store.enqueue({ kind: "read", userId, seq: capped, count: this.store.countUpTo(capped) });
      return true;
    });
    if (raised) {
      this.sockets.broadcast({ type: "read", userId, seq: capped }, (_, ws) => ws === from);
      this.writeBack.soon();
    }
    return this.store.readSeq(userId);
  }

  /** A refused edit or deletion, as the error frame the socket that asked gets (the ack went out with the broadcast). */
  private refuseOn(ws: WebSocket, clientId: string, outcome: ChangeOutcome): void {
    if (!outcome.ok) this.sockets.sendTo(ws, { type: "error", code: outcome.code, message: outcome.message, clientId, retryAfterSeconds: outcome.retryAfterSeconds });
  }

  /** The member's own, not deleted message `seq`, or the refusal that says why not. */
  private ownMessage(userId: string, seq: number): ChatMessage | Extract<ChangeOutcome, { ok: false }> {
    const message = Number.isSafeInteger(seq) && seq > 0 ? this.store.message(seq) : null;
    if (!message || message.deletedAt !== null) return { ok: false, code: "not_found", message: `There is no message ${seq} to change.` };
    if (message.senderId !== userId) return { ok: false, code: "forbidden", message: "You can only change your own messages." };
    return message;
  }

  /**
   * An edit from a socket (`ackTo`) or the HTTP API (null). Edits reach every socket like
   * messages do, so they count against the same chat.send limit; the commit waits in the
   * member's lane like a send.
   */
  private async acceptEdit(userId: string, clientId: string, seq: number, body: string, ackTo: WebSocket | null): Promise<ChangeOutcome> {
    const first = this.ownMessage(userId, seq);
    if ("ok" in first) return first;
    if (!this.store.sendingAllowed()) return NOT_ALLOWED;
    const checking = this.rateLimit(userId);
    return this.inLane(userId, async () => this.commitEdit(userId, clientId, seq, body, ackTo, await checking));
  }

  private commitEdit(userId: string, clientId: string, seq: number, body: string, ackTo: WebSocket | null, decision: RateDecision | null): ChangeOutcome {
    if (decision && !decision.allowed) {
      return { ok: false, code: "rate_limited", message: `You are changing messages too fast; try again in ${decision.retryAfterSeconds} s.`, retryAfterSeconds: decision.retryAfterSeconds };
    }
    // Other frames ran during the awaits (the message may be deleted, or the room closed): check again,
    // then write and broadcast with no await.
    const message = this.ownMessage(userId, seq);
    if ("ok" in message) return message;
    if (!this.store.sendingAllowed()) return NOT_ALLOWED;
    const editedAt = new Date().toISOString();
    const eventSeq = this.ctx.storage.transactionSync(() => {
      const eventSeq = this.store.insertEdit({ message, clientId, body, at: editedAt });
      this.store.enqueue({ kind: "preview", messageSeq: message.seq, body });
      return eventSeq;
    });
    if (ackTo) this.sockets.sendTo(ackTo, { type: "ack", clientId, seq: eventSeq });
    this.sockets.broadcast({ type: "edit", seq: eventSeq, messageSeq: message.seq, senderId: userId, body, editedAt });
    this.writeBack.soon();
    return { ok: true, seq: eventSeq, message: { ...message, body, editedAt } };
  }

  /**
   * A deletion from a socket (`ackTo`) or the HTTP API (null), in the member's lane (after their
   * earlier sends and edits). Not rate limited and allowed when sending is closed: taking your
   * own words back must stay possible across a block.
   */
  private acceptDelete(userId: string, clientId: string, seq: number, ackTo: WebSocket | null): Promise<ChangeOutcome> {
    return this.inLane(userId, async () => this.commitDelete(userId, clientId, seq, ackTo));
  }

  private commitDelete(userId: string, clientId: string, seq: number, ackTo: WebSocket | null): ChangeOutcome {
    const message = this.ownMessage(userId, seq);
    if ("ok" in message) {
      // A retried deletion (the same clientId, its answer lost) is answered again, not refused.
      const repeated = message.code === "not_found" ? this.store.deletionBy(userId, clientId, seq) : null;
      const tombstone = repeated === null ? null : this.store.message(seq);
      if (repeated === null || !tombstone) return message;
      if (ackTo) this.sockets.sendTo(ackTo, { type: "ack", clientId, seq: repeated });
      return { ok: true, seq: repeated, message: tombstone };
    }
    const deletedAt = new Date().toISOString();
    const eventSeq = this.ctx.storage.transactionSync(() => {
      const eventSeq = this.store.insertDelete({ message, clientId, at: deletedAt });
      this.store.enqueue({ kind: "preview", messageSeq: message.seq, body: null });
      return eventSeq;
    });
    if (ackTo) this.sockets.sendTo(ackTo, { type: "ack", clientId, seq: eventSeq });
    this.sockets.broadcast({ type: "delete", seq: eventSeq, messageSeq: message.seq, senderId: userId, deletedAt });
    this.writeBack.soon();
    return { ok: true, seq: eventSeq, message: { ...message, body: null, deletedAt } };
  }

  /**
   * Runs `task` after the member's earlier sends, edits and deletions have committed. Their
   * rate-limit checks are awaits that may finish in any order; without the lane a member's
   * second message could overtake the first. Members do not wait for each other.
   */
  private inLane<T>(userId: string, task: () => Promise<T>): Promise<T> {
    const run = (this.lanes.get(userId) ?? Promise.resolve()).then(task, task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.lanes.set(userId, tail);
    void tail.then(() => {
      if (this.lanes.get(userId) === tail) this.lanes.delete(userId);
    });
    return run;
  }

  /** The member's chat.send bucket; null when the limiter could not be asked (the message goes through, logged). */
  private async rateLimit(userId: string): Promise<RateDecision | null> {
    try {
      return await this.env.RATE_LIMITER.get(this.env.RATE_LIMITER.idFromName(`chat.send:${userId}`)).hit(windowPolicy("chat.send", this.env));
    } catch (error) {
      log("warn", "chat.room.rate-limiter-unavailable", { userId, error: describe(error) });
      return null;
    }
  }

  // ---------------------------------------------------------------- alarm and conversation

  private async ensureAlarm(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + IDLE_CHECK_MS);
  }

  /** The first caller names the conversation; a stub for another id is a bug, refused loudly. */
  private bind(conversationId: string): void {
    const known = this.store.meta("conversation_id");
    if (known === null) this.store.setMeta("conversation_id", conversationId);
    else if (known !== conversationId) throw new Error(`This room belongs to conversation ${known}, not ${conversationId}.`);
  }
}

const NOT_ALLOWED = { ok: false, code: "not_allowed", message: "Messages cannot be sent in this conversation now." } as const satisfies SendOutcome;

function clientIdProblem(clientId: string): string | null {
  return typeof clientId === "string" && CLIENT_ID.test(clientId) ? null : "clientId is 1–64 letters, digits, - and _.";
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
