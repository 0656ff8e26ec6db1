import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createDb } from "../db/client";
import type { Ctx } from "../worker/env";
import { windowPolicy } from "../worker/lib/rate-limit-policies";
import type { ConversationDto, InboxPage, MessageChangeResult, MessagePage } from "../worker/schemas/conversations";
import { deleteMessage, editMessage } from "../worker/services/conversations";
import { api } from "./accounts";
import { openChat, startDirect, startGroup } from "./chat-fixtures";
import { createEvent } from "./event-factory";
import { dancer, type Member } from "./post-factory";
import { seedWorld } from "./world";

/**
 * Editing and deleting your own messages over HTTP (PATCH/DELETE /conversations/:id/messages/:seq):
 * the same room code path as the WebSocket `edit`/`delete` frames, so open sockets see the
 * events, history shows the edit and the tombstone, the inbox preview follows, and edits
 * share the chat.send rate limit.
 */

beforeAll(seedWorld);

interface SendResult {
  seq: number;
  message: { seq: number; body: string | null };
}

const direct = async (a: Member, b: Member): Promise<string> => (await startDirect(a, b)).id;
const group = async (admin: Member, others: Member[]): Promise<string> => (await startGroup(admin, others, "Práctica")).id;

function send(by: Member, id: string, body: string): Promise<Response> {
  return api(`/conversations/${id}/messages`, { method: "POST", token: by.accessToken, json: { clientId: crypto.randomUUID(), body } });
}

async function sent(by: Member, id: string, body: string): Promise<number> {
  const res = await send(by, id, body);
  expect(res.status).toBe(201);
  return (await res.json<SendResult>()).seq;
}

function edit(by: Member, id: string, seq: number | string, body: unknown, clientId: unknown = crypto.randomUUID()): Promise<Response> {
  return api(`/conversations/${id}/messages/${seq}`, { method: "PATCH", token: by.accessToken, json: { clientId, body } });
}

function remove(by: Member, id: string, seq: number | string, clientId?: string): Promise<Response> {
  const query = clientId === undefined ? "" : `?clientId=${encodeURIComponent(clientId)}`;
  return api(`/conversations/${id}/messages/${seq}${query}`, { method: "DELETE", token: by.accessToken });
}

async function history(by: Member, id: string): Promise<MessagePage> {
  const res = await api(`/conversations/${id}/messages`, { token: by.accessToken });
  expect(res.status).toBe(200);
  return res.json<MessagePage>();
}

async function line(of: Member, id: string): Promise<ConversationDto | undefined> {
  const res = await api("/conversations?limit=100", { token: of.accessToken });
  return (await res.json<InboxPage>()).data.find((c) => c.id === id);
}

async function problemOf(res: Response, status: number): Promise<{ detail: string; errors?: { path: string; message: string }[] }> {
  expect(res.status, await res.clone().text()).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return res.json();
}

function eventually<T>(check: () => Promise<T>): Promise<T> {
  return vi.waitFor(check, { timeout: 10_000, interval: 50 });
}

