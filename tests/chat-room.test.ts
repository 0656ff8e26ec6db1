import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDb } from "../db/client";
import { conversationMembers, conversations } from "../db/schema";
import { CLOSE_CODES, IDLE_TIMEOUT_MS, MAX_MESSAGE_CHARS, PING, PONG, TYPING_THROTTLE_MS } from "../durable-objects/chat-protocol";
import { windowPolicy } from "../worker/lib/rate-limit-policies";
import { member } from "./accounts";
import { connectRoom, roomStub, upgradeRoom, type RoomSocket } from "./chat-room-sockets";

/** Rooms and members need no D1 rows unless the write-back is under test: fresh ids keep tests apart (rate limits too). */
const conversation = () => crypto.randomUUID();
/** A member id (the room takes the Worker's word for who connects); `name` only documents the test. */
const user = (_name: string) => crypto.randomUUID();
let clientCounter = 0;
const clientId = (prefix = "c") => `${prefix}-${(clientCounter += 1)}`;

const open: RoomSocket[] = [];
async function connect(conversationId: string, userId: string, options: { since?: number | string } = {}): Promise<RoomSocket> {
  const socket = await connectRoom(conversationId, userId, options);
  open.push(socket);
  return socket;
}
afterEach(() => {
  for (const socket of open.splice(0)) {
    try {
      socket.close();
    } catch {
      // Closed by the test or the room.
    }
  }
});

/** Sends through the RPC door (the HTTP API's) and insists it was stored. */
async function rpcSend(conversationId: string, userId: string, body: string, id = clientId()) {
  const outcome = await roomStub(conversationId).send({ conversationId, userId, clientId: id, body });
  if (!outcome.ok) throw new Error(`send refused: ${outcome.code}`);
  return outcome;
}

describe("ChatRoom RPC (the HTTP API's door)", () => {
  it("stores messages with increasing seqs, idempotently per sender and clientId, and pages history oldest first", async () => {
    const room = conversation();
    const ana = user("ana");
    const beto = user("beto");
    const stub = roomStub(room);
    const first = await stub.send({ conversationId: room, userId: ana, clientId: "same", body: "hola" });
    expect(first).toMatchObject({ ok: true, seq: 1, duplicate: false, message: { seq: 1, clientId: "same", senderId: ana, body: "hola", editedAt: null, deletedAt: null } });
    const again = await stub.send({ conversationId: room, userId: ana, clientId: "same", body: "hola (retried)" });
    expect(again).toMatchObject({ ok: true, seq: 1, duplicate: true, message: { body: "hola" } });
    // Another member may use the same clientId: it is theirs.
    expect(await stub.send({ conversationId: room, userId: beto, clientId: "same", body: "che" })).toMatchObject({ ok: true, seq: 2, duplicate: false });
    for (let i = 3; i <= 7; i += 1) await rpcSend(room, ana, `m${i}`);

    const newest = await stub.history({ conversationId: room, limit: 3 });
    expect(newest.messages.map((m) => m.seq)).toEqual([5, 6, 7]);
    expect(newest).toMatchObject({ hasMore: true, lastSeq: 7 });
    const older = await stub.history({ conversationId: room, before: 5, limit: 10 });
    expect(older.messages.map((m) => m.body)).toEqual(["hola", "che", "m3", "m4"]);
    expect(older.hasMore).toBe(false);
    expect((await stub.history({ conversationId: room, limit: 10_000 })).messages).toHaveLength(7);
  });

  it("refuses bodies that are blank or too long and malformed clientIds", async () => {
    const room = conversation();
    const stub = roomStub(room);
    expect(await stub.send({ conversationId: room, userId: user("ana"), clientId: "a", body: "  \n " })).toMatchObject({ ok: false, code: "invalid_body" });
    expect(await stub.send({ conversationId: room, userId: user("ana"), clientId: "b", body: "x".repeat(MAX_MESSAGE_CHARS + 1) })).toMatchObject({ ok: false, code: "invalid_body" });
    expect(await stub.send({ conversationId: room, userId: user("ana"), clientId: "not ok!", body: "hi" })).toMatchObject({ ok: false, code: "invalid_body" });
    expect(await stub.send({ conversationId: room, userId: user("ana"), clientId: "c", body: "💃".repeat(MAX_MESSAGE_CHARS) })).toMatchObject({ ok: true, seq: 1 });
  });

  it("markRead raises the member's position, caps it at the newest seq and never lowers it", async () => {
    const room = conversation();
    const ana = user("ana");
    const beto = user("beto");
    const stub = roomStub(room);
    expect(await stub.markRead({ conversationId: room, userId: beto, seq: 5 })).toEqual({ readSeq: 0 });
    for (let i = 0; i < 3; i += 1) await rpcSend(room, ana, `m${i}`);
    expect(await stub.markRead({ conversationId: room, userId: beto, seq: 2 })).toEqual({ readSeq: 2 });
    expect(await stub.markRead({ conversationId: room, userId: beto, seq: 1 })).toEqual({ readSeq: 2 });
    expect(await stub.markRead({ conversationId: room, userId: beto, seq: 99 })).toEqual({ readSeq: 3 });
    // Sending marks the sender read up to their message.
    expect(await stub.markRead({ conversationId: room, userId: ana, seq: 0 })).toEqual({ readSeq: 3 });
  });

  it("setSendingAllowed(false) refuses new messages (not_allowed) until allowed again", async () => {
    const room = conversation();
    const ana = user("ana");
    const stub = roomStub(room);
    await rpcSend(room, ana, "before", "k1");
    await stub.setSendingAllowed(false);
    expect(await stub.send({ conversationId: room, userId: ana, clientId: "k2", body: "blocked" })).toMatchObject({ ok: false, code: "not_allowed" });
    const socket = await connect(room, ana);
    await socket.next("ready");
    socket.send({ type: "send", clientId: "k3", body: "blocked too" });
    expect(await socket.next("error")).toMatchObject({ code: "not_allowed", clientId: "k3" });
    socket.send({ type: "edit", clientId: "k4", seq: 1, body: "changed" });
    expect(await socket.next("error")).toMatchObject({ code: "not_allowed", clientId: "k4" });
    await stub.setSendingAllowed(true);
    socket.send({ type: "send", clientId: "k5", body: "open again" });
    expect(await socket.next("ack")).toEqual({ type: "ack", clientId: "k5", seq: 2 });
    expect((await stub.history({ conversationId: room, limit: 10 })).messages.map((m) => m.body)).toEqual(["before", "open again"]);
  });
});

