import { CLOSE_CODES, PING, PING_INTERVAL_MS, PONG, TYPING_THROTTLE_MS, type ChatMessage, type ClientFrame, type ServerFrame } from "../../durable-objects/chat-protocol";

/**
 * The browser's side of a conversation: one WebSocket to the conversation's ChatRoom, opened
 * with a single-use ticket (POST /api/v1/conversations/:id/ticket, same-origin with the
 * session cookie) and `since=<highest seq seen>`, so a reconnect replays what was missed.
 *
 * Nothing a member wrote is lost: every message waits in an outbox kept in localStorage (per
 * member and conversation) until the room acknowledges its clientId; a reconnect sends the
 * unacknowledged ones again with the same clientId, which the room stores once. A send that is
 * refused (an error frame) or not acknowledged in time is marked failed, for the member to retry.
 *
 * The pure parts (backoff, outbox storage, applying frames to the room state) are exported for
 * unit tests; `ChatClient` wires them to the socket, timers and the page's lifecycle events.
 */

export const MAX_BACKOFF_MS = 30_000;
export const FIRST_BACKOFF_MS = 1_000;
/** An open socket that does not acknowledge a send within this long marks it failed. */
export const SEND_TIMEOUT_MS = 10_000;
/** After a ping, a socket that stays silent this long is taken for dead (a laptop that slept). */
export const PONG_TIMEOUT_MS = 10_000;
/** Another member's typing shows for this long after their last typing frame. */
export const TYPING_SHOWN_MS = 4_000;

/** Exponential back-off with "equal jitter": half the step fixed, half random, capped at 30 s. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + random() * (step / 2));
}

// ---------------------------------------------------------------------------------------------
// The outbox

export interface OutboxEntry {
  clientId: string;
  body: string;
  /** When the member wrote it (ms): the outbox shows in this order. */
  createdAt: number;
  state: "pending" | "failed";
  /** Why it failed, in words for the member. */
  error?: string;
}

export interface OutboxStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Per member and conversation: a shared computer never sends one member's words as another's. */
export const outboxKey = (userId: string, conversationId: string) => `mt.chat.outbox.${userId}.${conversationId}`;

const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The stored outbox; anything unreadable is dropped, and everything restored is pending again. */
export function loadOutbox(storage: OutboxStorage | null, key: string): OutboxEntry[] {
  if (!storage) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(storage.getItem(key) ?? "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  return raw
    .filter(
      (e): e is OutboxEntry =>
        typeof e === "object" && e !== null && typeof e.clientId === "string" && CLIENT_ID.test(e.clientId) && typeof e.body === "string" && typeof e.createdAt === "number",
    )
    // A new page tries everything again (same clientId: what was stored is only acknowledged).
    .map((e): OutboxEntry => ({ clientId: e.clientId, body: e.body, createdAt: e.createdAt, state: "pending" }))
    .sort((a, b) => a.createdAt - b.createdAt);
}

export function saveOutbox(storage: OutboxStorage | null, key: string, entries: OutboxEntry[]): void {
  if (!storage) return;
  try {
    if (entries.length === 0) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(entries));
  } catch {
    // Storage full or disabled (private mode): the outbox still lives in memory for this page.
  }
}