describe("editing and deleting your own messages over HTTP", () => {
  it("edits: the answer carries the edit event's seq and the message as it reads now; history shows editedAt", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await direct(ana, ben);
    const seq = await sent(ana, id, "Nos vemos a las 10");
    const res = await edit(ana, id, seq, "Nos vemos a las 11", "edit-1");
    expect(res.status).toBe(200);
    const result = await res.json<MessageChangeResult>();
    expect(result).toMatchObject({ seq: 2, message: { seq, senderId: ana.user.id, body: "Nos vemos a las 11", editedAt: expect.any(String), deletedAt: null } });
    const page = await history(ben, id);
    expect(page.data).toEqual([result.message]);
    expect(page.lastSeq).toBe(2);
  });

  it("deletes: 200 with the delete event's seq and the tombstone; history keeps the tombstone (body null, deletedAt)", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await direct(ana, ben);
    const first = await sent(ana, id, "oops, wrong chat");
    await sent(ben, id, "¿?");
    const res = await remove(ana, id, first, "delete-1");
    expect(res.status).toBe(200);
    const result = await res.json<MessageChangeResult>();
    expect(result).toMatchObject({ seq: 3, message: { seq: first, senderId: ana.user.id, body: null, deletedAt: expect.any(String) } });
    const page = await history(ben, id);
    expect(page.data.map((m) => [m.seq, m.body, m.deletedAt !== null])).toEqual([
      [1, null, true],
      [2, "¿?", false],
    ]);
    // The same clientId again (a retry whose answer was lost): the same answer, nothing new stored or broadcast.
    const retried = await remove(ana, id, first, "delete-1");
    expect(retried.status).toBe(200);
    expect(await retried.json<MessageChangeResult>()).toEqual(result);
    expect((await history(ben, id)).lastSeq).toBe(3);
    // Another clientId (or none: one is made) is a new deletion of a deleted message: 404. Someone else's clientId too.
    await problemOf(await remove(ana, id, first), 404);
    await problemOf(await remove(ana, id, first, "delete-2"), 404);
    await problemOf(await remove(ben, id, first, "delete-1"), 404);
  });

  it("every socket in the room gets the edit and delete events, the author's own too, in seq order", async () => {
    const [ana, ben, cai] = await Promise.all([dancer("ana"), dancer("ben"), dancer("cai")]);
    const id = await group(ana, [ben, cai]);
    const seq = await sent(ana, id, "Práctica a las 20");
    const [benChat, anaChat] = await Promise.all([openChat(ben, id), openChat(ana, id)]);
    await Promise.all([benChat.next("ready"), anaChat.next("ready")]);

    expect((await edit(ana, id, seq, "Práctica a las 21")).status).toBe(200);
    for (const chat of [benChat, anaChat]) {
      expect(await chat.next("edit")).toEqual({ type: "edit", seq: 2, messageSeq: seq, senderId: ana.user.id, body: "Práctica a las 21", editedAt: expect.any(String) });
    }
    expect((await remove(ana, id, seq)).status).toBe(200);
    for (const chat of [benChat, anaChat]) {
      expect(await chat.next("delete")).toEqual({ type: "delete", seq: 3, messageSeq: seq, senderId: ana.user.id, deletedAt: expect.any(String) });
    }
    // HTTP changes are not acknowledged on the author's sockets (they did not ask there).
    expect(anaChat.frames.filter((f) => f.type === "ack" || f.type === "error")).toEqual([]);
    benChat.close();
    anaChat.close();

    // A socket connecting later replays the message as it reads now, then the two events.
    const late = await openChat(cai, id, { since: 0 });
    await late.next("ready");
    expect(late.frames.map((f) => f.type)).toEqual(["message", "delete", "ready"]);
    expect(late.frames[0]).toMatchObject({ seq, body: null, deletedAt: expect.any(String) });
    late.close();
  });

  it("the inbox preview follows an edit and a deletion of the newest message, and ignores older ones", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await direct(ana, ben);
    const older = await sent(ana, id, "primero");
    const newest = await sent(ana, id, "segundo");
    await eventually(async () => expect((await line(ben, id))?.lastMessage).toMatchObject({ seq: newest, preview: "segundo" }));

    expect((await edit(ana, id, newest, "segundo (editado)")).status).toBe(200);
    await eventually(async () => expect((await line(ben, id))?.lastMessage).toMatchObject({ seq: newest, preview: "segundo (editado)" }));
    expect((await edit(ana, id, older, "primero (editado)")).status).toBe(200);
    expect((await remove(ana, id, older)).status).toBe(200);
    expect((await remove(ana, id, newest)).status).toBe(200);
    await eventually(async () => expect((await line(ben, id))?.lastMessage).toMatchObject({ seq: newest, preview: null }));
    // Edits and deletions are not new messages: ben's unread count is still 2.
    expect(await line(ben, id)).toMatchObject({ unreadCount: 2 });
  });
});

