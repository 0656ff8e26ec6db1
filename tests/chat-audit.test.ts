import { env, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_FRAME_BYTES, MAX_MESSAGE_CHARS, type ServerFrame } from "../durable-objects/chat-protocol";
import { handleChatNotify } from "../queues/jobs/chat-notify";
import type { Job } from "../queues/jobs";
import { uuidv7 } from "../worker/lib/ids";
import { SENTRY_ALLOWED_SEARCH_PARAMS } from "../worker/lib/report-error";
import type { ConversationDetailDto, InboxPage } from "../worker/schemas/conversations";
import { messagePreview, recordRoomPreview } from "../worker/services/chat-inbox";
import { syncDirectRoomSending } from "../worker/services/conversations";
import type { AppEnv, Ctx } from "../worker/env";
import { chatLive } from "../worker/api/chat-live";
import { handleError } from "../worker/middleware/problem";
import { Hono } from "hono";
import { api, BASE } from "./accounts";
import { addMember, directConversation, eventRoom, groupConversation, openChat, removeMember, ticketFor, upgrade } from "./chat-fixtures";
import { connectRoom, roomStub, type RoomSocket } from "./chat-room-sockets";
import { createEvent, type Member } from "./event-factory";
import { block, dancer, notificationsOf } from "./post-factory";
import { jobCtx } from "./notification-factory";
import { seedWorld } from "./world";

/**
 * Reviewer's audit of the chat server (tickets, the door, the room, the API, notifications):
 * each case here is an attack that once worked, or one that must keep failing.
 */

beforeAll(seedWorld);

const going = (m: Member, eventId: string) => api(`/events/${eventId}/rsvp`, { method: "POST", token: m.accessToken, json: { status: "going" } });
const notGoing = (m: Member, eventId: string) => api(`/events/${eventId}/rsvp`, { method: "DELETE", token: m.accessToken });

/** An event with a room: its organizer, `stays` going, `leaves` went and withdrew (still a member of the room). */
async function eventWithRoom() {
  const [stays, leaves] = await Promise.all([dancer("stays"), dancer("leaves")]);
  const { event, organizer } = await createEvent();
  for (const m of [stays, leaves]) expect((await going(m, event.id)).status).toBe(200);
  const room = await eventRoom(event.id, [organizer, stays, leaves]);
  return { event, organizer, stays, leaves, room };
}

