import { and, asc, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { events, orders, stripeEvents, ticketTypes, tickets, users, type Event } from "../../db/schema";
import type { Ctx } from "../env";
import { Conflict, DomainError, Invalid, NotFound, ServiceUnavailable } from "../errors";
import { decodeCursor, keysetPage } from "../lib/cursor";
import { uuidv7 } from "../lib/ids";
import { log } from "../lib/log";
import { createCheckoutSession, parseStripeEvent, readCheckoutSession, StripeApiError, verifyStripeSignature, type CheckoutSession, type StripeEvent } from "../lib/stripe";
import { renderQrSvg, signTicketCode, ticketPublicKey, verifyTicketCode } from "../lib/ticket-code";
import type {
  BuyTicketsInput,
  CheckInInput,
  CreateTicketTypeInput,
  MyTicketDto,
  PurchaseDto,
  TicketDto,
  TicketTypeDto,
  UpdateTicketTypeInput,
} from "../schemas/tickets";
import { loadEvent, requireOrganizer } from "./event-access";
import { notifyTicketsIssued } from "./event-notifications";
import { requireSignedIn } from "./users";

/** Stripe accepts 30 min to 24 h; the extra minute keeps clock skew from landing under its minimum. */
const CHECKOUT_EXPIRY_SECONDS = 31 * 60;
const MAX_TICKET_TYPES_PER_EVENT = 50;

type TicketTypeRow = typeof ticketTypes.$inferSelect;
type OrderRow = typeof orders.$inferSelect;
type TicketRow = typeof tickets.$inferSelect;

/** Stripe answered with an error of its own making or not at all: the buyer may try again. */
export class PaymentProviderError extends DomainError {
  readonly status = 502;
  readonly title = "Bad Gateway";
}

// ---- Ticket types -----------------------------------------------------------------------

/** Public: anyone who can see the event sees what it sells. */
export async function listTicketTypes(ctx: Ctx, eventId: string): Promise<{ data: TicketTypeDto[] }> {
  const event = await loadEvent(ctx, eventId);
  const rows = await ctx.db.select().from(ticketTypes).where(eq(ticketTypes.eventId, event.id)).orderBy(asc(ticketTypes.createdAt), asc(ticketTypes.id));
  const now = new Date().toISOString();
  return { data: rows.map((row) => toTicketTypeDto(row, event, now)) };
}

export async function createTicketType(ctx: Ctx, eventId: string, input: CreateTicketTypeInput): Promise<TicketTypeDto> {
  const event = await loadEvent(ctx, eventId);
  await requireOrganizer(ctx, event);
  if (event.status === "cancelled") throw new Conflict("This event is cancelled; it sells no tickets.");
  const existing = await ctx.db.select({ n: sql<number>`count(*)` }).from(ticketTypes).where(eq(ticketTypes.eventId, event.id)).get();
  if ((existing?.n ?? 0) >= MAX_TICKET_TYPES_PER_EVENT) throw new Conflict(`An event can have at most ${MAX_TICKET_TYPES_PER_EVENT} ticket types.`);

  const row: TicketTypeRow = {
    id: uuidv7(),
    eventId: event.id,
    name: input.name,
    priceMinor: input.price.amountMinor,
    currency: input.price.currency,
    quantity: input.quantity,
    reserved: 0,
    salesStartAt: normalizeInstant(input.salesStart),
    salesEndAt: normalizeInstant(input.salesEnd),
    createdAt: new Date().toISOString(),
  };
  await ctx.db.insert(ticketTypes).values(row);
  return toTicketTypeDto(row, event, row.createdAt);
}

export async function updateTicketType(ctx: Ctx, eventId: string, ticketTypeId: string, input: UpdateTicketTypeInput): Promise<TicketTypeDto> {
  const event = await loadEvent(ctx, eventId);
  await requireOrganizer(ctx, event);
  const current = await loadTicketType(ctx, event, ticketTypeId);

  const salesStartAt = input.salesStart === undefined ? current.salesStartAt : normalizeInstant(input.salesStart);
  const salesEndAt = input.salesEnd === undefined ? current.salesEndAt : normalizeInstant(input.salesEnd);
  if (salesStartAt && salesEndAt && salesEndAt <= salesStartAt) throw Invalid.field("salesEnd", "salesEnd must be later than salesStart");

  const quantity = input.quantity ?? current.quantity;
  const changes = {
    name: input.name ?? current.name,
    priceMinor: input.price?.amountMinor ?? current.priceMinor,
    currency: input.price?.currency ?? current.currency,
    quantity,
    salesStartAt,
    salesEndAt,
  };
  // Conditional, so a sale racing this edit cannot leave more sold than there are tickets.
  const [updated] = await ctx.db
    .update(ticketTypes)
    .set(changes)
    .where(and(eq(ticketTypes.id, current.id), sql`${ticketTypes.reserved} <= ${quantity}`))
    .returning();
  if (!updated) {
    const sold = await ctx.db.select({ reserved: ticketTypes.reserved }).from(ticketTypes).where(eq(ticketTypes.id, current.id)).get();
    throw new Conflict(`${sold?.reserved ?? current.reserved} tickets of this type are already sold or in checkout; quantity cannot go below that.`, [
      { path: "quantity", message: `quantity must be at least ${sold?.reserved ?? current.reserved}` },
    ]);
  }
  return toTicketTypeDto(updated, event, new Date().toISOString());
}

// ---- Buying -----------------------------------------------------------------------------

/**
 * Free tickets are issued on the spot; paid ones become a pending order and a Stripe Checkout
 * Session, and are issued when Stripe's webhook says the money arrived. Either way the tickets
 * are reserved first, by one conditional UPDATE, so concurrent buyers can never oversell.
 */
export async function buyTickets(ctx: Ctx, eventId: string, input: BuyTicketsInput): Promise<PurchaseDto> {
  const buyer = requireSignedIn(ctx);
  const event = await loadEvent(ctx, eventId);
  if (event.status === "cancelled") throw new Conflict("This event is cancelled; it sells no tickets.");
  const type = await loadTicketType(ctx, event, input.ticketTypeId, "ticketTypeId");
  const now = new Date();
  assertOnSale(type, now.toISOString());

  const paid = type.priceMinor > 0;
  const secretKey = ctx.env.STRIPE_SECRET_KEY;
  if (paid && !secretKey) {
    throw new ServiceUnavailable("Paid tickets cannot be sold right now: payments are not configured on this server (STRIPE_SECRET_KEY is not set).");
  }

  await reserve(ctx, type, input.quantity);
  const order: OrderRow = {
    id: uuidv7(now.getTime()),
    eventId: event.id,
    ticketTypeId: type.id,
    userId: buyer.id,
    quantity: input.quantity,
    amountMinor: type.priceMinor * input.quantity,
    currency: type.currency,
    status: paid ? "pending" : "paid",
    stripeSessionId: null,
    createdAt: now.toISOString(),
    paidAt: paid ? null : now.toISOString(),
  };

  if (!paid) {
    const issued = newTickets(order, now.toISOString());
    try {
      await ctx.db.batch([ctx.db.insert(orders).values(order), ctx.db.insert(tickets).values(issued)]);
    } catch (error) {
      await release(ctx, type.id, input.quantity);
      throw error;
    }
    await notifyIssued(ctx, order.id);
    return { orderId: order.id, status: order.status, amountMinor: 0, currency: order.currency, checkoutUrl: null, tickets: issued.map(toTicketDto) };
  }

  try {
    await ctx.db.insert(orders).values(order);
  } catch (error) {
    await release(ctx, type.id, input.quantity);
    throw error;
  }
  try {
    const email = await ctx.db.select({ email: users.email }).from(users).where(eq(users.id, buyer.id)).get();
    const eventUrl = `${ctx.env.APP_ORIGIN}/events/${event.id}`;
    const session = await createCheckoutSession({
      secretKey: secretKey!,
      // Retrying this order (a timeout, a double click reaching us twice) returns Stripe's first session.
      idempotencyKey: order.id,
      successUrl: `${eventUrl}?checkout=success`,
      cancelUrl: `${eventUrl}?checkout=cancelled`,
      customerEmail: email?.email,
      clientReferenceId: order.id,
      metadata: { orderId: order.id, eventId: event.id, ticketTypeId: type.id },
      lineItems: [{ name: `${event.title} — ${type.name}`, unitAmountMinor: type.priceMinor, currency: type.currency, quantity: input.quantity }],
      expiresAtSeconds: Math.floor(now.getTime() / 1000) + CHECKOUT_EXPIRY_SECONDS,
    });
    await ctx.db.update(orders).set({ stripeSessionId: session.id }).where(eq(orders.id, order.id));
    return { orderId: order.id, status: "pending", amountMinor: order.amountMinor, currency: order.currency, checkoutUrl: session.url, tickets: [] };
  } catch (error) {
    await expireOrder(ctx, order.id);
    if (error instanceof StripeApiError) {
      log("error", "stripe.checkout-failed", { requestId: ctx.requestId, orderId: order.id, status: error.status, code: error.stripeCode, message: error.message });
      // No answer or a Stripe outage: try again later. An answer refusing our request: our fault, a gateway error.
      if (error.status === undefined || error.status >= 500 || error.status === 429) {
        throw new ServiceUnavailable("The payment provider is unavailable right now; nothing was charged. Please try again in a minute.");
      }
      throw new PaymentProviderError("The payment provider refused to start the checkout; nothing was charged.");
    }
    throw error;
  }
}

function assertOnSale(type: TicketTypeRow, nowIso: string): void {
  if (type.salesStartAt && nowIso < type.salesStartAt) {
    throw new Conflict(`Sales for "${type.name}" open at ${type.salesStartAt}.`, [{ path: "salesStart", message: `sales open at ${type.salesStartAt}` }]);
  }
  if (type.salesEndAt && nowIso >= type.salesEndAt) {
    throw new Conflict(`Sales for "${type.name}" closed at ${type.salesEndAt}.`, [{ path: "salesEnd", message: `sales closed at ${type.salesEndAt}` }]);
  }
}

/** The one statement that decides who gets the last tickets: D1 runs it atomically. */
async function reserve(ctx: Ctx, type: TicketTypeRow, quantity: number): Promise<void> {
  const [reserved] = await ctx.db
    .update(ticketTypes)
    .set({ reserved: sql`${ticketTypes.reserved} + ${quantity}` })
    .where(and(eq(ticketTypes.id, type.id), sql`${ticketTypes.reserved} + ${quantity} <= ${ticketTypes.quantity}`))
    .returning({ reserved: ticketTypes.reserved });
  if (reserved) return;
  const now = await ctx.db.select({ quantity: ticketTypes.quantity, reserved: ticketTypes.reserved }).from(ticketTypes).where(eq(ticketTypes.id, type.id)).get();
  const left = Math.max(0, (now?.quantity ?? 0) - (now?.reserved ?? 0));
  throw new Conflict(left === 0 ? `"${type.name}" is sold out.` : `Only ${left} "${type.name}" tickets are left.`, [
    { path: "quantity", message: left === 0 ? "sold out" : `at most ${left} left` },
  ]);
}

async function release(ctx: Ctx, ticketTypeId: string, quantity: number): Promise<void> {
  await ctx.db
    .update(ticketTypes)
    .set({ reserved: sql`max(0, ${ticketTypes.reserved} - ${quantity})` })
    .where(eq(ticketTypes.id, ticketTypeId));
}

/**
 * pending → expired, giving its tickets back. One batch (a transaction in D1): the release
 * runs only while the order is still pending, and the flip that follows makes a second call
 * — or a Stripe event delivered twice — a no-op.
 */
function expireOrderStatements(ctx: Ctx, orderId: string) {
  const pendingOrder = and(eq(orders.id, orderId), eq(orders.status, "pending"));
  return [
    ctx.db
      .update(ticketTypes)
      .set({ reserved: sql`max(0, ${ticketTypes.reserved} - (SELECT ${orders.quantity} FROM ${orders} WHERE ${pendingOrder}))` })
      .where(sql`${ticketTypes.id} = (SELECT ${orders.ticketTypeId} FROM ${orders} WHERE ${pendingOrder})`),
    ctx.db.update(orders).set({ status: "expired" }).where(pendingOrder),
  ] as const;
}

async function expireOrder(ctx: Ctx, orderId: string): Promise<void> {
  await ctx.db.batch(expireOrderStatements(ctx, orderId));
}

function newTickets(order: OrderRow, issuedAt: string): TicketRow[] {
  return Array.from({ length: order.quantity }, () => ({
    id: uuidv7(),
    orderId: order.id,
    eventId: order.eventId,
    ticketTypeId: order.ticketTypeId,
    holderId: order.userId,
    issuedAt,
    usedAt: null,
    checkedInBy: null,
  }));
}

/** The mail is a courtesy: the tickets exist and are listed even if the queue is down. */
async function notifyIssued(ctx: Ctx, orderId: string): Promise<void> {
  try {
    await notifyTicketsIssued(ctx, orderId);
  } catch (error) {
    log("error", "tickets.notify-failed", { requestId: ctx.requestId, orderId, message: error instanceof Error ? error.message : String(error) });
  }
}

// ---- Stripe webhook ---------------------------------------------------------------------

export type WebhookOutcome = "duplicate" | "issued" | "expired" | "ignored";

/**
 * Stripe's word on a checkout. Signed with STRIPE_WEBHOOK_SECRET over the raw body; the event id
 * is recorded in the same transaction as its effect, so a redelivery changes nothing, and a
 * failure part-way leaves nothing recorded for Stripe's retry to skip.
 */
export async function handleStripeWebhook(ctx: Ctx, rawBody: string, signatureHeader: string | undefined): Promise<WebhookOutcome> {
  const check = await verifyStripeSignature({ payload: rawBody, header: signatureHeader, secret: ctx.env.STRIPE_WEBHOOK_SECRET });
  if (!check.ok) {
    log("warn", "stripe.webhook-rejected", { requestId: ctx.requestId, reason: check.reason });
    throw Invalid.field("Stripe-Signature", SIGNATURE_PROBLEMS[check.reason]);
  }
  const event = parseStripeEvent(rawBody);
  if (!event) throw Invalid.field("body", "the body is not a Stripe event");

  const kind = SETTLEMENTS[event.type] ?? event.type;
  const session = readCheckoutSession({ ...event, type: kind });
  if (!session) return "ignored";
  const seen = await ctx.db.select({ id: stripeEvents.id }).from(stripeEvents).where(eq(stripeEvents.id, event.id)).get();
  if (seen) return "duplicate";

  const order = await orderOfSession(ctx, session);
  const record = recordStatement(ctx, event);
  if (!order) {
    log("warn", "stripe.webhook-unknown-order", { requestId: ctx.requestId, stripeEvent: event.id, session: session.id });
    await record;
    return "ignored";
  }

  if (kind === "checkout.session.expired") {
    await ctx.db.batch([record, ...expireOrderStatements(ctx, order.id)]);
    return "expired";
  }
  return completeCheckout(ctx, event, session, order, record);
}

/**
 * Delayed methods (bank debits) complete the checkout unpaid and settle days later with one of
 * these, carrying the same checkout session: success issues like a paid completion, failure
 * gives the tickets back like an expiry.
 */
const SETTLEMENTS: Record<string, string> = {
  "checkout.session.async_payment_succeeded": "checkout.session.completed",
  "checkout.session.async_payment_failed": "checkout.session.expired",
};

const SIGNATURE_PROBLEMS = {
  missing: "the Stripe-Signature header is missing",
  malformed: "the Stripe-Signature header is not t=<seconds>,v1=<hex>",
  mismatch: "the signature does not match the body",
  stale: "the signature is older than 5 minutes",
} as const;

async function orderOfSession(ctx: Ctx, session: CheckoutSession): Promise<OrderRow | undefined> {
  const orderId = session.client_reference_id ?? session.metadata["orderId"];
  const bySession = await ctx.db.select().from(orders).where(eq(orders.stripeSessionId, session.id)).get();
  if (bySession) return bySession;
  if (!orderId) return undefined;
  const byReference = await ctx.db.select().from(orders).where(eq(orders.id, orderId)).get();
  // A session id on file that differs means this event is about some other checkout.
  return byReference && (byReference.stripeSessionId === null || byReference.stripeSessionId === session.id) ? byReference : undefined;
}

async function completeCheckout(
  ctx: Ctx,
  event: StripeEvent,
  session: CheckoutSession,
  order: OrderRow,
  record: ReturnType<typeof recordStatement>,
): Promise<WebhookOutcome> {
  // Delayed methods (bank debits) complete unpaid and settle later; only "paid" means money arrived.
  if (session.payment_status !== "paid") {
    log("info", "stripe.checkout-unpaid", { requestId: ctx.requestId, stripeEvent: event.id, orderId: order.id, paymentStatus: session.payment_status });
    await record;
    return "ignored";
  }
  if (order.status !== "pending") {
    if (order.status === "expired") log("error", "stripe.paid-after-expiry", { requestId: ctx.requestId, stripeEvent: event.id, orderId: order.id });
    await record;
    return "ignored";
  }

  const paidAt = new Date().toISOString();
  const issued = newTickets(order, paidAt);
  // Each ticket is inserted only while the order is still pending, then the order flips to
  // paid, all in one transaction: two deliveries racing past the duplicate check issue one set.
  const insertTickets = issued.map((ticket) =>
    ctx.db.insert(tickets).select(
      ctx.db
        .select({
          id: sql<string>`${ticket.id}`.as("id"),
          orderId: orders.id,
          eventId: orders.eventId,
          ticketTypeId: orders.ticketTypeId,
          holderId: orders.userId,
          issuedAt: sql<string>`${paidAt}`.as("issued_at"),
          usedAt: sql<null>`NULL`.as("used_at"),
          checkedInBy: sql<null>`NULL`.as("checked_in_by"),
        })
        .from(orders)
        .where(and(eq(orders.id, order.id), eq(orders.status, "pending"))),
    ),
  );
  const flip = ctx.db
    .update(orders)
    .set({ status: "paid", paidAt, stripeSessionId: session.id })
    .where(and(eq(orders.id, order.id), eq(orders.status, "pending")));
  const results = await ctx.db.batch([record, ...insertTickets, flip]);
  if (results.at(-1)!.meta.changes > 0) {
    await notifyIssued(ctx, order.id);
    return "issued";
  }
  return "ignored";
}

function recordStatement(ctx: Ctx, event: StripeEvent) {
  return ctx.db.insert(stripeEvents).values({ id: event.id, type: event.type, receivedAt: new Date().toISOString() }).onConflictDoNothing();
}

// ---- My tickets -------------------------------------------------------------------------

const myTicketsCursor = z.object({ s: z.string().max(40), i: z.string().max(64) }).strict();

export async function listMyTickets(ctx: Ctx, query: { limit: number; cursor?: string }): Promise<{ data: MyTicketDto[]; nextCursor: string | null }> {
  const user = requireSignedIn(ctx);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, myTicketsCursor);
  if (query.cursor !== undefined && !after) throw Invalid.field("cursor", "cursor is not a cursor this API issued");

  const rows = await ctx.db
    .select({ ticket: tickets, typeName: ticketTypes.name, event: { id: events.id, title: events.title, startsAt: events.startsAt, timeZone: events.timeZone, status: events.status } })
    .from(tickets)
    .innerJoin(events, eq(events.id, tickets.eventId))
    .innerJoin(ticketTypes, eq(ticketTypes.id, tickets.ticketTypeId))
    .where(
      and(
        eq(tickets.holderId, user.id),
        after ? or(lt(tickets.issuedAt, after.s), and(eq(tickets.issuedAt, after.s), lt(tickets.id, after.i))) : undefined,
      ),
    )
    .orderBy(desc(tickets.issuedAt), desc(tickets.id))
    .limit(query.limit + 1);

  const { page, nextCursor } = keysetPage(rows, query.limit, (last) => ({ s: last.ticket.issuedAt, i: last.ticket.id }));
  const data = await Promise.all(
    page.map(async ({ ticket, typeName, event }) => {
      const code = await ticketCode(ctx, ticket);
      return { ...toTicketDto(ticket), ticketTypeName: typeName, event, code, qrSvg: renderQrSvg(code, `Ticket for ${event.title}`) };
    }),
  );
  return { data, nextCursor };
}