describe("ChatRoom WebSocket door", () => {
  it("refuses anything but an upgrade naming the member and the conversation", async () => {
    const room = conversation();
    const stub = roomStub(room);
    expect((await stub.fetch("http://room/ws")).status).toBe(426);
    expect((await stub.fetch("http://room/ws", { headers: { Upgrade: "websocket", "X-Chat-Member": user("ana") } })).status).toBe(400);
    expect((await stub.fetch("http://room/ws", { headers: { Upgrade: "websocket", "X-Chat-Conversation": room } })).status).toBe(400);
    expect((await upgradeRoom(room, user("ana"), { since: "-1" })).status).toBe(400);
    expect((await upgradeRoom(room, user("ana"), { since: "soon" })).status).toBe(400);
    const wrongRoom = await upgradeRoom(room, user("ana"), { headers: { "X-Chat-Conversation": conversation() } });
    // The first caller named the room (the 400s above did not get that far).
    expect(wrongRoom.status).toBe(101);
    wrongRoom.webSocket?.accept();
    wrongRoom.webSocket?.close();
    expect((await upgradeRoom(room, user("ana"))).status).toBe(409);
  });

  it("acks the sender, then delivers the message to every socket, sender included", async () => {
    const room = conversation();
    const ana = user("ana");
    const beto = user("beto");
    const a = await connect(room, ana);
    const b = await connect(room, beto);
    expect(await a.next("ready")).toEqual({ type: "ready", lastSeq: 0, online: [ana].sort(), reads: {} });
    await b.next("ready");
    a.send({ type: "send", clientId: "hello-1", body: "¿Bailamos?" });
    const ack = await a.next("ack");
    expect(ack).toEqual({ type: "ack", clientId: "hello-1", seq: 1 });
    const expected = { type: "message", seq: 1, clientId: "hello-1", senderId: ana, body: "¿Bailamos?", editedAt: null, deletedAt: null };
    const mine = await a.next("message");
    expect(mine).toMatchObject(expected);
    expect(await b.next("message")).toEqual(mine);
    expect(Date.parse(mine.sentAt)).not.toBeNaN();
    expect(a.frames.indexOf(ack)).toBeLessThan(a.frames.indexOf(mine));
  });
});