describe("the door", () => {
  it("an event-room ticket taken while going is refused (403) once the RSVP is withdrawn, and it is spent", async () => {
    const { event, leaves, room } = await eventWithRoom();
    const { ticket } = await ticketFor(leaves, room);
    expect((await notGoing(leaves, event.id)).status).toBeLessThan(300);
    const refused = await upgrade(room, { ticket });
    expect(refused.status).toBe(403);
    expect(refused.webSocket).toBeNull();
    expect(refused.headers.get("Content-Type")).toContain("application/problem+json");
    // Going again does not revive the ticket: it was consumed.
    expect((await going(leaves, event.id)).status).toBe(200);
    expect((await upgrade(room, { ticket })).status).toBe(401);
  });

  it("a deleted account's tickets go with it (401)", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await groupConversation(ana, [beto]);
    const { ticket } = await ticketFor(beto, id);
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(beto.user.id).run();
    expect((await upgrade(id, { ticket })).status).toBe(401);
  });

  it("a removal racing the upgrade never leaves the removed member with an open socket", async () => {
    // The door checks membership, then the room accepts: a removal (and its disconnect) landing
    // between the two found no socket to close. The door now asks again once the room has it.
    for (let round = 0; round < 6; round += 1) {
      const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
      const id = await groupConversation(ana, [beto]);
      const { ticket } = await ticketFor(beto, id);
      const [res, removal] = await Promise.all([
        upgrade(id, { ticket }),
        new Promise<Response>((resolve) => setTimeout(() => resolve(api(`/conversations/${id}/members/${beto.user.handle}`, { method: "DELETE", token: ana.accessToken })), round)),
      ]);
      expect(removal.status).toBe(204);
      if (res.status === 101) {
        const ws = res.webSocket!;
        const closed = new Promise<number>((resolve) => ws.addEventListener("close", (event) => resolve(event.code)));
        ws.accept();
        expect(await Promise.race([closed, new Promise((resolve) => setTimeout(() => resolve("still open"), 3000))])).toBe(4403);
      } else {
        expect([401, 403]).toContain(res.status);
      }
    }
  });

  it("a removal landing while the room accepts the socket: the door asks again, closes it through the room and answers 403", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await groupConversation(ana, [beto]);
    const { ticket } = await ticketFor(beto, id);
    const disconnected: string[] = [];
    // The room as the door sees it: beto is removed (row and all) while it accepts his socket.
    const room = {
      async fetch() {
        await removeMember(id, beto);
        const pair = new WebSocketPair();
        pair[1].accept();
        return new Response(null, { status: 101, webSocket: pair[0] });
      },
      async disconnect(userId: string) {
        disconnected.push(userId);
      },
    };
    const fakeEnv = { ...jobCtx().env, CHAT_ROOM: { idFromName: (name: string) => name, get: () => room } };
    const door = new Hono<AppEnv>();
    door.use(async (c, next) => {
      c.set("requestId", "audit");
      c.set("ctx", { ...jobCtx(), env: c.env });
      await next();
    });
    door.get("/ws/conversations/:id", chatLive);
    door.onError(handleError);
    const res = await door.request(`/ws/conversations/${id}?ticket=${ticket}`, { headers: { Upgrade: "websocket", Origin: env.APP_ORIGIN } }, fakeEnv);
    expect(res.status).toBe(403);
    expect(res.webSocket).toBeNull();
    expect(disconnected).toEqual([beto.user.id]);

    // A room that fails to disconnect him: still a 403, never a 500 or a socket.
    await addMember(id, beto);
    const again = await ticketFor(beto, id);
    room.disconnect = async () => {
      throw new Error("room unavailable");
    };
    const refused = await door.request(`/ws/conversations/${id}?ticket=${again.ticket}`, { headers: { Upgrade: "websocket", Origin: env.APP_ORIGIN } }, fakeEnv);
    expect(refused.status).toBe(403);
    expect(refused.webSocket).toBeNull();
  });

  it("since: hex, signs, spaces, exponents and 16 digits are 400 without spending the ticket; of repeated ones the first counts", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await groupConversation(ana, [beto]);
    const { ticket } = await ticketFor(beto, id);
    for (const since of ["0x10", "+1", " 1", "1 ", "1_000", "١", "9".repeat(16), "Infinity", "NaN"]) {
      expect((await upgrade(id, { ticket, since })).status).toBe(400);
    }
    const url = (query: string) => `${BASE}/ws/conversations/${id}?ticket=${ticket}&${query}`;
    const headers = { Upgrade: "websocket", Origin: env.APP_ORIGIN };
    expect((await SELF.fetch(url("since=abc&since=1"), { headers })).status).toBe(400);
    const res = await SELF.fetch(url("since=0&since=abc"), { headers });
    expect(res.status).toBe(101);
    res.webSocket!.accept();
    res.webSocket!.close(1000, "done");
  });

  it("the ticket never reaches Sentry: query parameters naming a ticket or a token are left out", () => {
    expect(SENTRY_ALLOWED_SEARCH_PARAMS.test("ticket")).toBe(false);
    expect(SENTRY_ALLOWED_SEARCH_PARAMS.test("Ticket")).toBe(false);
    expect(SENTRY_ALLOWED_SEARCH_PARAMS.test("token")).toBe(false);
    expect(SENTRY_ALLOWED_SEARCH_PARAMS.test("since")).toBe(true);
  });

  it("a forged X-Chat-Member from the client is not passed on: the ticket decides who you are", async () => {
    const [ana, beto, cora] = await Promise.all([dancer("ana"), dancer("beto"), dancer("cora")]);
    const id = await groupConversation(ana, [beto, cora]);
    const { ticket } = await ticketFor(cora, id);
    const res = await upgrade(id, { ticket, headers: { "X-Chat-Member": ana.user.id, "X-Chat-Conversation": uuidv7() } });
    expect(res.status).toBe(101);
    res.webSocket!.accept();
    const frames: ServerFrame[] = [];
    res.webSocket!.addEventListener("message", (event) => frames.push(JSON.parse(String(event.data)) as ServerFrame));
    res.webSocket!.send(JSON.stringify({ type: "send", clientId: "who-am-i", body: "¿quién soy?" }));
    await expect.poll(() => frames.find((f) => f.type === "message")).toMatchObject({ senderId: cora.user.id });
    res.webSocket!.close(1000, "done");
  });
});