/**
 * Signed on read rather than stored: Ed25519 signatures are deterministic, so the same ticket
 * always shows the same code, and the key is derived from JWT_SECRET (rotating it re-keys tickets).
 */
function ticketCode(ctx: Ctx, ticket: TicketRow): Promise<string> {
  return signTicketCode(ctx.env.JWT_SECRET, { ticketId: ticket.id, eventId: ticket.eventId, issuedAtSeconds: Math.floor(Date.parse(ticket.issuedAt) / 1000) });
}

// ---- Check-in ---------------------------------------------------------------------------

/** Admits a ticket once: the signature proves we issued it, the conditional UPDATE that it is its first use. */
export async function checkIn(ctx: Ctx, eventId: string, input: CheckInInput): Promise<{ ticket: TicketDto; firstUse: true }> {
  const event = await loadEvent(ctx, eventId);
  const organizer = await requireOrganizer(ctx, event);

  const check = await verifyTicketCode(await ticketPublicKey(ctx.env.JWT_SECRET), input.code);
  if (!check.ok) throw Invalid.field("code", "this is not a ticket code Mundo Tango issued");
  if (check.ticket.eventId !== event.id) {
    throw new UnprocessableTicket("This ticket is for another event.", [{ path: "code", message: "the ticket is for another event" }]);
  }
  const ticket = await ctx.db
    .select()
    .from(tickets)
    .where(and(eq(tickets.id, check.ticket.ticketId), eq(tickets.eventId, event.id)))
    .get();
  if (!ticket) throw new UnprocessableTicket("This ticket no longer exists.", [{ path: "code", message: "the ticket no longer exists" }]);

  const usedAt = new Date().toISOString();
  const [used] = await ctx.db
    .update(tickets)
    .set({ usedAt, checkedInBy: organizer.id })
    .where(and(eq(tickets.id, ticket.id), isNull(tickets.usedAt)))
    .returning();
  if (!used) {
    const earlier = await ctx.db.select({ usedAt: tickets.usedAt }).from(tickets).where(eq(tickets.id, ticket.id)).get();
    const when = earlier?.usedAt ?? ticket.usedAt ?? "earlier";
    throw new Conflict(`This ticket was already used at ${when}.`, [{ path: "code", message: `already used at ${when}` }]);
  }
  return { ticket: toTicketDto(used), firstUse: true };
}

