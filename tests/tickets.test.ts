import { OpenAPIHono } from "@hono/zod-openapi";
import { env, SELF } from "cloudflare:test";
import { requestId } from "hono/request-id";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ticketsApi } from "../worker/api/tickets";
import type { AppEnv, Env } from "../worker/env";
import { uuidv7 } from "../worker/lib/ids";
import { signStripePayload } from "../worker/lib/stripe";
import { signTicketCode, verifyTicketCode } from "../worker/lib/ticket-code";
import { authenticate } from "../worker/middleware/auth";
import { serviceContext } from "../worker/middleware/context";
import { handleError } from "../worker/middleware/problem";
import type { MyTicketDto as MyTicket, PurchaseDto as Purchase, TicketTypeDto as TicketType } from "../worker/schemas/tickets";
import { api, BASE, member } from "./accounts";

type Problem = { status: number; title: string; detail: string; errors?: { path: string; message: string }[] };
type Member = Awaited<ReturnType<typeof member>>;
type CheckInKey = { publicKey: string; tickets: { id: string; usedAt: string | null }[] };
/** Set for the test Worker in vitest.config.ts; optional in production, so not in the generated Env. */
const STRIPE_SECRET_KEY = (env as Env).STRIPE_SECRET_KEY!;

// ---- Arrange ----------------------------------------------------------------------------

let place: { cityId: string; venueId: string } | undefined;

/** One city and venue for the whole file, inserted directly: tickets need an event, not the events API. */
async function testPlace(): Promise<{ cityId: string; venueId: string }> {
  if (place) return place;
  const cityId = uuidv7();
  const venueId = uuidv7();
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO cities (id, slug, name, country, country_code, continent, time_zone, latitude, longitude) VALUES (?, ?, 'Ticketville', 'Argentina', 'AR', 'South America', 'America/Argentina/Buenos_Aires', -34.6, -58.4)",
    ).bind(cityId, `ticketville-${cityId.slice(-8)}`),
    env.DB.prepare("INSERT INTO venues (id, city_id, name, address) VALUES (?, ?, 'Salón Canning', 'Scalabrini Ortiz 1331')").bind(venueId, cityId),
  ]);
  place = { cityId, venueId };
  return place;
}

/** An event organized by `organizer`, with its one occurrence, as the events service would store it. */
async function event({ organizer, status = "scheduled", title = "Milonga de prueba" }: { organizer: Member; status?: "scheduled" | "cancelled"; title?: string }): Promise<string> {
  const { cityId, venueId } = await testPlace();
  const id = uuidv7();
  const startsAt = new Date(Date.now() + 30 * 86_400_000);
  startsAt.setUTCHours(23, 0, 0, 0);
  const starts = startsAt.toISOString();
  const ends = new Date(startsAt.getTime() + 4 * 3_600_000).toISOString();
  const key = starts.replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const now = new Date().toISOString();
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO events (id, title, type, city_id, venue_id, organizer_id, starts_at, ends_at, time_zone, status, created_at) VALUES (?, ?, 'milonga', ?, ?, ?, ?, ?, 'America/Argentina/Buenos_Aires', ?, ?)",
    ).bind(id, title, cityId, venueId, organizer.user.id, starts, ends, status, now),
    env.DB.prepare("INSERT INTO event_organizers (event_id, user_id, role, added_at) VALUES (?, ?, 'owner', ?)").bind(id, organizer.user.id, now),
    env.DB.prepare("INSERT INTO event_occurrences (event_id, occurrence_key, city_id, type, starts_at, ends_at, status) VALUES (?, ?, ?, 'milonga', ?, ?, ?)").bind(
      id,
      key,
      cityId,
      starts,
      ends,
      status === "cancelled" ? "cancelled" : "scheduled",
    ),
  ]);
  return id;
}

type TicketTypeInput = { name?: string; price?: { amountMinor: number; currency: string }; quantity?: number; salesStart?: string | null; salesEnd?: string | null };

