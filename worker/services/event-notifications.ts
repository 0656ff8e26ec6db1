import { and, count, eq, inArray, isNotNull, isNull, lt } from "drizzle-orm";
import { eventOccurrences, eventOrganizers, events, orders, tickets, users } from "../../db/schema";
import { ORGANIZER_MESSAGE_LIMITS, type EmailJob } from "../../queues/jobs";
import { enqueueAll, eventLink, formatWhen, mailIdempotencyKey, nextStartsAt } from "../../queues/jobs/event-fanout";
import { enqueue } from "../../queues/producer";
import type { Ctx } from "../env";
import { Invalid } from "../errors";
import { uuidv7 } from "../lib/ids";
import { loadEvent, requireOrganizer } from "./event-access";
import { notifySystem } from "./notifications";
import { enforce } from "./rate-limit";

/** D1 binds at most 100 parameters per statement. */
const IDS_PER_QUERY = 90;
const REMINDERS_PER_RUN = 50;
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Tells everyone registered that the event is cancelled. One job here; the queue pages
 * through the members (queues/jobs/event-fanout.ts), so cancelling a festival with
 * thousands of dancers answers as fast as cancelling a práctica.
 */
export async function notifyEventCancelled(ctx: Ctx, eventId: string): Promise<void> {
  // An event is cancelled once, so its id is the whole key of this fan-out.
  await enqueue(ctx.env.JOBS, { type: "event.cancelled", idempotencyKey: `event.cancelled:${eventId}`, eventId });
}

/**
 * Tells everyone registered that the event's date, time or place changed, as an
 * `event_change` notification (mailed only to members who chose that type by mail). One
 * job per change: the event's version makes the key, so a retried request tells nobody twice.
 */
export async function notifyEventChanged(ctx: Ctx, eventId: string, version: number): Promise<void> {
  await enqueue(ctx.env.JOBS, { type: "event.changed", idempotencyKey: `event.changed:${eventId}:${version}`, eventId });
}

/**
 * Mails each dancer just moved from the waitlist to "going" for one date of the event, and
 * tells their bell: the notification is stored as already mailed, whatever their preferences
 * (a place that opened up is news they must act on).
 */
export async function notifyWaitlistPromoted(ctx: Ctx, eventId: string, occurrenceKey: string, userIds: string[]): Promise<void> {
  if (userIds.length === 0) return;
  const event = await ctx.db.select().from(events).where(eq(events.id, eventId)).get();
  if (!event) return;
  const occurrence = await ctx.db
    .select({ startsAt: eventOccurrences.startsAt })
    .from(eventOccurrences)
    .where(and(eq(eventOccurrences.eventId, eventId), eq(eventOccurrences.occurrenceKey, occurrenceKey)))
    .get();
  const startsAt = occurrence?.startsAt ?? event.startsAt;
  const link = eventLink(ctx.env, event.id);
  const members = await membersByIds(ctx, [...new Set(userIds)]);
  await enqueueAll(
    ctx.env.JOBS,
    members.map(
      (m): EmailJob => ({
        type: "email.send",
        // A dancer can be promoted, step back and be promoted again: each promotion is news.
        idempotencyKey: uuidv7(),
        to: m.email,
        language: m.language,
        template: { name: "waitlist-promoted", displayName: m.displayName, eventTitle: event.title, when: formatWhen(startsAt, event.timeZone, m.language), link },
      }),
    ),
  );
  await notifySystem(
    ctx,
    members.map((m) => m.id),
    { type: "rsvp_promotion", subject: { type: "event", id: event.id }, data: { title: event.title, occurrenceKey }, alreadyMailed: true },
  );
}

export interface AttendeeMessageInput {
  subject: string;
  body: string;
  audience: "going" | "all";
}

/** An organizer writes to the dancers going (or everyone registered); at most 5 messages per event a day. */
export async function messageAttendees(ctx: Ctx, eventId: string, input: AttendeeMessageInput): Promise<{ queued: true }> {
  const event = await loadEvent(ctx, eventId);
  await requireOrganizer(ctx, event);
  // A mail subject is one line: newlines there would be header injection at a lax provider.
  const subject = input.subject.replace(/\s+/g, " ").trim();
  const body = input.body.trim();
  if (subject.length === 0 || subject.length > ORGANIZER_MESSAGE_LIMITS.subjectMaxChars) {
    throw Invalid.field("subject", `subject must be 1 to ${ORGANIZER_MESSAGE_LIMITS.subjectMaxChars} characters`);
  }
  if (body.length === 0 || body.length > ORGANIZER_MESSAGE_LIMITS.bodyMaxChars) {
    throw Invalid.field("body", `body must be 1 to ${ORGANIZER_MESSAGE_LIMITS.bodyMaxChars} characters`);
  }
  if (input.audience !== "going" && input.audience !== "all") throw Invalid.field("audience", 'audience must be "going" or "all"');
  // Counted only once the message is valid and the sender may send it, so refusals spend nothing.
  await enforce(ctx.env, "message.event", `message:event:${event.id}`);
  await enqueue(ctx.env.JOBS, { type: "event.message", idempotencyKey: uuidv7(), eventId: event.id, audience: input.audience, subject, body });
  return { queued: true };
}

