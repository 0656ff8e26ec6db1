import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ConversationDto, InboxPage, MessagePage } from "../worker/schemas/conversations";
import { api } from "./accounts";
import { openChat, startDirect, startGroup } from "./chat-fixtures";
import { createEvent } from "./event-factory";
import { dancer, type Member } from "./post-factory";
import { seedWorld } from "./world";

beforeAll(seedWorld);

interface SendResult {
  seq: number;
  duplicate: boolean;
  message: { seq: number; clientId: string; senderId: string; body: string | null; sentAt: string };
}

const direct = async (a: Member, b: Member): Promise<string> => (await startDirect(a, b)).id;
const group = async (admin: Member, others: Member[]): Promise<string> => (await startGroup(admin, others, "Práctica")).id;

function send(by: Member, id: string, body: string, clientId: string = crypto.randomUUID()): Promise<Response> {
  return api(`/conversations/${id}/messages`, { method: "POST", token: by.accessToken, json: { clientId, body } });
}

async function sent(by: Member, id: string, body: string): Promise<SendResult> {
  const res = await send(by, id, body);
  expect(res.status).toBe(201);
  return res.json<SendResult>();
}

async function history(by: Member, id: string, query = ""): Promise<MessagePage> {
  const res = await api(`/conversations/${id}/messages${query}`, { token: by.accessToken });
  expect(res.status).toBe(200);
  return res.json<MessagePage>();
}

async function line(of: Member, id: string): Promise<ConversationDto | undefined> {
  const res = await api("/conversations?limit=100", { token: of.accessToken });
  return (await res.json<InboxPage>()).data.find((c) => c.id === id);
}

/** The room writes the inbox back to D1 after delivery (its outbox, drained in the background): wait for it. */
function eventually<T>(check: () => Promise<T>): Promise<T> {
  return vi.waitFor(check, { timeout: 10_000, interval: 50 });
}

describe("sending and reading over HTTP", () => {
  it("sends (201), and a repeated clientId answers the original message (200, duplicate) without storing it twice", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await direct(ana, ben);
    const first = await send(ana, id, "¿Vamos a la milonga?", "client-1");
    expect(first.status).toBe(201);
    const result = await first.json<SendResult>();
    expect(result).toMatchObject({ seq: 1, duplicate: false, message: { seq: 1, clientId: "client-1", senderId: ana.user.id, body: "¿Vamos a la milonga?" } });
    const again = await send(ana, id, "¿Vamos a la milonga?", "client-1");
    expect(again.status).toBe(200);
    expect(await again.json<SendResult>()).toMatchObject({ seq: 1, duplicate: true });
    const page = await history(ben, id);
    expect(page.data.map((m) => m.body)).toEqual(["¿Vamos a la milonga?"]);
    expect(page.lastSeq).toBe(1);
  });

  it("pages history backwards with before and limit, each page oldest first", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await direct(ana, ben);
    for (let i = 1; i <= 5; i++) await sent(i % 2 ? ana : ben, id, `message ${i}`);
    const newest = await history(ben, id, "?limit=2");
    expect(newest.data.map((m) => m.seq)).toEqual([4, 5]);
    expect(newest.nextBefore).toBe(4);
    expect(newest.lastSeq).toBe(5);
    const older = await history(ben, id, `?limit=2&before=${newest.nextBefore}`);
    expect(older.data.map((m) => m.seq)).toEqual([2, 3]);
    const oldest = await history(ben, id, `?limit=2&before=${older.nextBefore}`);
    expect(oldest.data.map((m) => m.body)).toEqual(["message 1"]);
    expect(oldest.nextBefore).toBeNull();
  });

  it("counts unread for the others only; a read receipt lowers it and never goes back", async () => {
    const [ana, ben, cai] = await Promise.all([dancer("ana"), dancer("ben"), dancer("cai")]);
    const id = await group(ana, [ben, cai]);
    for (const body of ["one", "two", "three"]) await sent(ana, id, body);
    await eventually(async () => expect(await line(ben, id)).toMatchObject({ unreadCount: 3, lastReadSeq: 0, lastMessage: { seq: 3, preview: "three", senderId: ana.user.id } }));
    expect(await line(ana, id)).toMatchObject({ unreadCount: 0, lastReadSeq: 3 });

    const read = await api(`/conversations/${id}/read`, { method: "POST", token: ben.accessToken, json: { seq: 2 } });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ readSeq: 2 });
    await eventually(async () => expect(await line(ben, id)).toMatchObject({ unreadCount: 1, lastReadSeq: 2 }));
    const lower = await api(`/conversations/${id}/read`, { method: "POST", token: ben.accessToken, json: { seq: 1 } });
    expect(await lower.json()).toEqual({ readSeq: 2 });
    expect(await line(cai, id)).toMatchObject({ unreadCount: 3 });

    const inbox = await (await api("/conversations", { token: cai.accessToken })).json<InboxPage>();
    expect(inbox.unreadConversations).toBe(1);
    await sent(ben, id, "four");
    await eventually(async () => expect(await line(ben, id)).toMatchObject({ unreadCount: 0, lastReadSeq: 4 }));
  });

  it("moves a conversation to the top of the inbox when a message arrives", async () => {
    const [ana, ben, cai] = await Promise.all([dancer("ana"), dancer("ben"), dancer("cai")]);
    const withBen = await direct(ana, ben);
    const withCai = await direct(ana, cai);
    const order = async () => (await (await api("/conversations", { token: ana.accessToken })).json<InboxPage>()).data.map((c) => c.id);
    expect((await order()).slice(0, 2)).toEqual([withCai, withBen]);
    await sent(ben, withBen, "hola");
    await eventually(async () => expect((await order()).slice(0, 2)).toEqual([withBen, withCai]));
  });

  it("answers 429 with Retry-After once a member sends too fast", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await direct(ana, ben);
    let limited: Response | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const res = await send(ana, id, `burst ${i}`);
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(201);
    }
    expect(limited, "the chat.send limit was never reached").toBeDefined();
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited!.headers.get("content-type")).toBe("application/problem+json");
    // Another member is not slowed by ana's burst.
    expect((await send(ben, id, "calm")).status).toBe(201);
  });
});