describe("blocks and unblocks in quick succession", () => {
  it("a block landing while the sync's own room call is in flight is sent after it (the stale 'open' does not stay)", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    await directConversation(ana, ben);
    const calls: boolean[] = [];
    // The room, as the sync sees it: while the first call is on its way, ben blocks ana.
    const room = {
      async setSendingAllowed(allowed: boolean) {
        calls.push(allowed);
        if (calls.length === 1) await block(ben, ana);
      },
    };
    const ctx = { ...jobCtx(), env: { ...jobCtx().env, CHAT_ROOM: { idFromName: (name: string) => name, get: () => room } } } as unknown as Ctx;
    await syncDirectRoomSending(ctx, ana.user.id, ben.user.id);
    expect(calls).toEqual([true, false]);
  });

  it("the direct room's sending flag always ends as D1 says, whatever order the room calls land in", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await directConversation(ana, ben);
    const blockAs = (m: Member, other: Member, method: "POST" | "DELETE") => api(`/users/${other.user.handle}/block`, { method, token: m.accessToken });
    const flag = () => runInDurableObject(roomStub(id), (_, state) => state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'sending_allowed'").toArray()[0]?.value ?? "1");
    const blockedNow = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM blocks WHERE (blocker_id = ?1 AND blocked_id = ?2) OR (blocker_id = ?2 AND blocked_id = ?1)").bind(ana.user.id, ben.user.id).first<{ n: number }>())!.n > 0;
    for (let round = 0; round < 5; round += 1) {
      const answers = await Promise.all([
        blockAs(ana, ben, round % 2 ? "DELETE" : "POST"),
        blockAs(ana, ben, round % 2 ? "POST" : "DELETE"),
        blockAs(ben, ana, "POST"),
        blockAs(ben, ana, "DELETE"),
      ]);
      for (const res of answers) expect(res.status).toBeLessThan(300);
      expect(await flag()).toBe((await blockedNow()) ? "0" : "1");
    }
  });
});