/** A new clientId: a UUID where the browser has one, else random letters. */
export function newClientId(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return Array.from({ length: 32 }, () => "abcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(Math.random() * 36)]).join("");
}

// ---------------------------------------------------------------------------------------------
// The room as the page shows it

export interface RoomState {
  /** Oldest first, one per seq. */
  messages: ChatMessage[];
  /** The highest event seq seen (messages, edits, deletes): the next connection's `since`. */
  lastSeq: number;
  /** Each member's highest read seq. */
  reads: Record<string, number>;
  online: string[];
}

/** Adds messages (from a frame or an older page), keeping one per seq, oldest first. */
export function mergeMessages(current: ChatMessage[], incoming: ChatMessage[]): ChatMessage[] {
  if (incoming.length === 0) return current;
  const bySeq = new Map(current.map((m) => [m.seq, m]));
  for (const m of incoming) {
    const known = bySeq.get(m.seq);
    // A replayed message is the same one; keep whichever carries the later edit or the tombstone.
    if (!known || (m.deletedAt && !known.deletedAt) || (m.editedAt ?? "") > (known.editedAt ?? "")) bySeq.set(m.seq, m);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The room state after one frame from the room. Frames that change nothing return the same object. */
export function applyFrame(state: RoomState, frame: ServerFrame): RoomState {
  switch (frame.type) {
    case "message": {
      const { type: _type, ...message } = frame;
      return { ...state, messages: mergeMessages(state.messages, [message]), lastSeq: Math.max(state.lastSeq, frame.seq) };
    }
    case "edit":
      return {
        ...state,
        lastSeq: Math.max(state.lastSeq, frame.seq),
        messages: state.messages.map((m) => (m.seq === frame.messageSeq && !m.deletedAt ? { ...m, body: frame.body, editedAt: frame.editedAt } : m)),
      };
    case "delete":
      return {
        ...state,
        lastSeq: Math.max(state.lastSeq, frame.seq),
        messages: state.messages.map((m) => (m.seq === frame.messageSeq ? { ...m, body: null, deletedAt: frame.deletedAt } : m)),
      };
    case "ready":
      return { ...state, lastSeq: Math.max(state.lastSeq, frame.lastSeq), online: frame.online, reads: { ...state.reads, ...maxReads(state.reads, frame.reads) } };
    case "presence":
      return { ...state, online: frame.online };
    case "read":
      return (state.reads[frame.userId] ?? 0) >= frame.seq ? state : { ...state, reads: { ...state.reads, [frame.userId]: frame.seq } };
    default:
      return state;
  }
}

function maxReads(mine: Record<string, number>, theirs: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [userId, seq] of Object.entries(theirs)) if (typeof seq === "number") out[userId] = Math.max(seq, mine[userId] ?? 0);
  return out;
}

/**
 * Under my newest message: "Seen" in a direct conversation once the other member read it,
 * "Seen by N" in a group, else "Sent". Null when my newest message is not the last one shown.
 */
export function receiptFor(state: Pick<RoomState, "messages" | "reads">, myId: string, direct: boolean): { seq: number; text: string } | null {
  const last = state.messages.at(-1);
  if (!last || last.senderId !== myId) return null;
  const seenBy = Object.entries(state.reads).filter(([userId, seq]) => userId !== myId && seq >= last.seq).length;
  if (seenBy === 0) return { seq: last.seq, text: "Sent" };
  return { seq: last.seq, text: direct ? "Seen" : `Seen by ${seenBy}` };
}

/** A server frame, or null for anything that is not one (including "pong"). */
export function parseServerFrame(data: unknown): ServerFrame | null {
  if (typeof data !== "string" || data === PONG) return null;
  try {
    const frame = JSON.parse(data) as unknown;
    return typeof frame === "object" && frame !== null && typeof (frame as { type?: unknown }).type === "string" ? (frame as ServerFrame) : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// The connection

export type ChatStatus = "connecting" | "live" | "waiting" | "offline" | "gone";

export interface ChatClientOptions {
  conversationId: string;
  userId: string;
  /** The highest seq the page already has. */
  since: number;
  onFrame: (frame: ServerFrame) => void;
  onStatus: (status: ChatStatus, detail?: { retryInMs?: number; message?: string }) => void;
  onOutbox: (entries: OutboxEntry[]) => void;
  /** An edit or delete the room refused. */
  onProblem?: (message: string) => void;
  storage?: OutboxStorage | null;
}

interface SentOp {
  kind: "edit" | "delete";
  seq: number;
}

export class ChatClient {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private stopped = false;
  private lastSeq: number;
  private outbox: OutboxEntry[];
  private readonly key: string;
  private readonly storage: OutboxStorage | null;
  /** When each pending clientId was last written to an open socket. */
  private sentAt = new Map<string, number>();
  private ops = new Map<string, SentOp>();
  /** Every clientId this tab's outbox has held: the others in storage belong to another tab. */
  private known = new Set<string>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private sweepTimer: ReturnType<typeof setInterval> | undefined;
  private lastTypingAt = 0;
  private readSent = 0;
  private connecting = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(private readonly options: ChatClientOptions) {
    this.lastSeq = options.since;
    this.key = outboxKey(options.userId, options.conversationId);
    this.storage = options.storage === undefined ? safeLocalStorage() : options.storage;
    this.outbox = loadOutbox(this.storage, this.key);
    for (const entry of this.outbox) this.known.add(entry.clientId);
  }

  /** Opens the connection and follows the page's lifecycle (online, waking up). */
  start(): void {
    this.options.onOutbox(this.outbox);
    const wake = () => this.wake();
    const visible = () => document.visibilityState === "visible" && this.wake();
    const offline = () => {
      this.options.onStatus("offline");
      this.socket?.close();
    };
    window.addEventListener("online", wake);
    window.addEventListener("offline", offline);
    document.addEventListener("visibilitychange", visible);
    this.cleanups.push(
      () => window.removeEventListener("online", wake),
      () => window.removeEventListener("offline", offline),
      () => document.removeEventListener("visibilitychange", visible),
    );
    this.sweepTimer = setInterval(() => this.sweep(), 1_000);
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    clearInterval(this.sweepTimer);
    for (const cleanup of this.cleanups) cleanup();
    this.socket?.close(1000, "page closed");
    this.socket = null;
  }

  /** Queues a message; it goes out now if the line is open, else as soon as it is. */
  send(body: string): string {
    const entry: OutboxEntry = { clientId: newClientId(), body, createdAt: Date.now(), state: "pending" };
    this.setOutbox([...this.outbox, entry]);
    this.transmit(entry);
    return entry.clientId;
  }

  retry(clientId: string): void {
    const entry = this.outbox.find((e) => e.clientId === clientId);
    if (!entry) return;
    const again: OutboxEntry = { clientId, body: entry.body, createdAt: entry.createdAt, state: "pending" };
    this.setOutbox(this.outbox.map((e) => (e.clientId === clientId ? again : e)));
    if (this.isOpen()) this.transmit(again);
    else this.wake();
  }

  discard(clientId: string): void {
    this.setOutbox(this.outbox.filter((e) => e.clientId !== clientId));
  }

  /** At most one typing frame per TYPING_THROTTLE_MS. */
  typing(): void {
    const now = Date.now();
    if (now - this.lastTypingAt < TYPING_THROTTLE_MS) return;
    this.lastTypingAt = now;
    this.write({ type: "typing" });
  }

  /** Everything up to `seq` is read (sent once per new seq). */
  read(seq: number): void {
    if (seq <= this.readSent || seq < 1) return;
    if (this.write({ type: "read", seq })) this.readSent = seq;
  }

  edit(seq: number, body: string): boolean {
    const clientId = newClientId();
    this.ops.set(clientId, { kind: "edit", seq });
    return this.write({ type: "edit", clientId, seq, body });
  }

  remove(seq: number): boolean {
    const clientId = newClientId();
    this.ops.set(clientId, { kind: "delete", seq });
    return this.write({ type: "delete", clientId, seq });
  }

  /** Reconnect now rather than at the end of the back-off: the network is back or the page woke up. */
  wake(): void {
    if (this.stopped) return;
    if (this.isOpen()) {
      // A socket that survived a sleep may be dead without knowing it: ask, and drop it if it stays silent.
      this.ping();
      return;
    }
    if (this.connecting) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    void this.connect();
  }

  private isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  private write(frame: ClientFrame): boolean {
    if (!this.isOpen()) return false;
    this.socket!.send(JSON.stringify(frame));
    return true;
  }

  private transmit(entry: OutboxEntry): void {
    if (entry.state !== "pending") return;
    if (this.write({ type: "send", clientId: entry.clientId, body: entry.body })) this.sentAt.set(entry.clientId, Date.now());
  }

  private setOutbox(entries: OutboxEntry[]): void {
    this.outbox = entries;
    for (const entry of entries) this.known.add(entry.clientId);
    // Another tab of the same conversation shares the key: keep the entries it wrote, which
    // this tab never had, so neither tab's save drops the other's unsent messages.
    const others = loadOutbox(this.storage, this.key).filter((entry) => !this.known.has(entry.clientId));
    saveOutbox(this.storage, this.key, [...entries, ...others].sort((a, b) => a.createdAt - b.createdAt));
    this.options.onOutbox(entries);
  }

  private fail(clientId: string, error: string): void {
    this.sentAt.delete(clientId);
    if (!this.outbox.some((e) => e.clientId === clientId && e.state === "pending")) return;
    this.setOutbox(this.outbox.map((e) => (e.clientId === clientId ? { ...e, state: "failed", error } : e)));
  }

  private acknowledged(clientId: string): void {
    this.sentAt.delete(clientId);
    if (this.outbox.some((e) => e.clientId === clientId)) this.setOutbox(this.outbox.filter((e) => e.clientId !== clientId));
  }

  /** Sends written to an open socket that were never acknowledged fail after SEND_TIMEOUT_MS. */
  private sweep(): void {
    const now = Date.now();
    for (const [clientId, at] of this.sentAt) {
      if (now - at > SEND_TIMEOUT_MS) this.fail(clientId, "Not delivered: the connection is not answering.");
    }
  }

  private ping(): void {
    if (!this.isOpen()) return;
    this.socket!.send(PING);
    clearTimeout(this.pongTimer);
    const socket = this.socket;
    this.pongTimer = setTimeout(() => {
      if (this.socket === socket) socket?.close(4000, "no pong");
    }, PONG_TIMEOUT_MS);
  }

  private async ticketUrl(): Promise<string | "gone" | null> {
    const url = `/api/v1/conversations/${encodeURIComponent(this.options.conversationId)}/ticket`;
    const ask = () => fetch(url, { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" } });
    let res = await ask();
    if (res.status === 401) {
      // The access cookie expired: a page request renews it from the refresh cookie (the API never does).
      await fetch(window.location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } }).catch(() => undefined);
      res = await ask();
    }
    if (res.status === 403 || res.status === 404) return "gone";
    if (!res.ok) return null;
    const body = (await res.json()) as { url?: unknown; ticket?: unknown };
    if (typeof body.url !== "string") return null;
    const target = new URL(body.url, window.location.href);
    if (target.protocol === "http:") target.protocol = "ws:";
    if (target.protocol === "https:") target.protocol = "wss:";
    if (!target.searchParams.has("ticket") && typeof body.ticket === "string") target.searchParams.set("ticket", body.ticket);
    target.searchParams.set("since", String(this.lastSeq));
    return target.toString();
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.connecting) return;
    this.connecting = true;
    this.options.onStatus("connecting");
    let url: string | "gone" | null;
    try {
      url = await this.ticketUrl();
    } catch {
      url = null;
    }
    this.connecting = false;
    if (this.stopped) return;
    if (url === "gone") {
      this.stopped = true;
      this.options.onStatus("gone", { message: "You are no longer a member of this conversation." });
      return;
    }
    if (url === null) {
      this.scheduleReconnect();
      return;
    }
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.addEventListener("open", () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.ping(), PING_INTERVAL_MS);
      // Everything not yet acknowledged goes again, oldest first, with the same clientId.
      for (const entry of this.outbox) this.transmit(entry);
    });
    socket.addEventListener("message", (event) => {
      if (this.socket !== socket) return;
      clearTimeout(this.pongTimer);
      const frame = parseServerFrame(event.data);
      if (frame) this.handle(frame);
    });
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      clearInterval(this.pingTimer);
      clearTimeout(this.pongTimer);
      // Sends in flight on a dropped line are not failures: they go again on the next connection.
      this.sentAt.clear();
      if (this.stopped) return;
      if (event.code === CLOSE_CODES.removed) {
        this.stopped = true;
        this.options.onStatus("gone", { message: "You are no longer a member of this conversation." });
        return;
      }
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    const offline = typeof navigator !== "undefined" && navigator.onLine === false;
    this.options.onStatus(offline ? "offline" : "waiting", { retryInMs: delay });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private handle(frame: ServerFrame): void {
    switch (frame.type) {
      case "message":
        this.lastSeq = Math.max(this.lastSeq, frame.seq);
        if (frame.senderId === this.options.userId) this.acknowledged(frame.clientId);
        break;
      case "edit":
      case "delete":
        this.lastSeq = Math.max(this.lastSeq, frame.seq);
        break;
      case "ack": {
        if (this.ops.delete(frame.clientId)) break;
        // Show the stored message at once, even before (or without) its broadcast copy.
        const entry = this.outbox.find((e) => e.clientId === frame.clientId);
        if (entry) {
          this.lastSeq = Math.max(this.lastSeq, frame.seq);
          this.options.onFrame({ type: "message", seq: frame.seq, clientId: entry.clientId, senderId: this.options.userId, body: entry.body, sentAt: new Date().toISOString(), editedAt: null, deletedAt: null });
        }
        this.acknowledged(frame.clientId);
        break;
      }
      case "ready":
        this.lastSeq = Math.max(this.lastSeq, frame.lastSeq);
        this.options.onStatus("live");
        break;
      case "error": {
        const words = frame.code === "rate_limited" && frame.retryAfterSeconds ? `${frame.message} Try again in ${frame.retryAfterSeconds} s.` : frame.message;
        if (frame.clientId && this.ops.has(frame.clientId)) {
          this.ops.delete(frame.clientId);
          this.options.onProblem?.(words);
        } else if (frame.clientId) {
          this.fail(frame.clientId, words);
        } else {
          this.options.onProblem?.(words);
        }
        break;
      }
    }
    this.options.onFrame(frame);
  }
}

function safeLocalStorage(): OutboxStorage | null {
  try {
    return typeof window !== "undefined" ? window.localStorage : null;
  } catch {
    return null;
  }
}

/**
 * Is this live notification (from the header bell's channel) about a chat message, so that a
 * conversation's inbox line has changed? The Messages inbox reloads its data when one comes.
 */
export function isMessageNotification(item: { type?: unknown; subject?: { type?: unknown } | null } | null | undefined): boolean {
  return item?.type === "message" && item.subject?.type === "room";
}