describe("what may not be changed", () => {
  it("another member's message: 403 for edit and delete, and nothing changes", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await direct(ana, ben);
    const seq = await sent(ben, id, "mine");
    await problemOf(await edit(ana, id, seq, "yours now"), 403);
    await problemOf(await remove(ana, id, seq), 403);
    expect((await history(ben, id)).data).toMatchObject([{ seq, body: "mine", editedAt: null, deletedAt: null }]);
  });

  it("unknown seq, an edit event's seq and a deleted message: 404", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await direct(ana, ben);
    const seq = await sent(ana, id, "uno");
    await problemOf(await edit(ana, id, 99, "nothing there"), 404);
    await problemOf(await remove(ana, id, 99), 404);
    const edited = await (await edit(ana, id, seq, "uno bis")).json<MessageChangeResult>();
    await problemOf(await edit(ana, id, edited.seq, "an event, not a message"), 404);
    await problemOf(await remove(ana, id, edited.seq), 404);
    expect((await remove(ana, id, seq)).status).toBe(200);
    await problemOf(await edit(ana, id, seq, "back from the dead"), 404);
    expect((await history(ana, id)).data).toMatchObject([{ seq, body: null }]);
  });

  it("bad input is a problem naming the field (body, clientId, seq), and the room refuses a bad body itself (invalid_body, 422 through the service)", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await direct(ana, ben);
    const seq = await sent(ana, id, "hola");
    for (const body of ["", "   ", "x".repeat(4001), 42, null]) {
      const problem = await problemOf(await edit(ana, id, seq, body), 400);
      expect(problem.errors?.map((e) => e.path)).toEqual(["body"]);
    }
    expect((await problemOf(await edit(ana, id, seq, "ok", "not a client id!"), 400)).errors?.map((e) => e.path)).toEqual(["clientId"]);
    expect((await problemOf(await remove(ana, id, seq, "x".repeat(65)), 400)).errors?.map((e) => e.path)).toEqual(["clientId"]);
    for (const bad of ["0", "-1", "1.5", "abc", "9".repeat(16)]) {
      expect((await problemOf(await edit(ana, id, bad, "ok"), 400)).errors?.map((e) => e.path)).toEqual(["seq"]);
      expect((await problemOf(await remove(ana, id, bad), 400)).errors?.map((e) => e.path)).toEqual(["seq"]);
    }
    const extra = await api(`/conversations/${id}/messages/${seq}`, { method: "PATCH", token: ana.accessToken, json: { clientId: "c", body: "ok", senderId: ben.user.id } });
    await problemOf(extra, 400);
    // A door that skipped the API's schema: the room checks the body and the clientId itself.
    const roomStub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(id));
    expect(await roomStub.edit({ conversationId: id, userId: ana.user.id, clientId: "door", seq, body: " " })).toMatchObject({ ok: false, code: "invalid_body" });
    expect(await roomStub.remove({ conversationId: id, userId: ana.user.id, clientId: "bad id", seq })).toMatchObject({ ok: false, code: "invalid_body" });
    expect(await roomStub.edit({ conversationId: id, userId: ana.user.id, clientId: "door", seq: 1.5, body: "ok" })).toMatchObject({ ok: false, code: "not_found" });
    expect((await history(ana, id)).data).toMatchObject([{ seq, body: "hola", editedAt: null, deletedAt: null }]);
  });

  it("a non-member gets 404, a visitor 401, and a member of the site not in an event room 403", async () => {
    const [ana, ben, eve] = await Promise.all([dancer("ana"), dancer("ben"), dancer("eve")]);
    const id = await direct(ana, ben);
    const seq = await sent(ana, id, "private");
    await problemOf(await edit(eve, id, seq, "hijack"), 404);
    await problemOf(await remove(eve, id, seq), 404);
    await problemOf(await api(`/conversations/${id}/messages/${seq}`, { method: "DELETE" }), 401);
    await problemOf(await api(`/conversations/${crypto.randomUUID()}/messages/1`, { method: "PATCH", token: ana.accessToken, json: { clientId: "c", body: "x" } }), 404);

    const { event, organizer } = await createEvent({ title: "Milonga de prueba" });
    const room = await (await api(`/events/${event.id}/room`, { method: "POST", token: organizer.accessToken })).json<ConversationDto>();
    const said = await sent(organizer, room.id, "Bienvenidos");
    await problemOf(await edit(eve, room.id, said, "hijack"), 403);
    await problemOf(await remove(eve, room.id, said), 403);
    expect((await edit(organizer, room.id, said, "¡Bienvenidos!")).status).toBe(200);
  });

  it("a block closes editing (403) but not deleting your own words; an unblock opens editing again", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await direct(ana, ben);
    const [first, second] = [await sent(ana, id, "uno"), await sent(ana, id, "dos")];
    expect((await api(`/users/${ana.user.handle}/block`, { method: "POST", token: ben.accessToken })).status).toBeLessThan(300);
    await problemOf(await edit(ana, id, first, "uno bis"), 403);
    // The room itself refuses too, for a door that skipped the Worker's check.
    const roomStub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(id));
    expect(await roomStub.edit({ conversationId: id, userId: ana.user.id, clientId: "door", seq: first, body: "sneaky" })).toMatchObject({ ok: false, code: "not_allowed" });
    expect((await remove(ana, id, second)).status).toBe(200);
    expect((await api(`/users/${ana.user.handle}/block`, { method: "DELETE", token: ben.accessToken })).status).toBeLessThan(300);
    expect((await edit(ana, id, first, "uno bis")).status).toBe(200);
    expect((await history(ben, id)).data).toMatchObject([
      { seq: first, body: "uno bis" },
      { seq: second, body: null },
    ]);
  });
});