describe("ChatRoom protocol", () => {
  it("answers a repeated clientId with the original seq, storing and broadcasting it once (also when both copies arrive together)", async () => {
    const room = conversation();
    const ana = user("ana");
    const a = await connect(room, ana);
    const b = await connect(room, user("beto"));
    await Promise.all([a.next("ready"), b.next("ready")]);
    a.send({ type: "send", clientId: "dup", body: "one" });
    expect(await a.next("ack")).toEqual({ type: "ack", clientId: "dup", seq: 1 });
    a.send({ type: "send", clientId: "dup", body: "one, again" });
    expect(await a.next("ack")).toEqual({ type: "ack", clientId: "dup", seq: 1 });
    // Two copies back to back: the second arrives while the first waits for the rate limiter.
    a.send({ type: "send", clientId: "twin", body: "two" });
    a.send({ type: "send", clientId: "twin", body: "two" });
    expect(await a.next("ack")).toEqual({ type: "ack", clientId: "twin", seq: 2 });
    expect(await a.next("ack")).toEqual({ type: "ack", clientId: "twin", seq: 2 });
    a.send({ type: "send", clientId: "last", body: "three" });
    await b.next("message", (m) => m.clientId === "last");
    await a.next("message", (m) => m.clientId === "last");
    expect(b.of("message").map((m) => [m.seq, m.clientId, m.body])).toEqual([
      [1, "dup", "one"],
      [2, "twin", "two"],
      [3, "last", "three"],
    ]);
    expect(a.of("message")).toHaveLength(3);
    expect((await roomStub(room).history({ conversationId: room, limit: 50 })).messages.map((m) => m.clientId)).toEqual(["dup", "twin", "last"]);
    // The HTTP door agrees with the socket about the same clientId.
    expect(await roomStub(room).send({ conversationId: room, userId: ana, clientId: "dup", body: "x" })).toMatchObject({ ok: true, seq: 1, duplicate: true });
  });

  it("replays every event after `since` in order, before `ready` and before anything live", async () => {
    const room = conversation();
    const ana = user("ana");
    const beto = user("beto");
    for (const body of ["uno", "dos", "tres", "cuatro"]) await rpcSend(room, ana, body);
    await rpcSend(room, beto, "cinco");
    const a = await connect(room, ana);
    await a.next("ready");
    a.send({ type: "edit", clientId: "e1", seq: 1, body: "uno (editado)" });
    expect(await a.next("ack")).toEqual({ type: "ack", clientId: "e1", seq: 6 });
    a.send({ type: "delete", clientId: "d1", seq: 2 });
    expect(await a.next("ack")).toEqual({ type: "ack", clientId: "d1", seq: 7 });
    // An edit of a message deleted later: its words must not come back in a replay.
    a.send({ type: "edit", clientId: "e2", seq: 3, body: "tres (editado)" });
    await a.next("ack", (f) => f.clientId === "e2");
    a.send({ type: "delete", clientId: "d2", seq: 3 });
    expect(await a.next("ack", (f) => f.clientId === "d2")).toMatchObject({ seq: 9 });

    const all = await connect(room, beto, { since: 0 });
    const ready = await all.next("ready");
    expect(ready).toMatchObject({ lastSeq: 9, reads: { [ana]: 4, [beto]: 5 } });
    expect(ready.online.sort()).toEqual([ana, beto].sort());
    const replayed = all.frames.slice(0, all.frames.indexOf(ready));
    expect(replayed.map((f) => [f.type, "seq" in f ? f.seq : null])).toEqual([
      ["message", 1],
      ["message", 2],
      ["message", 3],
      ["message", 4],
      ["message", 5],
      ["edit", 6],
      ["delete", 7],
      ["delete", 9],
    ]);
    expect(replayed[0]).toMatchObject({ type: "message", body: "uno (editado)", editedAt: expect.any(String), deletedAt: null });
    expect(replayed[1]).toMatchObject({ type: "message", body: null, deletedAt: expect.any(String) });
    expect(replayed[5]).toMatchObject({ type: "edit", messageSeq: 1, senderId: ana, body: "uno (editado)" });
    expect(replayed[6]).toMatchObject({ type: "delete", messageSeq: 2, senderId: ana });
    expect(JSON.stringify(all.frames)).not.toContain("tres");

    const later = await connect(room, beto, { since: 4 });
    const laterReady = await later.next("ready");
    expect(later.frames.slice(0, later.frames.indexOf(laterReady)).map((f) => ("seq" in f ? f.seq : null))).toEqual([5, 6, 7, 9]);

    const beyond = await connect(room, beto, { since: 500 });
    expect(await beyond.next("ready")).toMatchObject({ lastSeq: 9 });
    expect(beyond.frames[0]?.type).toBe("ready");
    const fresh = await connect(room, beto);
    expect(await fresh.next("ready")).toMatchObject({ lastSeq: 9 });
    expect(fresh.frames[0]?.type).toBe("ready");

    // Live frames follow the replay.
    a.send({ type: "send", clientId: "live", body: "seis" });
    const live = await all.next("message", (m) => m.clientId === "live");
    expect(live.seq).toBe(10);
    expect(all.frames.indexOf(live)).toBeGreaterThan(all.frames.indexOf(ready));
  });

  it("never lets a live message slip into a replay: a socket joining mid-stream sees every seq exactly once, in order", async () => {
    const room = conversation();
    const ana = user("ana");
    const a = await connect(room, ana);
    await a.next("ready");
    const total = 20;
    for (let i = 0; i < total; i += 1) a.send({ type: "send", clientId: `stream-${i}`, body: `frame ${i}` });
    await a.next("ack", (f) => f.clientId === "stream-3");
    const late = await connect(room, user("beto"), { since: 0 });
    await late.next("ready");
    await late.count("message", total);
    await a.count("ack", total);
    expect(late.of("message").map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(late.of("ready")).toHaveLength(1);
  });

  it("gives every socket the same order, without gaps, when several members send at once", async () => {
    const room = conversation();
    const senders = [user("ana"), user("beto"), user("carla")];
    const sockets = await Promise.all(senders.map((id) => connect(room, id)));
    const observer = await connect(room, user("dora"));
    await Promise.all([...sockets, observer].map((s) => s.next("ready")));
    const perSender = 10;
    sockets.forEach((socket, i) => {
      for (let k = 0; k < perSender; k += 1) socket.send({ type: "send", clientId: `s${i}-${k}`, body: `sender ${i} message ${k}` });
    });
    const total = senders.length * perSender;
    const orders = await Promise.all([...sockets, observer].map(async (s) => (await s.count("message", total)).map((m) => `${m.seq}:${m.clientId}`)));
    for (const order of orders) expect(order).toEqual(orders[0]);
    const seqs = orders[0]!.map((entry) => Number(entry.split(":")[0]));
    expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // Each member's own messages keep the order they were sent in.
    for (let i = 0; i < senders.length; i += 1) {
      const mine = orders[0]!.map((entry) => entry.split(":")[1]!).filter((id) => id.startsWith(`s${i}-`));
      expect(mine).toEqual(Array.from({ length: perSender }, (_, k) => `s${i}-${k}`));
    }
    // Each sender's acks carry the seqs everyone saw.
    for (const [i, socket] of sockets.entries()) {
      const acks = await socket.count("ack", perSender);
      for (const ack of acks) expect(orders[0]).toContain(`${ack.seq}:${ack.clientId}`);
      expect(acks.every((ack) => ack.clientId.startsWith(`s${i}-`))).toBe(true);
    }
  });

  it("passes typing on to the others, not the typist, at most once per throttle interval", async () => {
    const room = conversation();
    const ana = user("ana");
    const a = await connect(room, ana);
    const b = await connect(room, user("beto"));
    const c = await connect(room, user("carla"));
    await Promise.all([a, b, c].map((s) => s.next("ready")));
    a.send({ type: "typing" });
    a.send({ type: "typing" });
    a.send({ type: "typing" });
    a.send({ type: "send", clientId: "after-typing", body: "listo" });
    await Promise.all([b, c].map((s) => s.next("message")));
    await a.next("message");
    expect(b.of("typing")).toEqual([{ type: "typing", userId: ana }]);
    expect(c.of("typing")).toEqual([{ type: "typing", userId: ana }]);
    expect(a.of("typing")).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, TYPING_THROTTLE_MS + 50));
    a.send({ type: "typing" });
    expect(await b.next("typing")).toEqual({ type: "typing", userId: ana });
  });

  it("tells everyone who is online when a member joins and when their last socket leaves", async () => {
    const room = conversation();
    const ana = user("ana");
    const beto = user("beto");
    const a = await connect(room, ana);
    expect((await a.next("ready")).online).toEqual([ana]);
    const b1 = await connect(room, beto);
    const both = [ana, beto].sort();
    expect((await b1.next("ready")).online).toEqual(both);
    // Everyone hears it, the newcomer too (after its `ready`).
    expect(await a.next("presence")).toEqual({ type: "presence", online: [ana] });
    expect(await a.next("presence")).toEqual({ type: "presence", online: both });
    expect(await b1.next("presence")).toEqual({ type: "presence", online: both });
    // A second tab changes nothing; closing one of two changes nothing; closing the last does.
    const b2 = await connect(room, beto);
    expect((await b2.next("ready")).online).toEqual(both);
    b1.close();
    await b1.closed;
    b2.close();
    expect(await a.next("presence")).toEqual({ type: "presence", online: [ana] });
    expect(a.of("presence").map((p) => p.online)).toEqual([[ana], both, [ana]]);
  });

  it("coalesces presence when a crowd joins at once: a few broadcasts, the last one listing everybody", async () => {
    const room = conversation();
    const host = user("host");
    const h = await connect(room, host);
    await h.next("ready");
    await h.next("presence");
    const crowd = Array.from({ length: 30 }, (_, i) => user(`dancer${i}`));
    const sockets = await Promise.all(crowd.map((id) => connect(room, id)));
    const everybody = [host, ...crowd].sort();
    const last = await h.next("presence", (p) => p.online.length === everybody.length);
    expect(last.online).toEqual(everybody);
    // One frame per arrival would be 30; coalesced, each socket hears a handful.
    expect(h.of("presence").length).toBeLessThanOrEqual(4);
    for (const socket of sockets) {
      expect((await socket.next("ready")).online).toContain(socket.userId);
      expect(socket.of("presence").length).toBeLessThanOrEqual(3);
    }
  });

  it("stores read receipts per member, never lowers them, caps them at the newest seq and tells the other sockets", async () => {
    const room = conversation();
    const ana = user("ana");
    const beto = user("beto");
    for (const body of ["uno", "dos", "tres"]) await rpcSend(room, ana, body);
    const a = await connect(room, ana);
    const b = await connect(room, beto);
    const bOther = await connect(room, beto);
    await Promise.all([a, b, bOther].map((s) => s.next("ready")));
    b.send({ type: "read", seq: 2 });
    expect(await a.next("read")).toEqual({ type: "read", userId: beto, seq: 2 });
    expect(await bOther.next("read")).toEqual({ type: "read", userId: beto, seq: 2 });
    b.send({ type: "read", seq: 1 });
    b.send({ type: "read", seq: 99 });
    expect(await a.next("read")).toEqual({ type: "read", userId: beto, seq: 3 });
    expect(a.of("read")).toHaveLength(2);
    expect(b.of("read")).toEqual([]);
    expect(await roomStub(room).markRead({ conversationId: room, userId: beto, seq: 1 })).toEqual({ readSeq: 3 });
    const late = await connect(room, user("carla"));
    expect((await late.next("ready")).reads).toEqual({ [ana]: 3, [beto]: 3 });
    // The HTTP door's receipts reach the sockets too.
    await rpcSend(room, ana, "cuatro");
    await a.next("message");
    await roomStub(room).markRead({ conversationId: room, userId: beto, seq: 4 });
    expect(await a.next("read")).toEqual({ type: "read", userId: beto, seq: 4 });
  });

  it("lets members edit and delete their own messages only, as new events with tombstones", async () => {
    const room = conversation();
    const ana = user("ana");
    const beto = user("beto");
    const a = await connect(room, ana);
    const b = await connect(room, beto);
    await Promise.all([a.next("ready"), b.next("ready")]);
    a.send({ type: "send", clientId: "a1", body: "Nos vemos a las 10" });
    expect(await a.next("ack")).toEqual({ type: "ack", clientId: "a1", seq: 1 });
    await b.next("message");
    b.send({ type: "send", clientId: "b1", body: "Dale" });
    await a.next("message", (m) => m.clientId === "b1");

    a.send({ type: "edit", clientId: "e1", seq: 1, body: "Nos vemos a las 11" });
    expect(await a.next("ack")).toEqual({ type: "ack", clientId: "e1", seq: 3 });
    expect(await b.next("edit")).toMatchObject({ type: "edit", seq: 3, messageSeq: 1, senderId: ana, body: "Nos vemos a las 11", editedAt: expect.any(String) });
    a.send({ type: "edit", clientId: "e2", seq: 2, body: "Not mine" });
    expect(await a.next("error")).toMatchObject({ code: "forbidden", clientId: "e2" });
    a.send({ type: "delete", clientId: "d0", seq: 2 });
    expect(await a.next("error")).toMatchObject({ code: "forbidden", clientId: "d0" });
    a.send({ type: "delete", clientId: "d1", seq: 1 });
    expect(await a.next("ack")).toEqual({ type: "ack", clientId: "d1", seq: 4 });
    expect(await b.next("delete")).toMatchObject({ type: "delete", seq: 4, messageSeq: 1, senderId: ana, deletedAt: expect.any(String) });
    for (const frame of [
      { type: "edit", clientId: "e3", seq: 1, body: "back from the dead" },
      { type: "delete", clientId: "d2", seq: 1 },
      { type: "edit", clientId: "e4", seq: 3, body: "an edit event is not a message" },
      { type: "delete", clientId: "d3", seq: 99 },
    ]) {
      a.send(frame);
      expect(await a.next("error")).toMatchObject({ code: "not_found", clientId: frame.clientId });
    }
    const { messages, lastSeq } = await roomStub(room).history({ conversationId: room, limit: 10 });
    expect(lastSeq).toBe(4);
    expect(messages).toMatchObject([
      { seq: 1, senderId: ana, body: null, editedAt: expect.any(String), deletedAt: expect.any(String) },
      { seq: 2, senderId: beto, body: "Dale", editedAt: null, deletedAt: null },
    ]);
    expect(b.of("edit")).toHaveLength(1);
    expect(b.of("delete")).toHaveLength(1);
  });

  it("answers invalid frames with an error frame and keeps the socket usable", async () => {
    const room = conversation();
    const a = await connect(room, user("ana"));
    await a.next("ready");
    const cases: [unknown, Record<string, unknown>][] = [
      ["not json", { code: "invalid_frame" }],
      [new Uint8Array([1, 2, 3]).buffer, { code: "invalid_frame" }],
      ["[1,2]", { code: "invalid_frame" }],
      ["null", { code: "invalid_frame" }],
      [{ body: "no type" }, { code: "invalid_frame" }],
      [{ type: "shout", body: "HOLA" }, { code: "unknown_type" }],
      [{ type: "send", body: "no clientId" }, { code: "invalid_frame" }],
      [{ type: "send", clientId: "", body: "empty clientId" }, { code: "invalid_frame" }],
      [{ type: "send", clientId: "x".repeat(65), body: "long clientId" }, { code: "invalid_frame" }],
      [{ type: "send", clientId: "extra", body: "hi", admin: true }, { code: "invalid_frame", clientId: "extra" }],
      [{ type: "send", clientId: "empty", body: "" }, { code: "invalid_body", clientId: "empty" }],
      [{ type: "send", clientId: "blank", body: " \n\t " }, { code: "invalid_body", clientId: "blank" }],
      [{ type: "send", clientId: "number", body: 42 }, { code: "invalid_body", clientId: "number" }],
      [{ type: "send", clientId: "long", body: "x".repeat(MAX_MESSAGE_CHARS + 1) }, { code: "invalid_body", clientId: "long" }],
      [{ type: "edit", clientId: "bad-edit", seq: 1, body: "" }, { code: "invalid_body", clientId: "bad-edit" }],
      [{ type: "read", seq: -1 }, { code: "invalid_frame" }],
      [{ type: "read", seq: "3" }, { code: "invalid_frame" }],
      [{ type: "send", clientId: "huge", body: "x".repeat(70_000) }, { code: "invalid_frame" }],
    ];
    for (const [frame, expected] of cases) {
      a.send(frame);
      const error = await a.next("error");
      expect(error, JSON.stringify(frame).slice(0, 80)).toMatchObject({ type: "error", ...expected });
      expect(typeof error.message).toBe("string");
    }
    a.send({ type: "send", clientId: "fine", body: "💃".repeat(MAX_MESSAGE_CHARS) });
    expect(await a.next("ack")).toEqual({ type: "ack", clientId: "fine", seq: 1 });
    a.send(PING);
    await vi.waitFor(() => expect(a.texts).toContain(PONG));
    const { messages } = await roomStub(room).history({ conversationId: room, limit: 10 });
    expect(messages.map((m) => m.clientId)).toEqual(["fine"]);
  });

  it("rate-limits a member's sends through the RateLimiter (error frame with retryAfterSeconds; nothing stored)", async () => {
    const room = conversation();
    const ana = user("ana");
    const { limit } = windowPolicy("chat.send", env);
    expect(limit).toBeLessThanOrEqual(100);
    const a = await connect(room, ana);
    const b = await connect(room, user("beto"));
    await Promise.all([a.next("ready"), b.next("ready")]);
    for (let i = 0; i < limit - 1; i += 1) a.send({ type: "send", clientId: `ok-${i}`, body: `message ${i}` });
    // Two copies of the last one that fits: the second is over the limit, but it is a resend, so it is acked too.
    a.send({ type: "send", clientId: "edge", body: "the last that fits" });
    a.send({ type: "send", clientId: "edge", body: "the last that fits" });
    const acks = await a.count("ack", limit + 1);
    expect(acks.filter((ack) => ack.clientId === "edge")).toEqual([
      { type: "ack", clientId: "edge", seq: limit },
      { type: "ack", clientId: "edge", seq: limit },
    ]);
    a.send({ type: "send", clientId: "one-too-many", body: "flood" });
    const error = await a.next("error");
    expect(error).toMatchObject({ type: "error", code: "rate_limited", clientId: "one-too-many" });
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(a.of("error")).toHaveLength(1);
    // The limit is the member's, across rooms and doors.
    const elsewhere = conversation();
    expect(await roomStub(elsewhere).send({ conversationId: elsewhere, userId: ana, clientId: "other-room", body: "hi" })).toMatchObject({ ok: false, code: "rate_limited" });
    // A resend of a stored message is still acknowledged; others may still send.
    a.send({ type: "send", clientId: "ok-0", body: "message 0" });
    expect(await a.next("ack", (f) => f.clientId === "ok-0")).toMatchObject({ seq: 1 });
    b.send({ type: "send", clientId: "beto-1", body: "me toca" });
    expect(await b.next("ack")).toMatchObject({ seq: limit + 1 });
    const { messages } = await roomStub(room).history({ conversationId: room, limit: 200 });
    expect(messages).toHaveLength(limit + 1);
    expect(messages.some((m) => m.clientId === "one-too-many")).toBe(false);
  });
});