async function ticketType(organizer: Member, eventId: string, input: TicketTypeInput = {}): Promise<TicketType> {
  const res = await api(`/events/${eventId}/ticket-types`, {
    method: "POST",
    token: organizer.accessToken,
    json: { name: "General", price: { amountMinor: 0, currency: "EUR" }, quantity: 100, ...input },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json<TicketType>();
}

const buy = (buyer: Member | undefined, eventId: string, ticketTypeId: string, quantity = 1) =>
  api(`/events/${eventId}/tickets`, { method: "POST", token: buyer?.accessToken, json: { ticketTypeId, quantity } });

async function reserved(ticketTypeId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT reserved FROM ticket_types WHERE id = ?").bind(ticketTypeId).first<{ reserved: number }>();
  return row!.reserved;
}

async function ticketCount(orderId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM tickets WHERE order_id = ?").bind(orderId).first<{ n: number }>();
  return row!.n;
}

async function orderStatus(orderId: string): Promise<string> {
  return (await env.DB.prepare("SELECT status FROM orders WHERE id = ?").bind(orderId).first<{ status: string }>())!.status;
}

async function myTickets(holder: Member): Promise<MyTicket[]> {
  const res = await api("/me/tickets", { token: holder.accessToken });
  expect(res.status).toBe(200);
  return (await res.json<{ data: MyTicket[] }>()).data;
}

const checkIn = (organizer: Member | undefined, eventId: string, code: string) =>
  api(`/events/${eventId}/check-in`, { method: "POST", token: organizer?.accessToken, json: { code } });

// ---- Stripe stand-in --------------------------------------------------------------------

interface StripeCall {
  url: string;
  headers: Headers;
  form: URLSearchParams;
}

/**
 * Answers the Worker's calls to api.stripe.com the way Stripe would, and refuses every other
 * outbound request: the Worker runs in this isolate, so the global fetch is its fetch.
 */
function standInForStripe(answer: (call: StripeCall) => Response = (call) => checkoutSessionCreated(call)): StripeCall[] {
  const calls: StripeCall[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init);
    if (request.url !== "https://api.stripe.com/v1/checkout/sessions" || request.method !== "POST") throw new Error(`unexpected outbound request ${request.method} ${request.url}`);
    const call = { url: request.url, headers: request.headers, form: new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer())) };
    calls.push(call);
    return answer(call);
  });
  return calls;
}

function checkoutSessionCreated(call: StripeCall): Response {
  const id = `cs_test_${call.form.get("client_reference_id")!.replace(/-/g, "")}`;
  return Response.json({ id, object: "checkout.session", url: `https://checkout.stripe.com/c/pay/${id}` });
}

let stripeEventCounter = 0;

function checkoutEvent(type: string, order: { orderId: string; sessionId: string }, overrides: { id?: string; paymentStatus?: string } = {}): string {
  stripeEventCounter += 1;
  return JSON.stringify({
    id: overrides.id ?? `evt_test_${Date.now()}_${stripeEventCounter}`,
    object: "event",
    type,
    data: {
      object: {
        id: order.sessionId,
        object: "checkout.session",
        payment_status: overrides.paymentStatus ?? (type === "checkout.session.completed" ? "paid" : "unpaid"),
        client_reference_id: order.orderId,
        metadata: { orderId: order.orderId },
        amount_total: 2500,
        currency: "eur",
      },
    },
  });
}

async function deliver(payload: string, { ageSeconds = 0, secret = env.STRIPE_WEBHOOK_SECRET, signature }: { ageSeconds?: number; secret?: string; signature?: string | null } = {}) {
  const header = signature === undefined ? await signStripePayload(payload, secret, Math.floor(Date.now() / 1000) - ageSeconds) : signature;
  const headers = new Headers({ "Content-Type": "application/json" });
  if (header !== null) headers.set("Stripe-Signature", header);
  return SELF.fetch(`${BASE}/api/v1/payments/stripe/webhook`, { method: "POST", headers, body: payload });
}