describe("the room's sweep (its alarm looks at D1)", () => {
  async function closedCode(socket: RoomSocket): Promise<number | "open"> {
    return Promise.race([socket.closed.then((c) => c.code), new Promise<"open">((resolve) => setTimeout(() => resolve("open"), 2000))]);
  }

  it("closes the sockets of a member whose row went without a disconnect (a failed one, or an account deleted with tabs open)", async () => {
    const [ana, beto, cora] = await Promise.all([dancer("ana"), dancer("beto"), dancer("cora")]);
    const id = await groupConversation(ana, [beto, cora]);
    const [a, b, c] = await Promise.all([connectRoom(id, ana.user.id), connectRoom(id, beto.user.id), connectRoom(id, cora.user.id)]);
    await Promise.all([a.next("ready"), b.next("ready"), c.next("ready")]);
    await removeMember(id, beto);
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(cora.user.id).run();
    expect(await runDurableObjectAlarm(roomStub(id))).toBe(true);
    expect(await closedCode(b)).toBe(4403);
    expect(await closedCode(c)).toBe(4403);
    expect(await a.next("presence", (f) => f.online.length === 1)).toEqual({ type: "presence", online: [ana.user.id] });
    // Ana is still in, and still heard.
    a.send({ type: "send", clientId: "still-here", body: "¿Siguen?" });
    expect(await a.next("ack")).toMatchObject({ clientId: "still-here" });
    a.close();
  });

  it("closes an event-room socket once its member stops going; the going ones and the organizer stay", async () => {
    const { event, organizer, stays, leaves, room } = await eventWithRoom();
    const [o, s] = await Promise.all([openChat(organizer, room), openChat(stays, room)]);
    const l = await openChat(leaves, room);
    await Promise.all([o.next("ready"), s.next("ready"), l.next("ready")]);
    expect((await notGoing(leaves, event.id)).status).toBeLessThan(300);
    expect(await runDurableObjectAlarm(roomStub(room))).toBe(true);
    expect(await l.closed).toBe(4403);
    s.send({ type: "send", clientId: "after-sweep", body: "Nos vemos" });
    expect(await s.next("ack")).toMatchObject({ clientId: "after-sweep" });
    expect(o.socket.readyState).toBe(1);
    o.close();
    s.close();
  });

  it("leaves rooms alone whose conversation is not in D1 (nothing to compare with)", async () => {
    const id = uuidv7();
    const x = await connectRoom(id, uuidv7());
    await x.next("ready");
    expect(await runDurableObjectAlarm(roomStub(id))).toBe(true);
    x.send({ type: "send", clientId: "alone", body: "¿Hola?" });
    expect(await x.next("ack")).toMatchObject({ clientId: "alone" });
    x.close();
  });
});