/** What the check-in page caches to keep admitting people with no network: the key and who is already in. */
export async function checkInKey(ctx: Ctx, eventId: string): Promise<{ publicKey: string; tickets: { id: string; usedAt: string | null }[] }> {
  const event = await loadEvent(ctx, eventId);
  await requireOrganizer(ctx, event);
  const rows = await ctx.db
    .select({ id: tickets.id, usedAt: tickets.usedAt })
    .from(tickets)
    .where(eq(tickets.eventId, event.id))
    .orderBy(asc(tickets.issuedAt), asc(tickets.id));
  return { publicKey: await ticketPublicKey(ctx.env.JWT_SECRET), tickets: rows };
}

/**
 * Who holds each ticket of the event and of which type (organizers only), so the door page can
 * greet guests by name, even offline.
 */
export async function listDoorTickets(ctx: Ctx, eventId: string): Promise<{ id: string; holder: string; type: string }[]> {
  const event = await loadEvent(ctx, eventId);
  await requireOrganizer(ctx, event);
  return ctx.db
    .select({ id: tickets.id, holder: users.displayName, type: ticketTypes.name })
    .from(tickets)
    .innerJoin(users, eq(users.id, tickets.holderId))
    .innerJoin(ticketTypes, eq(ticketTypes.id, tickets.ticketTypeId))
    .where(eq(tickets.eventId, event.id));
}