describe("the rate limit", () => {
  it("edits count against the same chat.send bucket as sends: 429 with Retry-After, then sending is limited too", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await direct(ana, ben);
    const { limit } = windowPolicy("chat.send", env);
    expect(limit).toBeLessThanOrEqual(100);
    const seq = await sent(ana, id, "v0"); // one of the bucket's hits
    let limited: Response | undefined;
    let edits = 0;
    for (let i = 1; i <= limit && !limited; i++) {
      const res = await edit(ana, id, seq, `v${i}`);
      if (res.status === 429) limited = res;
      else {
        expect(res.status).toBe(200);
        edits += 1;
      }
    }
    expect(limited, "the shared chat.send limit was never reached by edits").toBeDefined();
    expect(edits).toBe(limit - 1);
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited!.headers.get("content-type")).toBe("application/problem+json");
    // The bucket is the member's: sending is limited now as well; another member is not.
    expect((await send(ana, id, "still here")).status).toBe(429);
    expect((await send(ben, id, "calm")).status).toBe(201);
    // Deleting is not rate limited.
    expect((await remove(ana, id, seq)).status).toBe(200);
  });
});

describe("one code path for both doors", () => {
  it("a socket opened before a block: its edit frame is refused (not_allowed), its delete frame is acked", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await direct(ana, ben);
    const [first, second] = [await sent(ana, id, "uno"), await sent(ana, id, "dos")];
    const chat = await openChat(ana, id);
    await chat.next("ready");
    expect((await api(`/users/${ben.user.handle}/block`, { method: "POST", token: ana.accessToken })).status).toBeLessThan(300);
    chat.send({ type: "edit", clientId: "e-blocked", seq: first, body: "uno bis" });
    expect(await chat.next("error")).toMatchObject({ code: "not_allowed", clientId: "e-blocked" });
    chat.send({ type: "delete", clientId: "d-blocked", seq: second });
    expect(await chat.next("ack")).toEqual({ type: "ack", clientId: "d-blocked", seq: 3 });
    expect(await chat.next("delete")).toMatchObject({ seq: 3, messageSeq: second });
    // No such message over the socket: not_found, as over HTTP.
    chat.send({ type: "delete", clientId: "d-other", seq: 99 });
    expect(await chat.next("error")).toMatchObject({ code: "not_found", clientId: "d-other" });
    chat.close();
  });

  it("an edit and a deletion racing over HTTP and the socket end in one consistent history: the tombstone wins, no edit after the delete", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await direct(ana, ben);
    const seq = await sent(ana, id, "carrera");
    const [anaChat, benChat] = await Promise.all([openChat(ana, id), openChat(ben, id)]);
    await Promise.all([anaChat.next("ready"), benChat.next("ready")]);
    anaChat.send({ type: "edit", clientId: "socket-edit", seq, body: "desde el socket" });
    const [patched, deleted] = await Promise.all([edit(ana, id, seq, "desde HTTP"), remove(ana, id, seq)]);
    expect(deleted.status).toBe(200);
    expect([200, 404]).toContain(patched.status);
    await benChat.next("delete");
    // Every change the room accepted is one event; none follows the delete.
    const changes = benChat.frames.filter((f) => f.type === "edit" || f.type === "delete");
    expect(changes.at(-1)?.type).toBe("delete");
    expect(changes.map((f) => (f as { seq: number }).seq)).toEqual([...changes.map((f) => (f as { seq: number }).seq)].sort((a, b) => a - b));
    const socketAnswer = anaChat.frames.find((f) => ("clientId" in f && f.clientId === "socket-edit") as boolean);
    expect(socketAnswer?.type === "ack" || (socketAnswer?.type === "error" && socketAnswer.code === "not_found")).toBe(true);
    expect((await history(ben, id)).data).toMatchObject([{ seq, body: null, deletedAt: expect.any(String) }]);
    anaChat.close();
    benChat.close();
  });

  it("the OpenAPI document lists both operations under Chat with an integer seq and their errors", async () => {
    const doc = await (await SELF.fetch("https://mundo.test/api/openapi.json")).json<{
      paths: Record<string, Record<string, { tags?: string[]; security?: unknown[]; parameters?: { name: string; in: string; schema?: { type?: string } }[]; responses: Record<string, unknown> }>>;
    }>();
    const path = doc.paths["/api/v1/conversations/{id}/messages/{seq}"];
    for (const [method, statuses] of [
      ["patch", ["200", "400", "401", "403", "404", "422", "429"]],
      ["delete", ["200", "400", "401", "403", "404", "422"]],
    ] as const) {
      const op = path?.[method];
      expect(op, method).toBeDefined();
      expect(op!.tags).toEqual(["Chat"]);
      expect(op!.security).toEqual([{ bearer: [] }]);
      expect(op!.parameters?.find((p) => p.name === "seq")).toMatchObject({ in: "path", schema: { type: "integer" } });
      for (const status of statuses) expect(op!.responses[status], `${method} ${status}`).toBeDefined();
    }
    expect(path!.delete!.parameters?.find((p) => p.name === "clientId")).toMatchObject({ in: "query" });
  });
});

