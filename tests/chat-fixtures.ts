import { env, SELF } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { createDb } from "../db/client";
import { conversationMembers, conversations } from "../db/schema";
import type { ClientFrame, ServerFrame } from "../durable-objects/chat-protocol";
import { uuidv7 } from "../worker/lib/ids";
import type { ConversationDto, TicketDto } from "../worker/schemas/conversations";
import { directKeyOf } from "../worker/services/conversation-access";
import { api, BASE } from "./accounts";
import type { Member } from "./event-factory";

/**
 * Chat fixtures for tests (D1 rows straight through drizzle, tickets and sockets through the Worker).
 * Members come from tests/accounts.ts `member()` or tests/post-factory.ts `dancer()`; call
 * `seedWorld()` in beforeAll first when you use `dancer()`.
 *
 * - `startDirect(a, b)`, `startGroup(admin, others, title?)` → ConversationDto, through
 *   `POST /api/v1/conversations` (throws unless 200/201): for tests of the API's own rules.
 * - `directConversation(a, b)` → conversation id: the direct conversation of a pair (both members).
 * - `groupConversation(admin, others, title?)` → id: `admin` is its admin, `others` members.
 * - `eventRoom(eventId, members)` → id: the event's room with these members (no eligibility check).
 * - `addMember(conversationId, m)`, `removeMember(conversationId, m)`, `setMuted(conversationId, m, muted)`,
 *   `memberRow(conversationId, m)`: the conversation_members row, for setups and assertions.
 * - `ticketFor(m, conversationId)` → TicketDto, through `POST /api/v1/conversations/:id/ticket`
 *   (throws unless 201); `requestTicket(...)` → the raw Response.
 * - `upgrade(conversationId, {ticket?, since?, origin?, headers?})` → the raw Response of
 *   `GET /ws/conversations/:id` (for refusals: status and problem+json; a 101 carries `webSocket`).
 * - `openChat(m, conversationId, {since?, origin?})` → `ChatClient`: gets a real ticket,
 *   upgrades through SELF.fetch and accepts the socket. `frames` holds every JSON frame received;
 *   `next(type, timeoutMs?)` resolves with the oldest received frame of that type not yet taken
 *   by `next` (so frames that arrived before you asked are not missed); `send(frame)` sends JSON
 *   (a string is sent as is); `close()` closes it; `closed` resolves with the close code.
 */

/** The direct conversation of a pair, started (or found) by `a` through the API. */
export async function startDirect(a: Member, b: Member): Promise<ConversationDto> {
  const res = await api("/conversations", { method: "POST", token: a.accessToken, json: { type: "direct", with: b.user.handle } });
  if (res.status !== 201 && res.status !== 200) throw new Error(`direct failed: ${res.status} ${await res.text()}`);
  return res.json<ConversationDto>();
}

/** A group conversation `admin` starts through the API with `others` in it. */
export async function startGroup(admin: Member, others: Member[], title = "Ride to the festival"): Promise<ConversationDto> {
  const res = await api("/conversations", { method: "POST", token: admin.accessToken, json: { type: "group", title, members: others.map((m) => m.user.handle) } });
  if (res.status !== 201) throw new Error(`group failed: ${res.status} ${await res.text()}`);
  return res.json<ConversationDto>();
}

const db = () => createDb(env.DB);
const now = () => new Date().toISOString();

async function insertConversation(values: typeof conversations.$inferInsert, members: { userId: string; role: "admin" | "member" }[]): Promise<string> {
  await db().insert(conversations).values(values);
  if (members.length > 0) {
    await db()
      .insert(conversationMembers)
      .values(members.map((m) => ({ conversationId: values.id, userId: m.userId, role: m.role, joinedAt: now() })));
  }
  return values.id;
}

/** The direct conversation between `a` and `b` (inserted; do not call twice for one pair). */
export function directConversation(a: Member, b: Member): Promise<string> {
  const at = now();
  return insertConversation(
    { id: uuidv7(), type: "direct", directKey: directKeyOf(a.user.id, b.user.id), createdBy: a.user.id, createdAt: at, lastActivityAt: at },
    [
      { userId: a.user.id, role: "member" },
      { userId: b.user.id, role: "member" },
    ],
  );
}

/** A group conversation: `admin` is its admin, `others` plain members. */
export function groupConversation(admin: Member, others: Member[], title = "Ronda de práctica"): Promise<string> {
  const at = now();
  return insertConversation({ id: uuidv7(), type: "group", title, createdBy: admin.user.id, createdAt: at, lastActivityAt: at }, [
    { userId: admin.user.id, role: "admin" },
    ...others.map((m) => ({ userId: m.user.id, role: "member" as const })),
  ]);
}

