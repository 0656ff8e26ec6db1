import { createScheduledController, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { Unauthorized } from "../worker/errors";
import { randomToken, sha256Hex } from "../worker/lib/tokens";
import { MAX_LIVE_TICKETS, purgeExpiredTickets, redeemTicket, TICKET_TTL_MS } from "../worker/services/chat-tickets";
import { runScheduled } from "../worker/scheduled";
import { api } from "./accounts";
import { directConversation, eventRoom, groupConversation, openChat, removeMember, requestTicket, ticketFor, upgrade } from "./chat-fixtures";
import { createEvent } from "./event-factory";
import { jobCtx } from "./notification-factory";
import { block, dancer } from "./post-factory";
import { seedWorld } from "./world";

beforeAll(seedWorld);

async function expectProblem(res: Response, status: number, detail?: RegExp): Promise<Record<string, unknown>> {
  expect(res.status).toBe(status);
  expect(res.webSocket).toBeNull();
  expect(res.headers.get("Content-Type")).toContain("application/problem+json");
  const body = await res.json<Record<string, unknown>>();
  expect(body.status).toBe(status);
  if (detail) expect(String(body.detail)).toMatch(detail);
  return body;
}

/** A ticket row written straight to D1 (for expiry and binding cases): answers the plain ticket. */
async function storedTicket(conversationId: string, userId: string, expiresAt: number): Promise<string> {
  const ticket = randomToken();
  await env.DB.prepare("INSERT INTO chat_tickets (token_hash, conversation_id, user_id, expires_at) VALUES (?, ?, ?, ?)")
    .bind(await sha256Hex(ticket), conversationId, userId, expiresAt)
    .run();
  return ticket;
}

const ticketRows = async (userId: string) =>
  (await env.DB.prepare("SELECT token_hash AS tokenHash, expires_at AS expiresAt FROM chat_tickets WHERE user_id = ?").bind(userId).all<{ tokenHash: string; expiresAt: number }>()).results;

describe("POST /conversations/:id/ticket", () => {
  it("gives a member a single-use 60 s ticket bound to them and the conversation, storing only its hash", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await directConversation(ana, beto);
    const before = Date.now();
    const res = await requestTicket(ana, id);
    expect(res.status).toBe(201);
    const body = await res.json<{ ticket: string; expiresAt: string; url: string }>();
    expect(body.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.url).toBe(`/ws/conversations/${id}?ticket=${body.ticket}`);
    const expires = Date.parse(body.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + TICKET_TTL_MS);
    expect(expires).toBeLessThanOrEqual(Date.now() + TICKET_TTL_MS);
    const rows = await ticketRows(ana.user.id);
    expect(rows).toEqual([{ tokenHash: await sha256Hex(body.ticket), expiresAt: expires }]);
    expect(JSON.stringify(rows)).not.toContain(body.ticket);
  });

  it("refuses visitors (401), non-members of direct and group conversations (404) and unknown ids (404)", async () => {
    const [ana, beto, cora] = await Promise.all([dancer("ana"), dancer("beto"), dancer("cora")]);
    const direct = await directConversation(ana, beto);
    const group = await groupConversation(ana, [beto]);
    await expectProblem(await requestTicket(null, direct), 401);
    await expectProblem(await requestTicket(cora, direct), 404);
    await expectProblem(await requestTicket(cora, group), 404);
    await expectProblem(await requestTicket(cora, "0190f5a2-0000-7000-8000-000000000000"), 404);
    await expectProblem(await requestTicket(cora, "not-a-uuid"), 404);
    await expectProblem(await requestTicket(cora, "x".repeat(65)), 400);
    expect(await ticketRows(cora.user.id)).toEqual([]);
  });

  it("event rooms: a non-member gets 403; a member must still be going or an organizer", async () => {
    const [going, wasGoing, outsider] = await Promise.all([dancer("going"), dancer("was"), dancer("outsider")]);
    const { event, organizer } = await createEvent();
    for (const m of [going, wasGoing]) {
      const rsvp = await api(`/events/${event.id}/rsvp`, { method: "POST", token: m.accessToken, json: { status: "going" } });
      expect(rsvp.status).toBe(200);
    }
    const room = await eventRoom(event.id, [organizer, going, wasGoing]);
    await expectProblem(await requestTicket(outsider, room), 403, /going attendees and organizers/);
    expect((await requestTicket(organizer, room)).status).toBe(201);
    expect((await requestTicket(going, room)).status).toBe(201);
    // Still a member of the room, but no longer going: refused until they RSVP again.
    const withdraw = await api(`/events/${event.id}/rsvp`, { method: "DELETE", token: wasGoing.accessToken });
    expect(withdraw.status).toBeLessThan(300);
    await expectProblem(await requestTicket(wasGoing, room), 403, /RSVP as going/);
  });

  it(`caps a member at ${MAX_LIVE_TICKETS} unexpired tickets (429), even asked all at once; expired ones do not count`, async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await directConversation(ana, beto);
    await storedTicket(id, ana.user.id, Date.now() - 1000);
    const answers = await Promise.all(Array.from({ length: MAX_LIVE_TICKETS + 5 }, () => requestTicket(ana, id)));
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(MAX_LIVE_TICKETS);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    const refused = answers.find((res) => res.status === 429)!;
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    await expectProblem(refused, 429);
    // Beto's allowance is his own.
    expect((await requestTicket(beto, id)).status).toBe(201);
  });
});

