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
