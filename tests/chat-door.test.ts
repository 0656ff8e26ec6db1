import { createScheduledController, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { Unauthorized } from "../worker/errors";
import { randomToken, sha256Hex } from "../worker/lib/tokens";
import { MAX_LIVE_TICKETS, purgeExpiredTickets, redeemTicket, TICKET_TTL_MS } from "../worker/services/chat-tickets";
import { runScheduled } from "../worker/scheduled";
import { api } from "./accounts";
import { directConversation, eventRoom, groupConversation, removeMember, requestTicket, ticketFor, upgrade } from "./chat-fixtures";
import { createEvent } from "./event-factory";
import { jobCtx } from "./notification-factory";
import { dancer } from "./post-factory";
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