describe("GET /ws/conversations/:id refusals (no socket opens)", () => {
  it("is not an upgrade: 426", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await directConversation(ana, beto);
    const { ticket } = await ticketFor(ana, id);
    const res = await upgrade(id, { ticket, headers: { Upgrade: "h2c" } });
    await expectProblem(res, 426);
    // The ticket was not spent by the refusal.
    expect(await ticketRows(ana.user.id)).toHaveLength(1);
  });

  it("a foreign Origin: 403; a missing Origin (non-browser client) is let through to the ticket check", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await directConversation(ana, beto);
    const { ticket } = await ticketFor(ana, id);
    await expectProblem(await upgrade(id, { ticket, origin: "https://evil.example" }), 403, /own pages/);
    await expectProblem(await upgrade(id, { ticket, origin: "null" }), 403);
    await expectProblem(await upgrade(id, { ticket: "garbage", origin: null }), 401);
  });

  it("no ticket, an empty one or garbage: 401", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await directConversation(ana, beto);
    await expectProblem(await upgrade(id), 401, /Ask for a ticket/);
    await expectProblem(await upgrade(id, { ticket: "" }), 401);
    await expectProblem(await upgrade(id, { ticket: "garbage" }), 401);
    await expectProblem(await upgrade(id, { ticket: randomToken() }), 401);
    await expectProblem(await upgrade(id, { ticket: "x".repeat(5000) }), 401);
    await expectProblem(await upgrade("not-a-uuid", { ticket: randomToken() }), 401);
  });

  it("a bad since: 400 naming the field, and the ticket is not spent", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await directConversation(ana, beto);
    const { ticket } = await ticketFor(ana, id);
    for (const since of ["-1", "1.5", "abc", "1e3", "", "9".repeat(40)]) {
      const body = await expectProblem(await upgrade(id, { ticket, since }), 400);
      expect(body.errors).toEqual([{ path: "since", message: expect.stringMatching(/whole number/) }]);
    }
    expect(await ticketRows(ana.user.id)).toHaveLength(1);
  });

  it("a ticket for conversation X cannot open conversation Y (401), and is spent by trying", async () => {
    const [ana, beto, cora] = await Promise.all([dancer("ana"), dancer("beto"), dancer("cora")]);
    const x = await directConversation(ana, beto);
    const y = await groupConversation(ana, [cora]);
    const { ticket } = await ticketFor(ana, x);
    await expectProblem(await upgrade(y, { ticket }), 401, /another conversation/);
    await expectProblem(await upgrade(x, { ticket }), 401);
  });

  it("an expired ticket: 401", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await directConversation(ana, beto);
    const ticket = await storedTicket(id, ana.user.id, Date.now() - 1);
    await expectProblem(await upgrade(id, { ticket }), 401, /expired/);
    expect(await ticketRows(ana.user.id)).toEqual([]);
  });

  it("a member removed after getting the ticket: 403 at the upgrade", async () => {
    const [ana, beto, cora] = await Promise.all([dancer("ana"), dancer("beto"), dancer("cora")]);
    const group = await groupConversation(ana, [beto, cora]);
    const { ticket } = await ticketFor(cora, group);
    await removeMember(group, cora);
    await expectProblem(await upgrade(group, { ticket }), 403, /no longer a member/);
  });
});