describe("hostile frames (the room answers with error frames and keeps working)", () => {
  async function room(): Promise<{ id: string; a: RoomSocket; b: RoomSocket; anaId: string; betoId: string }> {
    const id = uuidv7();
    const [anaId, betoId] = [uuidv7(), uuidv7()];
    const [a, b] = await Promise.all([connectRoom(id, anaId), connectRoom(id, betoId)]);
    await Promise.all([a.next("ready"), b.next("ready")]);
    return { id, a, b, anaId, betoId };
  }

  it("prototype keys, deep nesting, huge or fractional seqs and wrong types are refused frame by frame", async () => {
    const { a, b } = await room();
    const hostile = [
      '{"type":"send","clientId":"p1","body":"hi","__proto__":{"polluted":true}}',
      '{"__proto__":{"type":"send","clientId":"p2","body":"hi"}}',
      '{"type":"send","clientId":"p3","body":"hi","constructor":{"prototype":{"polluted":true}}}',
      `{"type":"send","clientId":"p4","body":${"[".repeat(20_000)}${"]".repeat(20_000)}}`,
      "[".repeat(60_000),
      '{"type":"read","seq":1e400}',
      '{"type":"read","seq":1.5}',
      '{"type":"read","seq":"7"}',
      '{"type":"read","seq":-1}',
      '{"type":"edit","clientId":"e1","seq":9007199254740993,"body":"x"}',
      '{"type":"delete","clientId":"d1","seq":0}',
      '{"type":"toString"}',
      '{"type":"__proto__"}',
      '{"type":"send","clientId":"../../etc","body":"hi"}',
      '{"type":"send","clientId":"x","body":"' + "a".repeat(MAX_FRAME_BYTES) + '"}',
    ];
    for (const frame of hostile) a.send(frame);
    const errors = await a.count("error", hostile.length);
    expect(errors.map((e) => e.code)).toEqual([
      "invalid_frame",
      "invalid_frame",
      "invalid_frame",
      "invalid_body",
      "invalid_frame",
      "invalid_frame",
      "invalid_frame",
      "invalid_frame",
      "invalid_frame",
      "invalid_frame",
      "invalid_frame",
      "unknown_type",
      "unknown_type",
      "invalid_frame",
      "invalid_frame",
    ]);
    expect(a.of("message")).toEqual([]);
    expect(b.of("message")).toEqual([]);
    a.send({ type: "send", clientId: "after", body: "Sigo aquí" });
    expect(await b.next("message")).toMatchObject({ clientId: "after", body: "Sigo aquí" });
    a.close();
    b.close();
  });

  it("bodies with NUL, RTL overrides, a lone surrogate and 4,000 emoji are stored and replayed exactly as broadcast", async () => {
    const { id, a, b } = await room();
    const bodies = ["a\u0000b", "\u202Egnp.exe", "x\uD800y", "💃".repeat(MAX_MESSAGE_CHARS), "\u200B\u200Bok"];
    bodies.forEach((body, i) => a.send({ type: "send", clientId: `odd-${i}`, body }));
    const live = await b.count("message", bodies.length);
    const history = await roomStub(id).history({ conversationId: id, limit: 10 });
    expect(history.messages.map((m) => m.body)).toEqual(live.map((m) => m.body));
    expect(live[0]!.body).toBe("a\u0000b");
    expect(live[1]!.body).toBe("\u202Egnp.exe");
    expect(live[3]!.body).toBe("💃".repeat(MAX_MESSAGE_CHARS));
    // One emoji more is too long, counted in characters, not UTF-16 units.
    a.send({ type: "send", clientId: "too-long", body: "💃".repeat(MAX_MESSAGE_CHARS + 1) });
    expect(await a.next("error")).toMatchObject({ code: "invalid_body", clientId: "too-long" });
    // A reconnecting tab replays the same words.
    const c = await connectRoom(id, uuidv7(), { since: 0 });
    await c.next("ready");
    expect(c.of("message").map((m) => m.body)).toEqual(live.map((m) => m.body));
    for (const s of [a, b, c]) s.close();
  });

  it("odd bodies reach the inbox too: a lone surrogate or a NUL does not stall the room's D1 write-back", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await groupConversation(ana, [beto]);
    const a = await openChat(ana, id);
    await a.next("ready");
    a.send({ type: "send", clientId: "lone", body: "x\uD800y" });
    a.send({ type: "send", clientId: "nul", body: "a\u0000b" });
    a.send({ type: "send", clientId: "plain", body: "fin" });
    await a.next("ack");
    await a.next("ack");
    const last = await a.next("ack");
    await expect
      .poll(async () => env.DB.prepare("SELECT last_seq AS lastSeq, last_preview AS preview, message_count AS n FROM conversations WHERE id = ?").bind(id).first(), { timeout: 5000 })
      .toEqual({ lastSeq: last.seq, preview: "fin", n: 3 });
    a.close();
  });

  it("edit and delete: only your own messages, never an edit or delete event's seq; reads are capped at the newest seq", async () => {
    const { a, b, anaId, betoId } = await room();
    a.send({ type: "send", clientId: "m1", body: "uno" });
    const m1 = await a.next("ack");
    a.send({ type: "edit", clientId: "e1", seq: m1.seq, body: "uno!" });
    const e1 = await a.next("ack", (f) => f.clientId === "e1");
    // The edit event's seq is not a message: neither its author nor anyone else can edit or delete it.
    a.send({ type: "edit", clientId: "e2", seq: e1.seq, body: "hijack" });
    expect(await a.next("error", (f) => f.clientId === "e2")).toMatchObject({ code: "not_found" });
    a.send({ type: "delete", clientId: "d0", seq: e1.seq });
    expect(await a.next("error", (f) => f.clientId === "d0")).toMatchObject({ code: "not_found" });
    b.send({ type: "edit", clientId: "b1", seq: m1.seq, body: "mine now" });
    expect(await b.next("error", (f) => f.clientId === "b1")).toMatchObject({ code: "forbidden" });
    b.send({ type: "delete", clientId: "b2", seq: m1.seq });
    expect(await b.next("error", (f) => f.clientId === "b2")).toMatchObject({ code: "forbidden" });
    a.send({ type: "delete", clientId: "d1", seq: m1.seq });
    const d1 = await a.next("ack", (f) => f.clientId === "d1");
    a.send({ type: "delete", clientId: "d2", seq: d1.seq });
    expect(await a.next("error", (f) => f.clientId === "d2")).toMatchObject({ code: "not_found" });
    a.send({ type: "edit", clientId: "e3", seq: m1.seq, body: "back from the dead" });
    expect(await a.next("error", (f) => f.clientId === "e3")).toMatchObject({ code: "not_found" });
    b.send({ type: "read", seq: Number.MAX_SAFE_INTEGER });
    expect(await a.next("read")).toEqual({ type: "read", userId: betoId, seq: d1.seq });
    expect(a.of("edit").every((f) => f.senderId === anaId)).toBe(true);
    a.close();
    b.close();
  });
});