/** A genuine ticket that this door must still refuse. */
export class UnprocessableTicket extends DomainError {
  readonly status = 422;
  readonly title = "Unprocessable Ticket";
}

// ---- Shared -----------------------------------------------------------------------------

async function loadTicketType(ctx: Ctx, event: Event, ticketTypeId: string, field?: string): Promise<TicketTypeRow> {
  const row = await ctx.db
    .select()
    .from(ticketTypes)
    .where(and(eq(ticketTypes.id, ticketTypeId), eq(ticketTypes.eventId, event.id)))
    .get();
  if (row) return row;
  if (field) throw new NotFound("This event has no ticket type with this id.", [{ path: field, message: "no such ticket type for this event" }]);
  throw new NotFound("This event has no ticket type with this id.");
}

function normalizeInstant(value: string | null | undefined): string | null {
  return value ? new Date(value).toISOString() : null;
}

function toTicketTypeDto(row: TicketTypeRow, event: Event, nowIso: string): TicketTypeDto {
  const available = Math.max(0, row.quantity - row.reserved);
  const inWindow = (!row.salesStartAt || nowIso >= row.salesStartAt) && (!row.salesEndAt || nowIso < row.salesEndAt);
  return {
    id: row.id,
    eventId: row.eventId,
    name: row.name,
    price: { amountMinor: row.priceMinor, currency: row.currency },
    quantity: row.quantity,
    available,
    salesStart: row.salesStartAt,
    salesEnd: row.salesEndAt,
    onSale: inWindow && available > 0 && event.status !== "cancelled",
  };
}

function toTicketDto(row: TicketRow): TicketDto {
  return { id: row.id, orderId: row.orderId, eventId: row.eventId, ticketTypeId: row.ticketTypeId, issuedAt: row.issuedAt, usedAt: row.usedAt };
}