/** A paid ticket type with one pending order through the real buy endpoint, Stripe stood in for. */
async function pendingOrder(quantity = 2) {
  const organizer = await member();
  const buyer = await member();
  const eventId = await event({ organizer });
  const type = await ticketType(organizer, eventId, { name: "Full pass", price: { amountMinor: 2500, currency: "EUR" }, quantity: 10 });
  standInForStripe();
  const res = await buy(buyer, eventId, type.id, quantity);
  expect(res.status, await res.clone().text()).toBe(201);
  const purchase = await res.json<Purchase>();
  const sessionId = `cs_test_${purchase.orderId.replace(/-/g, "")}`;
  return { organizer, buyer, eventId, type, purchase, order: { orderId: purchase.orderId, sessionId } };
}

/** The ticket API mounted alone, so a test can run it with other bindings than the Worker's. */
function ticketsAppWith(overrides: Partial<Env>) {
  const app = new OpenAPIHono<AppEnv>();
  app.use(requestId());
  app.use(serviceContext);
  app.use("/api/*", authenticate);
  app.route("/api/v1", ticketsApi);
  app.onError(handleError);
  return (path: string, init: { token: string; json: unknown }) =>
    app.request(
      `/api/v1${path}`,
      { method: "POST", headers: { Authorization: `Bearer ${init.token}`, "Content-Type": "application/json" }, body: JSON.stringify(init.json) },
      { ...env, ...overrides },
    );
}

afterEach(() => {
  vi.restoreAllMocks();
});

// ---- Act and assert ---------------------------------------------------------------------

describe("ticket types", () => {
  let organizer: Member;
  let eventId: string;

  beforeAll(async () => {
    organizer = await member();
    eventId = await event({ organizer });
  });

  it("are listed publicly, with what is left and whether they are on sale", async () => {
    const type = await ticketType(organizer, eventId, { name: "Milonga entry", price: { amountMinor: 1500, currency: "ARS" }, quantity: 40 });
    const res = await api(`/events/${eventId}/ticket-types`);
    expect(res.status).toBe(200);
    const { data } = await res.json<{ data: TicketType[] }>();
    expect(data).toContainEqual({
      id: type.id,
      eventId,
      name: "Milonga entry",
      price: { amountMinor: 1500, currency: "ARS" },
      quantity: 40,
      available: 40,
      salesStart: null,
      salesEnd: null,
      onSale: true,
    });
  });

  it("can only be added by the event's organizers", async () => {
    const stranger = await member();
    const res = await api(`/events/${eventId}/ticket-types`, { method: "POST", token: stranger.accessToken, json: { name: "Fake", price: { amountMinor: 0, currency: "EUR" }, quantity: 5 } });
    expect(res.status).toBe(403);
  });

  it("cannot be added by a visitor", async () => {
    const res = await api(`/events/${eventId}/ticket-types`, { method: "POST", json: { name: "Fake", price: { amountMinor: 0, currency: "EUR" }, quantity: 5 } });
    expect(res.status).toBe(401);
  });

  it("refuse a sales window that ends before it starts, naming salesEnd", async () => {
    const res = await api(`/events/${eventId}/ticket-types`, {
      method: "POST",
      token: organizer.accessToken,
      json: { name: "Backwards", price: { amountMinor: 0, currency: "EUR" }, quantity: 5, salesStart: "2030-01-02T00:00:00Z", salesEnd: "2030-01-01T00:00:00Z" },
    });
    expect(res.status).toBe(400);
    expect((await res.json<Problem>()).errors).toEqual([expect.objectContaining({ path: "salesEnd" })]);
  });

  it("refuse a negative price, a fractional amount, a zero quantity and an unknown currency", async () => {
    for (const [json, path] of [
      [{ name: "x", price: { amountMinor: -1, currency: "EUR" }, quantity: 1 }, "price.amountMinor"],
      [{ name: "x", price: { amountMinor: 1.5, currency: "EUR" }, quantity: 1 }, "price.amountMinor"],
      [{ name: "x", price: { amountMinor: 100, currency: "EUR" }, quantity: 0 }, "quantity"],
      [{ name: "x", price: { amountMinor: 100, currency: "euro" }, quantity: 1 }, "price.currency"],
    ] as const) {
      const res = await api(`/events/${eventId}/ticket-types`, { method: "POST", token: organizer.accessToken, json });
      expect(res.status).toBe(400);
      const errors = (await res.json<Problem>()).errors!;
      expect(new Set(errors.map((e) => e.path))).toEqual(new Set([path]));
    }
  });

  it("can be changed by an organizer, but not below what is already sold", async () => {
    const type = await ticketType(organizer, eventId, { quantity: 3 });
    const buyer = await member();
    expect((await buy(buyer, eventId, type.id, 2)).status).toBe(201);

    const tooFew = await api(`/events/${eventId}/ticket-types/${type.id}`, { method: "PATCH", token: organizer.accessToken, json: { quantity: 1 } });
    expect(tooFew.status).toBe(409);
    expect((await tooFew.json<Problem>()).errors).toEqual([expect.objectContaining({ path: "quantity" })]);

    const res = await api(`/events/${eventId}/ticket-types/${type.id}`, { method: "PATCH", token: organizer.accessToken, json: { name: "Early bird", quantity: 2 } });
    expect(res.status).toBe(200);
    expect(await res.json<TicketType>()).toMatchObject({ name: "Early bird", quantity: 2, available: 0, onSale: false });
  });

  it("cannot be changed by someone who does not organize the event", async () => {
    const type = await ticketType(organizer, eventId);
    const stranger = await member();
    const res = await api(`/events/${eventId}/ticket-types/${type.id}`, { method: "PATCH", token: stranger.accessToken, json: { quantity: 1000 } });
    expect(res.status).toBe(403);
  });
});