/** The room of event `eventId` with these members (rows only: eligibility is the test's business). */
export function eventRoom(eventId: string, members: Member[]): Promise<string> {
  const at = now();
  return insertConversation(
    { id: uuidv7(), type: "event", eventId, createdAt: at, lastActivityAt: at },
    members.map((m) => ({ userId: m.user.id, role: "member" as const })),
  );
}

export async function addMember(conversationId: string, m: Member, role: "admin" | "member" = "member"): Promise<void> {
  await db().insert(conversationMembers).values({ conversationId, userId: m.user.id, role, joinedAt: now() });
}

export async function removeMember(conversationId: string, m: Member): Promise<void> {
  await db()
    .delete(conversationMembers)
    .where(and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, m.user.id)));
}

export async function setMuted(conversationId: string, m: Member, muted: boolean): Promise<void> {
  await db()
    .update(conversationMembers)
    .set({ muted })
    .where(and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, m.user.id)));
}

export function memberRow(conversationId: string, m: Member) {
  return db()
    .select()
    .from(conversationMembers)
    .where(and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, m.user.id)))
    .get();
}

export function requestTicket(m: Member | null, conversationId: string): Promise<Response> {
  return api(`/conversations/${encodeURIComponent(conversationId)}/ticket`, { method: "POST", token: m?.accessToken });
}

export async function ticketFor(m: Member, conversationId: string): Promise<TicketDto> {
  const res = await requestTicket(m, conversationId);
  if (res.status !== 201) throw new Error(`ticket refused: ${res.status} ${await res.text()}`);
  return res.json<TicketDto>();
}

export interface UpgradeOptions {
  ticket?: string;
  since?: string | number;
  /** The Origin header; default the app's own. `null` sends none. */
  origin?: string | null;
  headers?: Record<string, string>;
}

export function upgrade(conversationId: string, options: UpgradeOptions = {}): Promise<Response> {
  const url = new URL(`${BASE}/ws/conversations/${encodeURIComponent(conversationId)}`);
  if (options.ticket !== undefined) url.searchParams.set("ticket", options.ticket);
  if (options.since !== undefined) url.searchParams.set("since", String(options.since));
  const origin = options.origin === undefined ? env.APP_ORIGIN : options.origin;
  return SELF.fetch(url, { headers: { Upgrade: "websocket", ...(origin === null ? {} : { Origin: origin }), ...options.headers } });
}

export type FrameOf<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

export interface ChatClient {
  socket: WebSocket;
  frames: ServerFrame[];
  next<T extends ServerFrame["type"]>(type: T, timeoutMs?: number): Promise<FrameOf<T>>;
  send(frame: ClientFrame | Record<string, unknown> | string): void;
  close(): void;
  closed: Promise<number>;
}

/** Wraps an accepted socket: every JSON frame is recorded, and `next` hands them out by type. */
export function chatClient(socket: WebSocket): ChatClient {
  const frames: ServerFrame[] = [];
  const taken = new Set<number>();
  const waiters: { type: string; resolve: (frame: ServerFrame) => void }[] = [];
  const take = (type: string): ServerFrame | undefined => {
    const index = frames.findIndex((frame, i) => frame.type === type && !taken.has(i));
    if (index < 0) return undefined;
    taken.add(index);
    return frames[index];
  };
  let closedWith: (code: number) => void = () => {};
  const closed = new Promise<number>((resolve) => (closedWith = resolve));
  socket.addEventListener("message", (event) => {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(String(event.data)) as ServerFrame;
    } catch {
      return; // "pong" and other plain text
    }
    frames.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.type !== frame.type) continue;
      const found = take(waiter.type);
      if (!found) break;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(found);
      break;
    }
  });
  socket.addEventListener("close", (event) => closedWith(event.code));
  return {
    socket,
    frames,
    closed,
    next<T extends ServerFrame["type"]>(type: T, timeoutMs = 10_000): Promise<FrameOf<T>> {
      const ready = take(type);
      if (ready) return Promise.resolve(ready as FrameOf<T>);
      return new Promise<FrameOf<T>>((resolve, reject) => {
        const waiter = {
          type,
          resolve: (frame: ServerFrame) => {
            clearTimeout(timer);
            resolve(frame as FrameOf<T>);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no "${type}" frame within ${timeoutMs} ms; received: ${JSON.stringify(frames).slice(0, 2000)}`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    send(frame) {
      socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
    },
    close() {
      try {
        socket.close(1000, "done");
      } catch {
        // already closed
      }
    },
  };
}

/** Connects `m` to the conversation's room through the Worker with a fresh ticket. Throws unless the upgrade succeeds. */
export async function openChat(m: Member, conversationId: string, options: { since?: number; origin?: string | null } = {}): Promise<ChatClient> {
  const { ticket } = await ticketFor(m, conversationId);
  const res = await upgrade(conversationId, { ticket, since: options.since, origin: options.origin });
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  res.webSocket.accept();
  return chatClient(res.webSocket);
}
