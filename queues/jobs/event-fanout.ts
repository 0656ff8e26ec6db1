import { and, asc, eq, gte, sql } from "drizzle-orm";
import { createDb, type Database } from "../../db/client";
import { eventOccurrences, events } from "../../db/schema";
import type { MailLanguage } from "../../db/schema/users";
import type { Ctx, Env } from "../../worker/env";
import { uuidv7 } from "../../worker/lib/ids";
import { notifySystem } from "../../worker/services/notifications";
import type { EmailJob, FanOutJob, Job } from "../jobs";

/** Recipients per fan-out job: one D1 query and at most one queue batch of mails each. */
export const FANOUT_PAGE_SIZE = 100;
const PAGE_MARK_TTL_SECONDS = 7 * 24 * 60 * 60;
/** Queues cap a batch at 100 messages and 256 KB; organizer messages can be long, so also count bytes. */
const BATCH_MAX_MESSAGES = 100;
const BATCH_MAX_BYTES = 200 * 1024;

/** Who counts as registered: ticket holders always, plus these RSVP answers. */
const REGISTERED = ["going", "waitlisted", "interested"] as const;

interface Recipient {
  id: string;
  email: string;
  displayName: string;
  language: MailLanguage;
}

/**
 * Mails one page of an event's registered members, then hands the next page to a new job.
 * Each page is marked done in KV once its mails are queued, and each mail's idempotency key
 * is derived from event, member and purpose, so a redelivered fan-out mails nobody twice.
 */
export async function handleEventFanOut(job: FanOutJob, env: Cloudflare.Env): Promise<void> {
  const pageMark = `fanout:${job.type}:${job.idempotencyKey}:${job.after ?? "first"}`;
  if (await env.CACHE.get(pageMark)) return;
  const db = createDb(env.DB);
  const event = await db
    .select({ id: events.id, title: events.title, startsAt: events.startsAt, timeZone: events.timeZone })
    .from(events)
    .where(eq(events.id, job.eventId))
    .get();
  if (!event) return;

  const statuses = job.type === "event.message" && job.audience === "going" ? (["going"] as const) : REGISTERED;
  const recipients = await registeredMembers(db, event.id, statuses, job.after);
  const link = eventLink(env, event.id);
  const startsAt = job.type === "event.cancelled" ? await nextStartsAt(db, event, new Date()) : event.startsAt;
  const mails: EmailJob[] = [];
  const ctx: Ctx = { db, env: env as Env, requestId: uuidv7(), user: null };
  const subject = { type: "event" as const, id: event.id };
  if (job.type === "event.changed") {
    // No mail of its own: notifySystem() mails it only to members who chose event changes by mail.
    await notifySystem(ctx, recipients.map((m) => m.id), { type: "event_change", subject, data: { title: event.title }, dedupeKey: `event_change:${job.idempotencyKey}` });
  } else if (job.type === "event.cancelled") {
    // The cancellation mail below is the mail: the bell's notification is stored as already mailed.
    await notifySystem(ctx, recipients.map((m) => m.id), { type: "event_cancellation", subject, data: { title: event.title }, dedupeKey: `event_cancellation:${event.id}`, alreadyMailed: true });
  }
  for (const member of recipients) {
    const base = { type: "email.send" as const, to: member.email, language: member.language };
    if (job.type === "event.changed") continue;
    if (job.type === "event.cancelled") {
      mails.push({
        ...base,
        idempotencyKey: await mailIdempotencyKey("event-cancelled", event.id, member.id),
        template: { name: "event-cancelled", displayName: member.displayName, eventTitle: event.title, when: formatWhen(startsAt, event.timeZone, member.language), link },
      });
    } else {
      mails.push({
        ...base,
        idempotencyKey: await mailIdempotencyKey(`organizer-message:${job.idempotencyKey}`, event.id, member.id),
        template: { name: "organizer-message", displayName: member.displayName, eventTitle: event.title, subject: job.subject, body: job.body, link },
      });
    }
  }
  await enqueueAll(env.JOBS, mails);
  const last = recipients.at(-1);
  if (recipients.length === FANOUT_PAGE_SIZE && last) await enqueueAll(env.JOBS, [{ ...job, after: last.id }]);
  await env.CACHE.put(pageMark, "1", { expirationTtl: PAGE_MARK_TTL_SECONDS });
}

/**
 * One keyset page of members with an RSVP in `statuses` for a date not yet over, or a
 * ticket: UNION deduplicates a member who has both, or answers for several dates of a
 * series. Who went to last month's milonga does not hear about next week's.
 */
async function registeredMembers(db: Database, eventId: string, statuses: readonly string[], after = "", now = new Date()): Promise<Recipient[]> {
  const statusList = sql.join(
    statuses.map((s) => sql`${s}`),
    sql`, `,
  );
  return db.all<Recipient>(sql`
    SELECT users.id AS id, users.email AS email, users.display_name AS displayName, users.language AS language
    FROM (
      SELECT user_id FROM rsvps WHERE event_id = ${eventId} AND status IN (${statusList}) AND user_id > ${after}
        AND occurrence_key IN (SELECT occurrence_key FROM event_occurrences WHERE event_id = ${eventId} AND ends_at > ${now.toISOString()})
      UNION
      SELECT holder_id FROM tickets WHERE event_id = ${eventId} AND holder_id > ${after}
    ) AS registered
    JOIN users ON users.id = registered.user_id
    ORDER BY users.id
    LIMIT ${FANOUT_PAGE_SIZE}`);
}

/** The start of the event's next date, or of its first when none is ahead (a single past event). */
export async function nextStartsAt(db: Database, event: { id: string; startsAt: string }, now: Date): Promise<string> {
  const next = await db
    .select({ startsAt: eventOccurrences.startsAt })
    .from(eventOccurrences)
    .where(and(eq(eventOccurrences.eventId, event.id), gte(eventOccurrences.startsAt, now.toISOString())))
    .orderBy(asc(eventOccurrences.startsAt))
    .limit(1)
    .get();
  return next?.startsAt ?? event.startsAt;
}

/** "Saturday, March 13, 2027 at 9:00 PM" / "sábado, 13 de marzo de 2027, 21:00", at the venue. */
export function formatWhen(startsAt: string, timeZone: string, language: MailLanguage): string {
  return new Intl.DateTimeFormat(language, { dateStyle: "full", timeStyle: "short", timeZone }).format(new Date(startsAt));
}

export function eventLink(env: { APP_ORIGIN: string }, eventId: string): string {
  return `${env.APP_ORIGIN}/events/${eventId}`;
}

/** A stable key per purpose, event and member: 64 hex characters, whatever the inputs' lengths. */
export async function mailIdempotencyKey(purpose: string, eventId: string, userId: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${purpose}\n${eventId}\n${userId}`));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Queues many jobs in as few batches as the platform's count and size limits allow. */
export async function enqueueAll(queue: Queue, jobs: Job[]): Promise<void> {
  let batch: MessageSendRequest[] = [];
  let bytes = 0;
  for (const job of jobs) {
    const size = new TextEncoder().encode(JSON.stringify(job)).byteLength;
    if (batch.length === BATCH_MAX_MESSAGES || (batch.length > 0 && bytes + size > BATCH_MAX_BYTES)) {
      await queue.sendBatch(batch);
      batch = [];
      bytes = 0;
    }
    batch.push({ body: job, contentType: "json" });
    bytes += size;
  }
  if (batch.length > 0) await queue.sendBatch(batch);
}