describe("what a member who may not read is shown", () => {
  type ChatNotifyJob = Extract<Job, { type: "chat.notify" }>;

  async function roomMessage(conversationId: string, sender: Member, seq: number, body: string): Promise<ChatNotifyJob> {
    const sentAt = new Date().toISOString();
    await env.DB.prepare(
      "UPDATE conversations SET last_seq = ?1, message_count = ?1, last_message_at = ?2, last_activity_at = ?2, last_sender_id = ?3, last_preview = ?4 WHERE id = ?5 AND last_seq < ?1",
    )
      .bind(seq, sentAt, sender.user.id, messagePreview(body), conversationId)
      .run();
    await env.DB.prepare("UPDATE conversation_members SET read_seq = ?1, read_count = ?1 WHERE conversation_id = ?2 AND user_id = ?3").bind(seq, conversationId, sender.user.id).run();
    return { type: "chat.notify", idempotencyKey: `chat:${conversationId}:${seq}`, conversationId, seq, senderId: sender.user.id, online: [] };
  }
  const run = (job: ChatNotifyJob) => handleChatNotify(job, env as unknown as Cloudflare.Env);
  const excerpts = async (m: Member) => {
    const page = await (await api("/notifications", { token: m.accessToken })).json<{ data: { type: string; data: { excerpt?: string | null } }[] }>();
    return page.data.filter((n) => n.type === "message").map((n) => n.data.excerpt ?? null);
  };

  it("an event-room member who stopped going gets no message notifications, and the inbox hides the room's newest words", async () => {
    const { event, organizer, stays, leaves, room } = await eventWithRoom();
    expect((await notGoing(leaves, event.id)).status).toBeLessThan(300);
    expect(await run(await roomMessage(room, organizer, 1, "Doors open at 22:00, secret door code 4711"))).toBe(1);
    expect((await notificationsOf(leaves)).filter((n) => n.type === "message")).toEqual([]);
    expect(await excerpts(stays)).toEqual(["Doors open at 22:00, secret door code 4711"]);

    const lineOf = async (m: Member) => (await (await api("/conversations", { token: m.accessToken })).json<InboxPage>()).data.find((c) => c.id === room)!;
    const hidden = await lineOf(leaves);
    expect(hidden.lastMessage).toMatchObject({ seq: 1, preview: null });
    expect(hidden.canSend).toBe(false);
    const detail = await (await api(`/conversations/${room}`, { token: leaves.accessToken })).json<ConversationDetailDto>();
    expect(detail.lastMessage?.preview ?? null).toBeNull();
    expect((await lineOf(stays)).lastMessage?.preview).toBe("Doors open at 22:00, secret door code 4711");
    expect((await lineOf(stays)).canSend).toBe(true);
  });

  it("deleting the newest message takes its words out of the notifications that quote it (this conversation's only), without a scan", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const [id, other] = [await groupConversation(ana, [beto]), await groupConversation(ana, [beto])];
    const words = "wrong chat: the door code is 4711";
    expect(await run(await roomMessage(id, ana, 1, words))).toBe(1);
    expect(await run(await roomMessage(other, ana, 1, words))).toBe(1);
    // An edit changes the inbox line only.
    await recordRoomPreview(env, { conversationId: id, messageSeq: 1, body: "edited" });
    expect(await excerpts(beto)).toEqual([words, words]);
    await env.DB.prepare("UPDATE conversations SET last_preview = ? WHERE id = ?").bind(words, id).run();
    await recordRoomPreview(env, { conversationId: id, messageSeq: 1, body: null });
    expect(await excerpts(beto)).toEqual([words, null]);
    const line = await env.DB.prepare("SELECT last_preview AS preview FROM conversations WHERE id = ?").bind(id).first<{ preview: string | null }>();
    expect(line?.preview).toBeNull();
    const plan = await env.DB.prepare(
      `EXPLAIN QUERY PLAN UPDATE notifications SET data = json_set(data, '$.excerpt', NULL)
        WHERE user_id IN (SELECT user_id FROM conversation_members WHERE conversation_id = ?1)
          AND dedupe_key >= ?2 AND dedupe_key < ?3
          AND json_extract(data, '$.excerpt') = (SELECT last_preview FROM conversations WHERE id = ?1 AND last_seq = ?4)`,
    )
      .bind(id, `message:${id}:`, `message:${id};`, 1)
      .all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).filter((d) => /^SCAN/.test(d))).toEqual([]);
  });

  it("a notification quotes its own sender only: a later message by someone else (maybe blocked) is not put under their name", async () => {
    const [ana, beto, cora] = await Promise.all([dancer("ana"), dancer("beto"), dancer("cora")]);
    const id = await groupConversation(ana, [beto, cora]);
    await block(cora, beto);
    // Ana writes (seq 1), Beto answers (seq 2) before Ana's job runs: Cora, who blocked Beto, is told about Ana's message.
    const first = await roomMessage(id, ana, 1, "¿Vamos a La Viruta?");
    await roomMessage(id, beto, 2, "Beto's words Cora must not see");
    expect(await run(first)).toBe(1);
    expect(await excerpts(cora)).toEqual([null]);
    // A later message by the same sender may stand in for the first.
    const [dee, eli] = await Promise.all([dancer("dee"), dancer("eli")]);
    const other = await groupConversation(dee, [eli]);
    const one = await roomMessage(other, dee, 1, "uno");
    await roomMessage(other, dee, 2, "dos");
    expect(await run(one)).toBe(1);
    expect(await excerpts(eli)).toEqual(["dos"]);
  });
});