describe("ChatRoom sockets", () => {
  it("disconnect(member) closes every socket of theirs with the removed code and updates presence", async () => {
    const room = conversation();
    const ana = user("ana");
    const beto = user("beto");
    const a1 = await connect(room, ana);
    const a2 = await connect(room, ana);
    const b = await connect(room, beto);
    await Promise.all([a1, a2, b].map((s) => s.next("ready")));
    await roomStub(room).disconnect(ana);
    expect((await a1.closed).code).toBe(CLOSE_CODES.removed);
    expect((await a2.closed).code).toBe(CLOSE_CODES.removed);
    expect(await b.next("presence", (p) => !p.online.includes(ana))).toEqual({ type: "presence", online: [beto] });
    b.send({ type: "send", clientId: "still-here", body: "¿Hola?" });
    expect(await b.next("ack")).toMatchObject({ seq: 1 });
    expect(a1.of("message")).toEqual([]);
  });

  it("keeps at most 10 sockets per member, closing the oldest", async () => {
    const room = conversation();
    const ana = user("ana");
    const sockets: RoomSocket[] = [];
    for (let i = 0; i < 11; i += 1) {
      sockets.push(await connect(room, ana));
      await sockets.at(-1)!.next("ready");
    }
    expect((await sockets[0]!.closed).code).toBe(CLOSE_CODES.tooManySockets);
    sockets[10]!.send({ type: "send", clientId: "tab-11", body: "hola" });
    await sockets[10]!.next("ack");
    for (const socket of sockets.slice(1)) await socket.next("message");
    expect(sockets[0]!.of("message")).toEqual([]);
  });

  it("closes sockets idle for longer than IDLE_TIMEOUT_MS when the alarm runs, and keeps the alarm while sockets are open", async () => {
    const room = conversation();
    const ana = user("ana");
    const beto = user("beto");
    const stub = roomStub(room);
    const a = await connect(room, ana);
    const b = await connect(room, beto);
    await Promise.all([a.next("ready"), b.next("ready")]);
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).not.toBeNull();
    // Nothing is idle yet: the alarm closes nobody.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    a.send({ type: "typing" });
    await b.next("typing");
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + IDLE_TIMEOUT_MS + 5_000);
      // Beto spoke after the jump (the room saw it "now"); Ana did not.
      b.send({ type: "typing" });
      await a.next("typing");
      expect(await runDurableObjectAlarm(stub)).toBe(true);
      expect((await a.closed).code).toBe(CLOSE_CODES.idle);
      expect(await b.next("presence", (p) => !p.online.includes(ana))).toEqual({ type: "presence", online: [beto] });
    } finally {
      vi.useRealTimers();
    }
    // Beto's socket is open, so the alarm is set again.
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).not.toBeNull();
    b.send({ type: "send", clientId: "awake", body: "sigo acá" });
    expect(await b.next("ack")).toMatchObject({ seq: 1 });
  });

  it("keeps a socket that only pings (answered while the room hibernates) and closes one that is silent", async () => {
    const room = conversation();
    const pinger = user("ana");
    const silent = user("beto");
    const stub = roomStub(room);
    const a = await connect(room, pinger);
    const b = await connect(room, silent);
    await Promise.all([a.next("ready"), b.next("ready")]);
    await evictDurableObject(stub);
    a.send(PING);
    await vi.waitFor(() => expect(a.texts).toEqual([PONG]), { timeout: 5_000, interval: 20 });
    // Both last sent a frame long ago (as the attachments say); only the pinger pinged since.
    await runInDurableObject(stub, (_, state) => {
      for (const ws of state.getWebSockets()) {
        const att = ws.deserializeAttachment() as { lastSeenAt: number };
        ws.serializeAttachment({ ...att, lastSeenAt: Date.now() - IDLE_TIMEOUT_MS - 10_000 });
      }
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await b.closed).code).toBe(CLOSE_CODES.idle);
    expect(await a.next("presence", (p) => p.online.length === 1)).toEqual({ type: "presence", online: [pinger] });
    a.send({ type: "send", clientId: "still-here", body: "sigo" });
    expect(await a.next("ack")).toMatchObject({ seq: 1 });
  });

  it("keeps every message across a restart of the object, and its hibernated sockets keep working", async () => {
    const room = conversation();
    const ana = user("ana");
    const beto = user("beto");
    const stub = roomStub(room);
    const a = await connect(room, ana);
    await a.next("ready");
    a.send({ type: "send", clientId: "before", body: "antes del reinicio" });
    await a.next("ack");

    // Hibernation: the instance goes, the socket stays, and the next frame wakes a new instance.
    await evictDurableObject(stub);
    const b = await connect(room, beto, { since: 0 });
    await b.next("ready");
    expect(b.frames.slice(0, 2)).toMatchObject([{ type: "message", seq: 1, body: "antes del reinicio" }, { type: "ready", lastSeq: 1 }]);
    expect(await a.next("presence", (p) => p.online.length === 2)).toEqual({ type: "presence", online: [ana, beto].sort() });
    a.send({ type: "send", clientId: "before", body: "retried after the restart" });
    expect(await a.next("ack", (f) => f.clientId === "before")).toMatchObject({ seq: 1 });
    a.send({ type: "send", clientId: "after", body: "después" });
    expect(await b.next("message", (m) => m.seq === 2)).toMatchObject({ seq: 2, senderId: ana, body: "después" });

    // A harder restart: the sockets are closed with the instance.
    await evictDurableObject(stub, { webSockets: "close" });
    await a.closed;
    const { messages, lastSeq } = await stub.history({ conversationId: room, limit: 10 });
    expect(lastSeq).toBe(2);
    expect(messages.map((m) => m.body)).toEqual(["antes del reinicio", "después"]);
    const again = await connect(room, ana, { since: 1 });
    const ready = await again.next("ready");
    expect(again.frames.slice(0, again.frames.indexOf(ready))).toMatchObject([{ type: "message", seq: 2, body: "después" }]);
    expect(ready.reads).toEqual({ [ana]: 2 });
    expect(ready.online).toEqual([ana]);
  });
});