describe("redeeming", () => {
  it("two upgrades racing with one ticket: exactly one redeems it", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await directConversation(ana, beto);
    for (let round = 0; round < 5; round += 1) {
      const { ticket } = await ticketFor(ana, id);
      const results = await Promise.allSettled([redeemTicket(jobCtx(), id, ticket), redeemTicket(jobCtx(), id, ticket), redeemTicket(jobCtx(), id, ticket)]);
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won).toHaveLength(1);
      expect((won[0] as PromiseFulfilledResult<{ userId: string }>).value.userId).toBe(ana.user.id);
      for (const r of results.filter((r) => r.status === "rejected")) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(Unauthorized);
    }
  });

  it("the cron purges expired tickets in batches and keeps live ones", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await directConversation(ana, beto);
    const expired = await Promise.all(Array.from({ length: 7 }, (_, i) => storedTicket(id, ana.user.id, Date.now() - 1000 * (i + 1))));
    const live = await ticketFor(ana, id);
    expect(await purgeExpiredTickets(jobCtx())).toBeGreaterThanOrEqual(expired.length);
    expect(await ticketRows(ana.user.id)).toEqual([{ tokenHash: await sha256Hex(live.ticket), expiresAt: Date.parse(live.expiresAt) }]);
    await storedTicket(id, beto.user.id, Date.now() - 5);
    await runScheduled(createScheduledController({ cron: "*/15 * * * *" }), env);
    expect(await ticketRows(beto.user.id)).toEqual([]);
  });
});