describe("groups under concurrent adds", () => {
  it("two admins adding 60 each at the same moment never pass the 100-member cap", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await groupConversation(ana, [ben]);
    await env.DB.prepare("UPDATE conversation_members SET role = 'admin' WHERE conversation_id = ? AND user_id = ?").bind(id, ben.user.id).run();
    const now = new Date().toISOString();
    const stamp = Date.now().toString(36);
    const extra = Array.from({ length: 120 }, (_, i) => ({ id: crypto.randomUUID(), handle: `cap_${stamp}_${i}` }));
    await env.DB.batch(
      extra.map((u) => env.DB.prepare("INSERT INTO users (id, email, handle, display_name, created_at) VALUES (?, ?, ?, ?, ?)").bind(u.id, `${u.handle}@example.test`, u.handle, u.handle, now)),
    );
    const [byAna, byBen] = await Promise.all([
      api(`/conversations/${id}/members`, { method: "POST", token: ana.accessToken, json: { handles: extra.slice(0, 60).map((u) => u.handle) } }),
      api(`/conversations/${id}/members`, { method: "POST", token: ben.accessToken, json: { handles: extra.slice(60).map((u) => u.handle) } }),
    ]);
    expect([byAna.status, byBen.status].sort()).toEqual([200, 422]);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM conversation_members WHERE conversation_id = ?").bind(id).first<{ n: number }>();
    expect(count?.n).toBe(62);
  });
});