describe("buying free tickets", () => {
  let organizer: Member;
  let buyer: Member;
  let eventId: string;

  beforeAll(async () => {
    organizer = await member();
    buyer = await member();
    eventId = await event({ organizer });
  });

  it("issues them at once, with a signed code and a QR image in my tickets", async () => {
    const type = await ticketType(organizer, eventId, { name: "Práctica", quantity: 10 });
    const res = await buy(buyer, eventId, type.id, 2);
    expect(res.status).toBe(201);
    const purchase = await res.json<Purchase>();
    expect(purchase).toMatchObject({ status: "paid", amountMinor: 0, checkoutUrl: null });
    expect(purchase.tickets).toHaveLength(2);
    expect(await reserved(type.id)).toBe(2);

    const mine = (await myTickets(buyer)).filter((t) => t.orderId === purchase.orderId);
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatchObject({ eventId, ticketTypeName: "Práctica", usedAt: null, event: { id: eventId, title: "Milonga de prueba" } });
    expect(mine[0]!.code).toMatch(/^MT1\./);
    expect(mine[0]!.qrSvg).toMatch(/^<svg role="img"/);
  });

  it("does not need a confirmed email", async () => {
    const type = await ticketType(organizer, eventId);
    expect(buyer.user.emailVerified).toBe(false);
    expect((await buy(buyer, eventId, type.id)).status).toBe(201);
  });

  it("needs a signed-in member", async () => {
    const type = await ticketType(organizer, eventId);
    const res = await buy(undefined, eventId, type.id);
    expect(res.status).toBe(401);
    expect(await reserved(type.id)).toBe(0);
  });

  it("answers 409 when sold out, and when fewer are left than asked for", async () => {
    const type = await ticketType(organizer, eventId, { quantity: 2 });
    expect((await buy(buyer, eventId, type.id, 2)).status).toBe(201);
    const soldOut = await buy(buyer, eventId, type.id);
    expect(soldOut.status).toBe(409);
    expect(await soldOut.json<Problem>()).toMatchObject({ detail: expect.stringContaining("sold out"), errors: [{ path: "quantity", message: "sold out" }] });

    const few = await ticketType(organizer, eventId, { quantity: 3 });
    const tooMany = await buy(buyer, eventId, few.id, 4);
    expect(tooMany.status).toBe(409);
    expect(await reserved(few.id)).toBe(0);
  });

  it("refuses before the sales window opens, naming salesStart", async () => {
    const type = await ticketType(organizer, eventId, { salesStart: new Date(Date.now() + 86_400_000).toISOString() });
    const res = await buy(buyer, eventId, type.id);
    expect(res.status).toBe(409);
    expect((await res.json<Problem>()).errors).toEqual([expect.objectContaining({ path: "salesStart" })]);
    expect(await reserved(type.id)).toBe(0);
  });

  it("refuses after the sales window closed, naming salesEnd", async () => {
    const type = await ticketType(organizer, eventId, { salesStart: "2020-01-01T00:00:00Z", salesEnd: new Date(Date.now() - 60_000).toISOString() });
    const res = await buy(buyer, eventId, type.id);
    expect(res.status).toBe(409);
    expect((await res.json<Problem>()).errors).toEqual([expect.objectContaining({ path: "salesEnd" })]);
  });

  it("refuses for a cancelled event", async () => {
    const type = await ticketType(organizer, eventId);
    const cancelled = await event({ organizer, status: "cancelled" });
    await env.DB.prepare("UPDATE ticket_types SET event_id = ? WHERE id = ?").bind(cancelled, type.id).run();
    const res = await buy(buyer, cancelled, type.id);
    expect(res.status).toBe(409);
    expect((await res.json<Problem>()).detail).toMatch(/cancelled/);
  });

  it("refuses a ticket type of another event", async () => {
    const other = await event({ organizer });
    const type = await ticketType(organizer, other);
    const res = await buy(buyer, eventId, type.id);
    expect(res.status).toBe(404);
  });

  it("issues exactly `quantity` tickets when 20 people buy the last 5 at once", async () => {
    const type = await ticketType(organizer, eventId, { quantity: 5 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => buy(buyer, eventId, type.id, 1)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(5).fill(201), ...Array(15).fill(409)]);
    expect(await reserved(type.id)).toBe(5);
    const issued = await env.DB.prepare("SELECT count(*) AS n FROM tickets WHERE ticket_type_id = ?").bind(type.id).first<{ n: number }>();
    expect(issued!.n).toBe(5);
  });
});