describe("ChatRoom write-back to D1", () => {
  it("keeps the conversation line, message count and read positions current after delivery", async () => {
    const [ana, beto] = await Promise.all([member({ handle: `ana_wb_${Date.now().toString(36)}` }), member({ handle: `beto_wb_${Date.now().toString(36)}` })]);
    const db = createDb(env.DB);
    const room = crypto.randomUUID();
    const at = new Date().toISOString();
    await db.insert(conversations).values({ id: room, type: "group", title: "Práctica", createdBy: ana.user.id, createdAt: at, lastActivityAt: at });
    await db.insert(conversationMembers).values([
      { conversationId: room, userId: ana.user.id, role: "admin", joinedAt: at },
      { conversationId: room, userId: beto.user.id, role: "member", joinedAt: at },
    ]);
    const a = await connect(room, ana.user.id);
    const b = await connect(room, beto.user.id);
    await Promise.all([a.next("ready"), b.next("ready")]);
    a.send({ type: "send", clientId: "w1", body: "primero" });
    await b.next("message");
    a.send({ type: "send", clientId: "w2", body: "  segundo\n  mensaje  " });
    await b.next("message");
    b.send({ type: "read", seq: 1 });
    await a.next("read");

    const line = () => db.select().from(conversations).where(eq(conversations.id, room)).get();
    const members = async () => Object.fromEntries((await db.select().from(conversationMembers).where(eq(conversationMembers.conversationId, room))).map((m) => [m.userId, m]));
    await vi.waitFor(
      async () => {
        expect(await line()).toMatchObject({ lastSeq: 2, messageCount: 2, lastSenderId: ana.user.id, lastPreview: "segundo mensaje" });
        const rows = await members();
        expect(rows[ana.user.id]).toMatchObject({ readSeq: 2, readCount: 2 });
        expect(rows[beto.user.id]).toMatchObject({ readSeq: 1, readCount: 1 });
      },
      { timeout: 5_000, interval: 50 },
    );
    expect((await line())!.lastMessageAt).toBe(a.of("message")[1]!.sentAt);

    a.send({ type: "edit", clientId: "w3", seq: 2, body: "segundo, corregido" });
    await b.next("edit");
    await vi.waitFor(async () => expect((await line())!.lastPreview).toBe("segundo, corregido"), { timeout: 5_000, interval: 50 });
    a.send({ type: "delete", clientId: "w4", seq: 2 });
    await b.next("delete");
    await vi.waitFor(async () => expect((await line())!.lastPreview).toBeNull(), { timeout: 5_000, interval: 50 });
    // Edits and deletions are not messages: the count and last seq stay.
    expect(await line()).toMatchObject({ lastSeq: 2, messageCount: 2 });
    // Nothing is left waiting in the room's outbox.
    expect(await runInDurableObject(roomStub(room), (_, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n)).toBe(0);
  });

  it("finishes write-backs left in the outbox (an eviction mid-flush, a D1 failure): by the alarm, or when the object wakes", async () => {
    const ana = await member({ handle: `ana_ob_${Date.now().toString(36)}` });
    const db = createDb(env.DB);
    const room = crypto.randomUUID();
    const at = new Date().toISOString();
    await db.insert(conversations).values({ id: room, type: "group", title: "Outbox", createdBy: ana.user.id, createdAt: at, lastActivityAt: at });
    await db.insert(conversationMembers).values({ conversationId: room, userId: ana.user.id, role: "admin", joinedAt: at });
    const stub = roomStub(room);
    await stub.history({ conversationId: room, limit: 1 });
    const line = () => db.select().from(conversations).where(eq(conversations.id, room)).get();
    const leaveBehind = (seq: number, body: string) =>
      runInDurableObject(stub, (_, state) => {
        state.storage.sql.exec("INSERT INTO outbox (entry) VALUES (?)", JSON.stringify({ kind: "message", seq, ordinal: seq, senderId: ana.user.id, body, sentAt: at, online: [] }));
      });

    // The alarm drains what a failed flush left (it sets the alarm; here we set it by hand).
    await leaveBehind(1, "left behind");
    await runInDurableObject(stub, (_, state) => state.storage.setAlarm(Date.now() + 60_000));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await line()).toMatchObject({ lastSeq: 1, messageCount: 1, lastPreview: "left behind" });

    // A new instance drains what the evicted one did not get to.
    await leaveBehind(2, "left behind again");
    await evictDurableObject(stub);
    await stub.history({ conversationId: room, limit: 1 });
    await vi.waitFor(async () => expect(await line()).toMatchObject({ lastSeq: 2, messageCount: 2, lastPreview: "left behind again" }), { timeout: 5_000, interval: 50 });
    await vi.waitFor(async () => expect(await runInDurableObject(stub, (_, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n)).toBe(0), {
      timeout: 5_000,
      interval: 50,
    });
  });
});
