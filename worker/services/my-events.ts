import { and, asc, eq, sql } from "drizzle-orm";
import { eventOrganizers, users } from "../../db/schema";
import { z } from "zod";
import type { EventStatus, EventType, RsvpStatus, DanceRole } from "../../db/schema/event-types";
import type { Ctx } from "../env";
import { Invalid } from "../errors";
import { decodeCursor, keysetPage } from "../lib/cursor";
import { instantToLocal } from "../lib/local-time";
import { requireSignedIn } from "./users";

export interface OrganizedEvent {
  id: string;
  title: string;
  type: EventType;
  status: EventStatus;
  role: "owner" | "co-organizer";
  recurring: boolean;
  /** The next date not yet over (null when every date is past): what "upcoming" means. */
  nextStartsAt: string | null;
  /** That date, or for past events their last date, in venue time. */
  startsAt: string;
  startLocal: string;
  timeZone: string;
  city: { slug: string; name: string };
  venue: { name: string };
}

export interface MyRsvp {
  eventId: string;
  occurrenceKey: string;
  title: string;
  eventStatus: EventStatus;
  status: RsvpStatus;
  role: DanceRole | null;
  /** 1 = next in line (in the dancer's own role's line on role-balanced events). */
  waitlistPosition: number | null;
  startsAt: string;
  startLocal: string;
  timeZone: string;
  city: { slug: string; name: string };
  venue: { name: string };
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** b: 0 = upcoming (soonest first), 1 = past (latest first); s: the sort instant; i: event id. */
const organizingCursor = z.object({ b: z.union([z.literal(0), z.literal(1)]), s: z.string().max(40), i: z.string().max(64) }).strict();
const rsvpCursor = z.object({ s: z.string().max(40), i: z.string().max(64), k: z.string().max(16) }).strict();

const badCursor = () => Invalid.field("cursor", "cursor is not a cursor this API issued; start again without it.");

/**
 * Events I organize (as owner or co-organizer): upcoming first, soonest date first, then past
 * ones, latest first. One member organizes few events, so the rows come from one range of
 * event_organizers_user_idx and are ordered after; the keyset cursor keeps pages stable.
 */
export async function listOrganizedEvents(ctx: Ctx, { limit = 20, cursor }: { limit?: number; cursor?: string } = {}, now: Date = new Date()): Promise<Page<OrganizedEvent>> {
  const me = requireSignedIn(ctx);
  const after = cursor === undefined ? undefined : decodeCursor(cursor, organizingCursor);
  if (cursor !== undefined && !after) throw badCursor();
  const nowIso = now.toISOString();
  const keyset = after
    ? after.b === 0
      ? sql`AND (bucket > 0 OR (sort_at > ${after.s} OR (sort_at = ${after.s} AND ranked.id > ${after.i})))`
      : sql`AND bucket = 1 AND (sort_at < ${after.s} OR (sort_at = ${after.s} AND ranked.id > ${after.i}))`
    : sql``;
  const rows = await ctx.db.all<{
    id: string;
    title: string;
    type: EventType;
    status: EventStatus;
    role: "owner" | "co-organizer";
    recurrence_rule: string | null;
    time_zone: string;
    next_start: string | null;
    bucket: 0 | 1;
    sort_at: string;
    city_slug: string;
    city_name: string;
    venue_name: string;
  }>(sql`
    WITH mine AS MATERIALIZED (
      SELECT e.id, e.title, e.type, e.status, eo.role, e.recurrence_rule, e.time_zone, e.starts_at, e.city_id, e.venue_id,
        (SELECT min(o.starts_at) FROM event_occurrences o WHERE o.event_id = e.id AND o.ends_at > ${nowIso} AND o.status != 'cancelled') AS next_start,
        (SELECT max(o.starts_at) FROM event_occurrences o WHERE o.event_id = e.id) AS last_start
      FROM event_organizers eo JOIN events e ON e.id = eo.event_id
      WHERE eo.user_id = ${me.id}
    ), ranked AS (
      SELECT mine.*, CASE WHEN next_start IS NULL THEN 1 ELSE 0 END AS bucket,
        COALESCE(next_start, last_start, starts_at) AS sort_at
      FROM mine
    )
    SELECT ranked.id, ranked.title, ranked.type, ranked.status, ranked.role, ranked.recurrence_rule, ranked.time_zone, ranked.next_start,
      ranked.bucket, ranked.sort_at, c.slug AS city_slug, c.name AS city_name, v.name AS venue_name
    FROM ranked JOIN cities c ON c.id = ranked.city_id JOIN venues v ON v.id = ranked.venue_id
    WHERE 1 = 1 ${keyset}
    ORDER BY bucket, CASE WHEN bucket = 0 THEN sort_at END ASC, CASE WHEN bucket = 1 THEN sort_at END DESC, ranked.id
    LIMIT ${limit + 1}
  `);
  const { page, nextCursor } = keysetPage(rows, limit, (last) => ({ b: last.bucket, s: last.sort_at, i: last.id }));
  return {
    data: page.map((r) => ({
      id: r.id,
      title: r.title,
      type: r.type,
      status: r.status,
      role: r.role,
      recurring: r.recurrence_rule !== null,
      nextStartsAt: r.next_start,
      startsAt: r.sort_at,
      startLocal: instantToLocal(r.sort_at, r.time_zone),
      timeZone: r.time_zone,
      city: { slug: r.city_slug, name: r.city_name },
      venue: { name: r.venue_name },
    })),
    nextCursor,
  };
}

/**
 * Dates I said I am going to, am waitlisted for or am interested in, still to come, soonest
 * first. The member's rows come from rsvps_user_idx; the waitlist position counts the
 * dancers ahead in the same line (rsvps_occurrence_status_idx), as getMyRsvp does.
 */
export async function listMyRsvps(ctx: Ctx, { limit = 20, cursor }: { limit?: number; cursor?: string } = {}, now: Date = new Date()): Promise<Page<MyRsvp>> {
  const me = requireSignedIn(ctx);
  const after = cursor === undefined ? undefined : decodeCursor(cursor, rsvpCursor);
  if (cursor !== undefined && !after) throw badCursor();
  const keyset = after ? sql`AND (o.starts_at, r.event_id, r.occurrence_key) > (${after.s}, ${after.i}, ${after.k})` : sql``;
  const rows = await ctx.db.all<{
    event_id: string;
    occurrence_key: string;
    title: string;
    event_status: EventStatus;
    status: RsvpStatus;
    role: DanceRole | null;
    waitlist_ahead: number | null;
    starts_at: string;
    time_zone: string;
    city_slug: string;
    city_name: string;
    venue_name: string;
  }>(sql`
    SELECT r.event_id, r.occurrence_key, e.title, e.status AS event_status, r.status, r.role, o.starts_at, e.time_zone,
      c.slug AS city_slug, c.name AS city_name, v.name AS venue_name,
      CASE WHEN r.status = 'waitlisted' THEN (
        SELECT count(DISTINCT w.queue_seq) FROM rsvps w
        WHERE w.event_id = r.event_id AND w.occurrence_key = r.occurrence_key AND w.status = 'waitlisted' AND w.queue_seq < r.queue_seq
          AND (e.role_balance_tolerance IS NULL OR r.role IS NULL OR w.role = r.role)
      ) END AS waitlist_ahead
    FROM rsvps r
    JOIN event_occurrences o ON o.event_id = r.event_id AND o.occurrence_key = r.occurrence_key
    JOIN events e ON e.id = r.event_id
    JOIN cities c ON c.id = e.city_id
    JOIN venues v ON v.id = e.venue_id
    WHERE r.user_id = ${me.id} AND r.status IN ('going', 'waitlisted', 'interested') AND o.ends_at > ${now.toISOString()} ${keyset}
    ORDER BY o.starts_at, r.event_id, r.occurrence_key
    LIMIT ${limit + 1}
  `);
  const { page, nextCursor } = keysetPage(rows, limit, (last) => ({ s: last.starts_at, i: last.event_id, k: last.occurrence_key }));
  return {
    data: page.map((r) => ({
      eventId: r.event_id,
      occurrenceKey: r.occurrence_key,
      title: r.title,
      eventStatus: r.event_status,
      status: r.status,
      role: r.role,
      waitlistPosition: r.status === "waitlisted" ? (r.waitlist_ahead ?? 0) + 1 : null,
      startsAt: r.starts_at,
      startLocal: instantToLocal(r.starts_at, r.time_zone),
      timeZone: r.time_zone,
      city: { slug: r.city_slug, name: r.city_name },
      venue: { name: r.venue_name },
    })),
    nextCursor,
  };
}

/** Handles of the co-organizers (not the owner) of an event, as its edit form lists them. */
export async function listCoOrganizerHandles(ctx: Ctx, eventId: string): Promise<string[]> {
  const rows = await ctx.db
    .select({ handle: users.handle })
    .from(eventOrganizers)
    .innerJoin(users, eq(users.id, eventOrganizers.userId))
    .where(and(eq(eventOrganizers.eventId, eventId), eq(eventOrganizers.role, "co-organizer")))
    .orderBy(asc(users.handle));
  return rows.map((r) => r.handle);
}