describe("the services (the door of pages without JavaScript)", () => {
  const ctxOf = (m: Member | null): Ctx => ({
    db: createDb(env.DB),
    env: env as unknown as Ctx["env"],
    requestId: "test",
    user: m && { id: m.user.id, handle: m.user.handle, displayName: m.user.handle, roles: ["member"], emailVerified: true, sessionId: "test" },
  });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.unreachable("the service should have refused"),
      (error: { status?: number; errors?: { path: string }[] }) => ({ status: error.status, paths: error.errors?.map((e) => e.path) }),
    );

  it("editMessage and deleteMessage change your own message and refuse with the API's errors", async () => {
    const [ana, ben] = await Promise.all([dancer("ana"), dancer("ben")]);
    const id = await direct(ana, ben);
    const seq = await sent(ana, id, "sin JavaScript");
    const theirs = await sent(ben, id, "tampoco");
    expect(await editMessage(ctxOf(ana), id, seq, { clientId: "form-edit-1", body: "sin JS (editado)" })).toMatchObject({ seq: 3, message: { seq, body: "sin JS (editado)", editedAt: expect.any(String) } });
    // Input that never met the API's schema: the service and the room check it themselves.
    expect(await failure(editMessage(ctxOf(ana), id, seq, { clientId: "form edit", body: "x" }))).toEqual({ status: 422, paths: ["clientId"] });
    expect(await failure(editMessage(ctxOf(ana), id, seq, { clientId: "form-edit-2", body: " \n " }))).toEqual({ status: 422, paths: ["body"] });
    expect(await failure(deleteMessage(ctxOf(ana), id, seq, ""))).toEqual({ status: 422, paths: ["clientId"] });
    expect((await failure(editMessage(ctxOf(ana), id, Number.NaN, { clientId: "form-edit-3", body: "x" }))).status).toBe(404);
    expect((await failure(deleteMessage(ctxOf(ana), id, theirs, "form-delete-0"))).status).toBe(403);
    expect((await failure(deleteMessage(ctxOf(null), id, seq, "form-delete-1"))).status).toBe(401);
    expect(await deleteMessage(ctxOf(ana), id, seq, "form-delete-2")).toMatchObject({ seq: 4, message: { seq, body: null, deletedAt: expect.any(String) } });
    expect((await history(ben, id)).data.map((m) => m.body)).toEqual([null, "tampoco"]);
  });
});