describe("blocks in a direct conversation that already exists", () => {
  it("close sending over HTTP and in the room itself; an unblock opens both again", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await direct(ana, ben);
    await sent(ana, id, "before the block");
    const room = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(id));

    expect((await api(`/users/${ana.user.handle}/block`, { method: "POST", token: ben.accessToken })).status).toBeLessThan(300);
    expect((await send(ana, id, "after the block")).status).toBe(403);
    expect((await send(ben, id, "me neither")).status).toBe(403);
    // The room was told: even a door that skipped the Worker's check could not send.
    expect(await room.send({ conversationId: id, userId: ana.user.id, clientId: "direct-door", body: "sneaky" })).toMatchObject({ ok: false, code: "not_allowed" });
    // Both still read what was said before.
    expect((await history(ana, id)).data.map((m) => m.body)).toEqual(["before the block"]);

    expect((await api(`/users/${ana.user.handle}/block`, { method: "DELETE", token: ben.accessToken })).status).toBeLessThan(300);
    expect((await send(ana, id, "friends again")).status).toBe(201);
    expect(await room.send({ conversationId: id, userId: ben.user.id, clientId: "direct-door-2", body: "yes" })).toMatchObject({ ok: true });
  });

  it("refuse a send frame on a socket that was open before the block", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await direct(ana, ben);
    const chat = await openChat(ana, id);
    await chat.next("ready");
    expect((await api(`/users/${ben.user.handle}/block`, { method: "POST", token: ana.accessToken })).status).toBeLessThan(300);
    chat.send({ type: "send", clientId: "after-block", body: "hello?" });
    expect(await chat.next("error")).toMatchObject({ code: "not_allowed" });
    chat.close();
  });
});

describe("leaving closes the door", () => {
  it("a removed member's open socket is closed, and they can no longer read or send", async () => {
    const [ana, ben, cai] = await Promise.all([dancer("ana"), dancer("ben"), dancer("cai")]);
    const id = await group(ana, [ben, cai]);
    const chat = await openChat(cai, id);
    await chat.next("ready");
    expect((await api(`/conversations/${id}/members/${cai.user.handle}`, { method: "DELETE", token: ana.accessToken })).status).toBe(204);
    expect(await chat.closed).toBe(4403);
    expect((await api(`/conversations/${id}/messages`, { token: cai.accessToken })).status).toBe(404);
    expect((await send(cai, id, "still here?")).status).toBe(404);
  });

  it("a member who leaves is disconnected too", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await group(ana, [ben]);
    const chat = await openChat(ben, id);
    await chat.next("ready");
    expect((await api(`/conversations/${id}/leave`, { method: "POST", token: ben.accessToken })).status).toBe(204);
    expect(await chat.closed).toBe(4403);
  });
});

describe("event rooms", () => {
  it("going attendees talk; a member of the site who has not joined can't read the history (403)", async () => {
    const { event, organizer } = await createEvent({ title: "Milonga del Sur" });
    const [gus, vic] = await Promise.all([dancer("gus"), dancer("vic")]);
    const now = new Date().toISOString();
    await env.DB.prepare("INSERT INTO rsvps (event_id, occurrence_key, user_id, status, registered_by, registered_at, updated_at) VALUES (?, '20990101T000000Z', ?, 'going', ?, ?, ?)")
      .bind(event.id, gus.user.id, gus.user.id, now, now)
      .run();
    const room = await (await api(`/events/${event.id}/room`, { method: "POST", token: gus.accessToken })).json<ConversationDto>();
    await api(`/events/${event.id}/room`, { method: "POST", token: organizer.accessToken });
    await sent(gus, room.id, "Who shares a taxi?");
    await sent(organizer, room.id, "Doors open at 21:00");
    expect((await history(organizer, room.id)).data.map((m) => m.body)).toEqual(["Who shares a taxi?", "Doors open at 21:00"]);
    expect((await api(`/conversations/${room.id}/messages`, { token: vic.accessToken })).status).toBe(403);
    expect((await send(vic, room.id, "let me in")).status).toBe(403);
    expect((await api(`/conversations/${room.id}/read`, { method: "POST", token: vic.accessToken, json: { seq: 1 } })).status).toBe(403);
  });
});