/**
 * Asks the organizers of recurring series nobody has confirmed for `weeks` − 1 weeks whether
 * they still run — a week before such a series leaves the listings. Claims up to 50 series
 * per call with a conditional UPDATE, so overlapping cron runs remind each series once.
 */
export async function remindStaleSeries(ctx: Ctx, now: Date, weeks: number): Promise<number> {
  const staleBefore = new Date(now.getTime() - Math.max(0, weeks - 1) * WEEK_MS).toISOString();
  const stale = and(isNotNull(events.recurrenceRule), eq(events.status, "scheduled"), lt(events.confirmedAt, staleBefore), isNull(events.reconfirmRemindedAt));
  const candidates = ctx.db.select({ id: events.id }).from(events).where(stale).limit(REMINDERS_PER_RUN);
  const claimed = await ctx.db
    .update(events)
    .set({ reconfirmRemindedAt: now.toISOString() })
    .where(and(inArray(events.id, candidates), stale))
    .returning({ id: events.id, title: events.title, confirmedAt: events.confirmedAt });
  if (claimed.length === 0) return 0;

  const organizers = await ctx.db
    .select({ eventId: eventOrganizers.eventId, userId: users.id, email: users.email, displayName: users.displayName, language: users.language })
    .from(eventOrganizers)
    .innerJoin(users, eq(users.id, eventOrganizers.userId))
    .where(
      inArray(
        eventOrganizers.eventId,
        claimed.map((e) => e.id),
      ),
    );
  const byId = new Map(claimed.map((e) => [e.id, e]));
  const mails: EmailJob[] = [];
  for (const o of organizers) {
    const event = byId.get(o.eventId)!;
    mails.push({
      type: "email.send",
      idempotencyKey: await mailIdempotencyKey(`series-reconfirm:${event.confirmedAt}`, event.id, o.userId),
      to: o.email,
      language: o.language,
      template: { name: "series-reconfirm", displayName: o.displayName, eventTitle: event.title, link: eventLink(ctx.env, event.id) },
    });
  }
  try {
    await enqueueAll(ctx.env.JOBS, mails);
  } catch (error) {
    // Unclaim, so the next run tries again rather than the series dropping out unannounced.
    await ctx.db
      .update(events)
      .set({ reconfirmRemindedAt: null })
      .where(
        inArray(
          events.id,
          claimed.map((e) => e.id),
        ),
      );
    throw error;
  }
  return claimed.length;
}

/** Mails the buyer once their paid order's tickets exist; the same order never mails twice. */
export async function notifyTicketsIssued(ctx: Ctx, orderId: string): Promise<void> {
  const order = await ctx.db
    .select({
      eventId: events.id,
      title: events.title,
      startsAt: events.startsAt,
      timeZone: events.timeZone,
      buyerId: users.id,
      email: users.email,
      displayName: users.displayName,
      language: users.language,
    })
    .from(orders)
    .innerJoin(events, eq(events.id, orders.eventId))
    .innerJoin(users, eq(users.id, orders.userId))
    .where(eq(orders.id, orderId))
    .get();
  if (!order) return;
  const issued = await ctx.db.select({ n: count() }).from(tickets).where(eq(tickets.orderId, orderId)).get();
  const quantity = issued?.n ?? 0;
  if (quantity === 0) return;
  const startsAt = await nextStartsAt(ctx.db, { id: order.eventId, startsAt: order.startsAt }, new Date());
  await enqueue(ctx.env.JOBS, {
    type: "email.send",
    idempotencyKey: await mailIdempotencyKey(`tickets-issued:${orderId}`, order.eventId, order.buyerId),
    to: order.email,
    language: order.language,
    template: {
      name: "tickets-issued",
      displayName: order.displayName,
      eventTitle: order.title,
      when: formatWhen(startsAt, order.timeZone, order.language),
      quantity,
      link: eventLink(ctx.env, order.eventId),
    },
  });
}

async function membersByIds(ctx: Ctx, ids: string[]) {
  const rows = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const chunk = ids.slice(i, i + IDS_PER_QUERY);
    rows.push(
      ...(await ctx.db
        .select({ id: users.id, email: users.email, displayName: users.displayName, language: users.language })
        .from(users)
        .where(inArray(users.id, chunk))),
    );
  }
  return rows;
}