describe("through the door to the room (real WebSockets)", () => {
  it("two members chat: the sender gets an ack, both get the message; the answer comes back", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await directConversation(ana, beto);
    const [a, b] = await Promise.all([openChat(ana, id), openChat(beto, id)]);
    expect((await a.next("ready")).lastSeq).toBe(0);
    await b.next("ready");
    a.send({ type: "send", clientId: "c-1", body: "¿Bailamos la próxima?" });
    const ack = await a.next("ack");
    expect(ack).toEqual({ type: "ack", clientId: "c-1", seq: expect.any(Number) });
    const heard = await b.next("message");
    expect(heard).toMatchObject({ seq: ack.seq, clientId: "c-1", senderId: ana.user.id, body: "¿Bailamos la próxima?" });
    expect(await a.next("message")).toEqual(heard);
    b.send({ type: "send", clientId: "c-2", body: "¡Claro!" });
    const answer = await a.next("message");
    expect(answer).toMatchObject({ senderId: beto.user.id, body: "¡Claro!" });
    expect(answer.seq).toBeGreaterThan(ack.seq);
    a.close();
    b.close();
  });

  it("replays everything after `since` before ready, in order", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await groupConversation(ana, [beto]);
    const a = await openChat(ana, id);
    await a.next("ready");
    const seqs: number[] = [];
    for (const [i, body] of ["uno", "dos", "tres"].entries()) {
      a.send({ type: "send", clientId: `m${i}`, body });
      seqs.push((await a.next("ack")).seq);
    }
    const b = await openChat(beto, id, { since: seqs[0] });
    const ready = await b.next("ready");
    expect(ready.lastSeq).toBe(seqs[2]);
    const replayed = b.frames.filter((f) => f.type === "message");
    expect(replayed.map((f) => (f as { body: string }).body)).toEqual(["dos", "tres"]);
    // Replay strictly before ready.
    expect(b.frames.findIndex((f) => f.type === "ready")).toBe(replayed.length);
    // No since: nothing replayed.
    const c = await openChat(beto, id);
    await c.next("ready");
    expect(c.frames.filter((f) => f.type === "message")).toEqual([]);
    for (const client of [a, b, c]) client.close();
  });

  it("a ticket opens one socket: reused, it gets 401; two racing upgrades with one ticket admit one", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await directConversation(ana, beto);
    const { ticket } = await ticketFor(ana, id);
    const first = await upgrade(id, { ticket, origin: null });
    expect(first.status).toBe(101);
    first.webSocket!.accept();
    await expectProblem(await upgrade(id, { ticket }), 401);
    first.webSocket!.close(1000, "done");

    const raced = await ticketFor(ana, id);
    const answers = await Promise.all([upgrade(id, { ticket: raced.ticket }), upgrade(id, { ticket: raced.ticket }), upgrade(id, { ticket: raced.ticket })]);
    expect(answers.map((r) => r.status).sort()).toEqual([101, 401, 401]);
    for (const res of answers) {
      if (res.webSocket) {
        res.webSocket.accept();
        res.webSocket.close(1000, "done");
      } else await res.body?.cancel();
    }
  });

  it("a blocked direct pair can connect and read, but sending is refused; an unblock opens it again at the next connect", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await directConversation(ana, beto);
    const before = await openChat(ana, id);
    await before.next("ready");
    before.send({ type: "send", clientId: "pre", body: "Hola" });
    const ack = await before.next("ack");
    before.close();
    // The block is written straight to D1, as if the room never heard of it: the door heals that.
    await block(beto, ana);
    const a = await openChat(ana, id, { since: 0 });
    expect(await a.next("message")).toMatchObject({ seq: ack.seq, body: "Hola" });
    await a.next("ready");
    a.send({ type: "send", clientId: "post", body: "¿Hola?" });
    expect(await a.next("error")).toMatchObject({ code: "not_allowed", clientId: "post" });
    const b = await openChat(beto, id);
    await b.next("ready");
    b.send({ type: "send", clientId: "other-way", body: "no" });
    expect(await b.next("error")).toMatchObject({ code: "not_allowed", clientId: "other-way" });
    a.close();
    b.close();
    await env.DB.prepare("DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?").bind(beto.user.id, ana.user.id).run();
    const again = await openChat(ana, id);
    await again.next("ready");
    again.send({ type: "send", clientId: "after", body: "Amigos otra vez" });
    expect((await again.next("ack")).clientId).toBe("after");
    again.close();
  });

  it("once the other member deleted their account, the direct room can be read but takes no more messages", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await directConversation(ana, beto);
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(beto.user.id).run();
    const a = await openChat(ana, id);
    await a.next("ready");
    a.send({ type: "send", clientId: "into-the-void", body: "¿Estás?" });
    expect(await a.next("error")).toMatchObject({ code: "not_allowed", clientId: "into-the-void" });
    a.close();
  });

  it("a member removed while connected is not let back in with a new ticket", async () => {
    const [ana, beto] = await Promise.all([dancer("ana"), dancer("beto")]);
    const id = await groupConversation(ana, [beto]);
    const { ticket } = await ticketFor(beto, id);
    const b = await openChat(beto, id);
    await b.next("ready");
    await removeMember(id, beto);
    await expectProblem(await upgrade(id, { ticket }), 403);
    await expectProblem(await requestTicket(beto, id), 404);
    b.close();
  });
});