describe("buying paid tickets", () => {
  it("opens a Stripe Checkout session for the order and holds the tickets", async () => {
    const organizer = await member();
    const buyer = await member();
    const eventId = await event({ organizer, title: "Festival de Otoño" });
    const type = await ticketType(organizer, eventId, { name: "Full pass", price: { amountMinor: 2500, currency: "EUR" }, quantity: 10 });
    const calls = standInForStripe();

    const res = await buy(buyer, eventId, type.id, 2);
    expect(res.status).toBe(201);
    const purchase = await res.json<Purchase>();
    expect(purchase).toMatchObject({ status: "pending", amountMinor: 5000, currency: "EUR", tickets: [], checkoutUrl: expect.stringMatching(/^https:\/\/checkout\.stripe\.com\//) });
    expect(await reserved(type.id)).toBe(2);

    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call!.headers.get("authorization")).toBe(`Bearer ${STRIPE_SECRET_KEY}`);
    expect(call!.headers.get("idempotency-key")).toBe(purchase.orderId);
    expect(Object.fromEntries(call!.form)).toMatchObject({
      mode: "payment",
      client_reference_id: purchase.orderId,
      success_url: `${env.APP_ORIGIN}/events/${eventId}?checkout=success`,
      cancel_url: `${env.APP_ORIGIN}/events/${eventId}?checkout=cancelled`,
      customer_email: buyer.email,
      "line_items[0][price_data][currency]": "eur",
      "line_items[0][price_data][unit_amount]": "2500",
      "line_items[0][price_data][product_data][name]": "Festival de Otoño — Full pass",
      "line_items[0][quantity]": "2",
    });
    const expiresIn = Number(call!.form.get("expires_at")) - Date.now() / 1000;
    expect(expiresIn).toBeGreaterThan(30 * 60);
    expect(expiresIn).toBeLessThan(32 * 60);
    expect(await orderStatus(purchase.orderId)).toBe("pending");
    expect(await myTickets(buyer)).toEqual([]);
  });

  it("answers 503 without STRIPE_SECRET_KEY, and holds nothing", async () => {
    const organizer = await member();
    const buyer = await member();
    const eventId = await event({ organizer });
    const type = await ticketType(organizer, eventId, { price: { amountMinor: 2500, currency: "EUR" }, quantity: 3 });
    const fetchSpy = vi.spyOn(globalThis, "fetch");

    const res = await ticketsAppWith({ STRIPE_SECRET_KEY: undefined })(`/events/${eventId}/tickets`, { token: buyer.accessToken, json: { ticketTypeId: type.id, quantity: 3 } });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect((await res.json<Problem>()).detail).toMatch(/STRIPE_SECRET_KEY/);
    expect(await reserved(type.id)).toBe(0);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("releases the hold and answers 503 when Stripe is down", async () => {
    const organizer = await member();
    const buyer = await member();
    const eventId = await event({ organizer });
    const type = await ticketType(organizer, eventId, { price: { amountMinor: 2500, currency: "EUR" }, quantity: 3 });
    standInForStripe(() => Response.json({ error: { type: "api_error", message: "Something went wrong" } }, { status: 500 }));

    const res = await buy(buyer, eventId, type.id, 3);
    expect(res.status).toBe(503);
    expect(await reserved(type.id)).toBe(0);
    const order = await env.DB.prepare("SELECT status FROM orders WHERE ticket_type_id = ?").bind(type.id).first<{ status: string }>();
    expect(order!.status).toBe("expired");
  });

  it("releases the hold and answers 502 when Stripe refuses the request", async () => {
    const organizer = await member();
    const buyer = await member();
    const eventId = await event({ organizer });
    const type = await ticketType(organizer, eventId, { price: { amountMinor: 2500, currency: "EUR" }, quantity: 3 });
    standInForStripe(() => Response.json({ error: { type: "invalid_request_error", code: "amount_too_small", message: "Amount must be at least €0.50" } }, { status: 400 }));

    const res = await buy(buyer, eventId, type.id, 1);
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(text).not.toContain(STRIPE_SECRET_KEY);
    expect(await reserved(type.id)).toBe(0);
  });
});

describe("the Stripe webhook", () => {
  it("issues the order's tickets when the checkout is paid", async () => {
    const { buyer, type, order } = await pendingOrder(2);
    const res = await deliver(checkoutEvent("checkout.session.completed", order));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true });
    expect(await orderStatus(order.orderId)).toBe("paid");
    expect(await ticketCount(order.orderId)).toBe(2);
    expect(await reserved(type.id)).toBe(2);
    expect((await myTickets(buyer)).map((t) => t.orderId)).toEqual([order.orderId, order.orderId]);
  });

  it("issues once when Stripe delivers the same event twice", async () => {
    const { order } = await pendingOrder(2);
    const payload = checkoutEvent("checkout.session.completed", order);
    expect((await deliver(payload)).status).toBe(200);
    expect((await deliver(payload)).status).toBe(200);
    expect(await ticketCount(order.orderId)).toBe(2);
    const recorded = await env.DB.prepare("SELECT count(*) AS n FROM stripe_events WHERE id = ?").bind(JSON.parse(payload).id).first<{ n: number }>();
    expect(recorded!.n).toBe(1);
  });

  it("issues once when two deliveries race, or two events report the same payment", async () => {
    const { order } = await pendingOrder(3);
    const payload = checkoutEvent("checkout.session.completed", order);
    const answers = await Promise.all([deliver(payload), deliver(payload), deliver(checkoutEvent("checkout.session.completed", order))]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await ticketCount(order.orderId)).toBe(3);
  });

  it("waits while a completed checkout is not yet paid", async () => {
    const { order } = await pendingOrder(1);
    const res = await deliver(checkoutEvent("checkout.session.completed", order, { paymentStatus: "unpaid" }));
    expect(res.status).toBe(200);
    expect(await orderStatus(order.orderId)).toBe("pending");
    expect(await ticketCount(order.orderId)).toBe(0);
  });

  it("issues when a delayed payment settles after the checkout completed unpaid", async () => {
    const { order } = await pendingOrder(1);
    expect((await deliver(checkoutEvent("checkout.session.completed", order, { paymentStatus: "unpaid" }))).status).toBe(200);
    expect((await deliver(checkoutEvent("checkout.session.async_payment_succeeded", order, { paymentStatus: "paid" }))).status).toBe(200);
    expect(await orderStatus(order.orderId)).toBe("paid");
    expect(await ticketCount(order.orderId)).toBe(1);
  });

  it("gives the tickets back when a delayed payment fails", async () => {
    const { type, order } = await pendingOrder(2);
    expect((await deliver(checkoutEvent("checkout.session.async_payment_failed", order))).status).toBe(200);
    expect(await orderStatus(order.orderId)).toBe("expired");
    expect(await reserved(type.id)).toBe(0);
  });

  it("releases the held tickets when the checkout expires", async () => {
    const { type, order } = await pendingOrder(2);
    expect(await reserved(type.id)).toBe(2);
    const payload = checkoutEvent("checkout.session.expired", order);
    expect((await deliver(payload)).status).toBe(200);
    expect((await deliver(checkoutEvent("checkout.session.expired", order))).status).toBe(200);
    expect(await orderStatus(order.orderId)).toBe("expired");
    expect(await reserved(type.id)).toBe(0);
    expect(await ticketCount(order.orderId)).toBe(0);

    // Paid after all? Stripe never completes an expired session, but if it did, nothing is issued twice or out of stock.
    expect((await deliver(checkoutEvent("checkout.session.completed", order))).status).toBe(200);
    expect(await ticketCount(order.orderId)).toBe(0);
  });

  it("acknowledges event types it does not handle", async () => {
    const payload = JSON.stringify({ id: "evt_unhandled_1", object: "event", type: "customer.created", data: { object: { id: "cus_1" } } });
    const res = await deliver(payload);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true });
  });

  it("rejects a signature made with another secret", async () => {
    const { order } = await pendingOrder(1);
    const res = await deliver(checkoutEvent("checkout.session.completed", order), { secret: "whsec_not_ours_at_all_0123456789abcdef" });
    expect(res.status).toBe(400);
    expect(await res.json<Problem>()).toMatchObject({ errors: [{ path: "Stripe-Signature", message: expect.stringMatching(/does not match/) }] });
    expect(await ticketCount(order.orderId)).toBe(0);
  });

  it("rejects a signature older than five minutes", async () => {
    const { order } = await pendingOrder(1);
    const res = await deliver(checkoutEvent("checkout.session.completed", order), { ageSeconds: 6 * 60 });
    expect(res.status).toBe(400);
    expect((await res.json<Problem>()).errors![0]!.message).toMatch(/older than 5 minutes/);
    expect(await ticketCount(order.orderId)).toBe(0);
  });

  it("rejects a body changed after signing", async () => {
    const { order } = await pendingOrder(1);
    const payload = checkoutEvent("checkout.session.completed", order, { paymentStatus: "unpaid" });
    const signature = await signStripePayload(payload, env.STRIPE_WEBHOOK_SECRET, Math.floor(Date.now() / 1000));
    const res = await deliver(payload.replace('"unpaid"', '"paid"'), { signature });
    expect(res.status).toBe(400);
    expect(await ticketCount(order.orderId)).toBe(0);
  });

  it("rejects a delivery without a signature", async () => {
    const { order } = await pendingOrder(1);
    const res = await deliver(checkoutEvent("checkout.session.completed", order), { signature: null });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await ticketCount(order.orderId)).toBe(0);
  });

  it("rejects a correctly signed body that is not a Stripe event", async () => {
    const res = await deliver("not json at all");
    expect(res.status).toBe(400);
  });
});

describe("check-in", () => {
  let organizer: Member;
  let holder: Member;
  let eventId: string;
  let typeId: string;

  beforeAll(async () => {
    organizer = await member();
    holder = await member();
    eventId = await event({ organizer });
    typeId = (await ticketType(organizer, eventId, { quantity: 50 })).id;
  });

  async function freshTicket(): Promise<MyTicket> {
    const purchase = await (await buy(holder, eventId, typeId)).json<Purchase>();
    const ticket = (await myTickets(holder)).find((t) => t.orderId === purchase.orderId);
    return ticket!;
  }

  it("admits a ticket once: 200 first, then 409 saying when it was used", async () => {
    const ticket = await freshTicket();
    const first = await checkIn(organizer, eventId, ticket.code);
    expect(first.status).toBe(200);
    const body = await first.json<{ ticket: { id: string; usedAt: string }; firstUse: boolean }>();
    expect(body).toMatchObject({ firstUse: true, ticket: { id: ticket.id, usedAt: expect.any(String) } });

    const again = await checkIn(organizer, eventId, ticket.code);
    expect(again.status).toBe(409);
    expect((await again.json<Problem>()).detail).toContain(body.ticket.usedAt);
  });

  it("admits exactly once when two doors scan the same ticket at the same moment", async () => {
    const ticket = await freshTicket();
    const answers = await Promise.all([checkIn(organizer, eventId, ticket.code), checkIn(organizer, eventId, ticket.code)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it("refuses a forged code", async () => {
    const ticket = await freshTicket();
    const [version, payload, signature] = ticket.code.split(".") as [string, string, string];
    const flipped = signature.slice(0, 10) + (signature[10] === "A" ? "B" : "A") + signature.slice(11);
    expect((await checkIn(organizer, eventId, `${version}.${payload}.${flipped}`)).status).toBe(400);

    const selfMade = await signTicketCode("a-secret-that-is-not-the-servers-0123456789", { ticketId: ticket.id, eventId, issuedAtSeconds: 1 });
    expect((await checkIn(organizer, eventId, selfMade)).status).toBe(400);
    expect((await checkIn(organizer, eventId, "not a code")).status).toBe(400);
  });

  it("refuses a genuine ticket of another event", async () => {
    const otherOrganizer = await member();
    const otherEvent = await event({ organizer: otherOrganizer });
    const otherType = await ticketType(otherOrganizer, otherEvent);
    const purchase = await (await buy(holder, otherEvent, otherType.id)).json<Purchase>();
    const ticket = (await myTickets(holder)).find((t) => t.orderId === purchase.orderId)!;

    const res = await checkIn(organizer, eventId, ticket.code);
    expect(res.status).toBe(422);
    expect((await res.json<Problem>()).detail).toMatch(/another event/);
  });

  it("is for the event's organizers only", async () => {
    const ticket = await freshTicket();
    expect((await checkIn(holder, eventId, ticket.code)).status).toBe(403);
    expect((await checkIn(undefined, eventId, ticket.code)).status).toBe(401);
    expect((await api(`/events/${eventId}/check-in/key`, { token: holder.accessToken })).status).toBe(403);
  });

  it("gives organizers the public key that verifies codes offline, and who is already in", async () => {
    const used = await freshTicket();
    const unused = await freshTicket();
    expect((await checkIn(organizer, eventId, used.code)).status).toBe(200);

    const res = await api(`/events/${eventId}/check-in/key`, { token: organizer.accessToken });
    expect(res.status).toBe(200);
    const kit = await res.json<CheckInKey>();
    expect(await verifyTicketCode(kit.publicKey, unused.code)).toMatchObject({ ok: true, ticket: { ticketId: unused.id, eventId } });
    expect(kit.tickets).toContainEqual({ id: used.id, usedAt: expect.any(String) });
    expect(kit.tickets).toContainEqual({ id: unused.id, usedAt: null });
  });
});
