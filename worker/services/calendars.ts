import { and, asc, eq, gt, gte, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { EVENT_TYPE_LABELS } from "../../db/schema/event-types";
import { cities, eventOccurrences, events, occurrenceOverrides, users, venues, type Event } from "../../db/schema";
import type { Ctx } from "../env";
import { NotFound } from "../errors";
import { renderCalendar, type CalendarEvent } from "../lib/ical";
import { instantToLocal } from "../lib/local-time";
import { markdownToPlainText } from "../lib/markdown";
import { instantOfOccurrenceKey } from "../lib/occurrence-key";
import { describeRecurrence, parseRecurrenceRule } from "../lib/recurrence";
import { loadEvent } from "./event-access";
import { MAX_EVENT_DAYS } from "./event-schedule";
import { eventPlaceAndOrganizers, reconfirmWeeks } from "./events";
import { findCityBySlug } from "./cities";

/** A city feed is one calendar a phone re-downloads every few hours: keep it bounded. */
export const MAX_CITY_FEED_EVENTS = 500;
/** Calendar apps poll; 15 minutes is as fresh as a listing needs to be. */
export const CITY_FEED_REFRESH_MINUTES = 15;
/** Descriptions in a feed are a preview; the event page has the rest. */
const FEED_DESCRIPTION_CHARS = 1_000;
/** Search engines read at most 50,000 URLs per sitemap; we list far fewer. */
export const MAX_SITEMAP_EVENTS = 5_000;
const SITEMAP_BATCH = 1_000;
const IDS_PER_QUERY = 90;


export interface CalendarFeed {
  ics: string;
  /** A weak validator: the feed changes when any event in it does, or one joins or leaves it. */
  etag: string;
}

interface FeedRow {
  event: Event;
  venue: { name: string; address: string; latitude: number | null; longitude: number | null };
  city: { name: string };
  organizer: { handle: string; displayName: string } | null;
}

interface Override {
  eventId: string;
  occurrenceKey: string;
  cancelled: boolean;
  startsAt: string | null;
  endsAt: string | null;
  updatedAt: string;
}

/** One event as an iCalendar file: a series once with its RRULE, cancelled dates as EXDATE, moved ones as overrides. */
export async function eventCalendar(ctx: Ctx, eventId: string, now: Date = new Date()): Promise<CalendarFeed & { filename: string }> {
  const event = await loadEvent(ctx, eventId);
  const [{ venue, city, organizers }, overrides] = await Promise.all([
    eventPlaceAndOrganizers(ctx, event),
    event.recurrenceRule ? ctx.db.select().from(occurrenceOverrides).where(eq(occurrenceOverrides.eventId, event.id)) : Promise.resolve([]),
  ]);
  const place = { venue, city: { name: city.name }, organizer: organizers[0] ?? null };
  const ics = renderCalendar({
    name: event.title,
    url: `${ctx.env.APP_ORIGIN}/events/${event.id}`,
    timeZone: event.timeZone,
    events: [toCalendarEvent(ctx, { event, ...place }, overrides)],
    now,
  });
  return { ics, etag: `W/"${event.id}.v${event.version}.ics"`, filename: `${fileSlug(event.title)}.ics` };
}

/**
 * A city's upcoming events as one subscribable calendar: single events still to come and
 * each running series ONCE (its RRULE carries the dates), without cancelled events or the
 * stale series listings hide. Soonest first, at most MAX_CITY_FEED_EVENTS.
 */
export async function cityCalendar(ctx: Ctx, citySlug: string, now: Date = new Date()): Promise<CalendarFeed & { cityName: string }> {
  const city = await findCityBySlug(ctx, citySlug);
  if (!city) throw new NotFound("There is no city with this slug.");
  const nowIso = now.toISOString();
  const staleBefore = new Date(now.getTime() - reconfirmWeeks(ctx.env as never) * 7 * 86_400_000).toISOString();
  const listedFrom = new Date(now.getTime() - MAX_EVENT_DAYS * 86_400_000).toISOString();
  const owner = alias(users, "owner");
  const select = {
    event: events,
    venue: { name: venues.name, address: venues.address, latitude: venues.latitude, longitude: venues.longitude },
    city: { name: cities.name },
    organizer: { handle: owner.handle, displayName: owner.displayName },
  };
  const base = () =>
    ctx.db
      .select(select)
      .from(events)
      .innerJoin(venues, eq(venues.id, events.venueId))
      .innerJoin(cities, eq(cities.id, events.cityId))
      .leftJoin(owner, eq(owner.id, events.organizerId));

  const [singles, series] = await Promise.all([
    // events_city_starts_idx: a range on starts_at bounded by the longest an event may last.
    base()
      .where(
        and(
          eq(events.cityId, city.id),
          gte(events.startsAt, listedFrom),
          gt(events.endsAt, nowIso),
          isNull(events.recurrenceRule),
          eq(events.status, "scheduled"),
        ),
      )
      .orderBy(asc(events.startsAt), asc(events.id))
      .limit(MAX_CITY_FEED_EVENTS),
    // A series started long ago; it is in the feed while a date of it is still to come. Driven by the
    // city's upcoming dates (occurrences_city_starts_idx), so the cost follows the listing, not the city's history.
    base()
      .where(
        and(
          sql`${events.id} IN (SELECT ${eventOccurrences.eventId} FROM ${eventOccurrences} WHERE ${eventOccurrences.cityId} = ${city.id} AND ${eventOccurrences.startsAt} >= ${listedFrom} AND ${eventOccurrences.endsAt} > ${nowIso} AND ${eventOccurrences.status} != 'cancelled')`,
          isNotNull(events.recurrenceRule),
          eq(events.status, "scheduled"),
          gte(events.confirmedAt, staleBefore),
        ),
      )
      .limit(MAX_CITY_FEED_EVENTS),
  ]);
  const rows = [...singles, ...series]
    .map((row): FeedRow => ({ ...row, organizer: row.organizer?.handle ? { handle: row.organizer.handle, displayName: row.organizer.displayName } : null }))
    .sort((a, b) => a.event.startsAt.localeCompare(b.event.startsAt) || a.event.id.localeCompare(b.event.id))
    .slice(0, MAX_CITY_FEED_EVENTS);

  const seriesIds = new Set(rows.filter((r) => r.event.recurrenceRule).map((r) => r.event.id));
  // D1 binds at most 100 parameters per statement: the series' ids go in chunks.
  const ids = [...seriesIds];
  const chunks = Array.from({ length: Math.ceil(ids.length / IDS_PER_QUERY) }, (_, i) => ids.slice(i * IDS_PER_QUERY, (i + 1) * IDS_PER_QUERY));
  const overrides = (await Promise.all(chunks.map((chunk) => ctx.db.select().from(occurrenceOverrides).where(inArray(occurrenceOverrides.eventId, chunk))))).flat();
  const byEvent = new Map<string, Override[]>();
  for (const o of overrides) byEvent.set(o.eventId, [...(byEvent.get(o.eventId) ?? []), o]);

  const stamp = rows.map((r) => `${r.event.id}.${r.event.version}`).join(",") + "|" + overrides.map((o) => `${o.eventId}.${o.occurrenceKey}.${o.updatedAt}`).join(",");
  const ics = renderCalendar({
    name: `Tango in ${city.name} — Mundo Tango`,
    description: `Milongas, prácticas, classes and festivals in ${city.name}, in local time.`,
    url: `${ctx.env.APP_ORIGIN}/cities/${city.slug}`,
    timeZone: city.timeZone,
    refreshIntervalMinutes: CITY_FEED_REFRESH_MINUTES,
    events: rows.map((row) => toCalendarEvent(ctx, row, byEvent.get(row.event.id) ?? [])),
    now,
  });
  return { ics, etag: `W/"city-${city.slug}-${await sha256Hex(stamp)}"`, cityName: city.name };
}

function toCalendarEvent(ctx: Ctx, { event, venue, city, organizer }: FeedRow, overrides: Override[]): CalendarEvent {
  const local = (instant: string) => instantToLocal(instant, event.timeZone);
  const recurrenceLocal = (key: string) => {
    const original = instantOfOccurrenceKey(key);
    return original ? local(original.toISOString()) : undefined;
  };
  const exdates = overrides.filter((o) => o.cancelled).flatMap((o) => recurrenceLocal(o.occurrenceKey) ?? []);
  const moved = overrides.flatMap((o) => {
    const original = recurrenceLocal(o.occurrenceKey);
    return !o.cancelled && o.startsAt && o.endsAt && original ? [{ recurrenceLocal: original, startLocal: local(o.startsAt), endLocal: local(o.endsAt) }] : [];
  });
  const description = markdownToPlainText(event.description, FEED_DESCRIPTION_CHARS);
  return {
    uid: `${event.id}@mundotango`,
    title: event.title,
    description: description || undefined,
    url: `${ctx.env.APP_ORIGIN}/events/${event.id}`,
    location: [venue.name, venue.address, city.name].filter(Boolean).join(", "),
    geo: venue.latitude !== null && venue.longitude !== null ? { lat: venue.latitude, lng: venue.longitude } : undefined,
    timeZone: event.timeZone,
    startLocal: local(event.startsAt),
    endLocal: local(event.endsAt),
    rrule: event.recurrenceRule ?? undefined,
    exdates: event.recurrenceRule ? exdates : undefined,
    overrides: event.recurrenceRule ? moved : undefined,
    status: event.status === "cancelled" ? "CANCELLED" : "CONFIRMED",
    sequence: event.version,
    lastModified: event.updatedAt ?? event.createdAt,
    organizer: organizer ? { name: organizer.displayName, url: `${ctx.env.APP_ORIGIN}/people/${organizer.handle}` } : undefined,
    categories: [EVENT_TYPE_LABELS[event.type]],
  };
}

/** "Milonga del Ángel!" → "milonga-del-angel": safe in a Content-Disposition filename. */
function fileSlug(title: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug || "event";
}

/** "Every Thursday" for each recurring event id given, for listing cards. Unknown or single events are left out. */
export async function recurrenceSummaries(ctx: Ctx, eventIds: string[]): Promise<Record<string, string>> {
  const unique = [...new Set(eventIds)].slice(0, 100);
  if (unique.length === 0) return {};
  const rows = await ctx.db
    .select({ id: events.id, rrule: events.recurrenceRule, timeZone: events.timeZone })
    .from(events)
    .where(sql`${events.id} IN (SELECT value FROM json_each(${JSON.stringify(unique)}))`);
  const summaries: Record<string, string> = {};
  for (const row of rows) {
    if (!row.rrule) continue;
    const parsed = parseRecurrenceRule(row.rrule, row.timeZone);
    if (parsed.ok) summaries[row.id] = describeRecurrence(parsed.rule, "en", row.timeZone);
  }
  return summaries;
}

export interface SitemapEvent {
  id: string;
  lastModified: string;
}

/**
 * Events a listing shows, for the sitemap: single events still to come, soonest first, then
 * running series. Read in keyset batches on (starts_at, id), never OFFSET.
 */
export async function listSitemapEvents(ctx: Ctx, now: Date = new Date(), max = MAX_SITEMAP_EVENTS): Promise<SitemapEvent[]> {
  const nowIso = now.toISOString();
  const staleBefore = new Date(now.getTime() - reconfirmWeeks(ctx.env as never) * 7 * 86_400_000).toISOString();
  const result: SitemapEvent[] = [];
  const select = { id: events.id, startsAt: events.startsAt, updatedAt: events.updatedAt, createdAt: events.createdAt };

  const seriesRows = await ctx.db
    .select(select)
    .from(events)
    .where(
      and(
        isNotNull(events.recurrenceRule),
        eq(events.status, "scheduled"),
        gte(events.confirmedAt, staleBefore),
        sql`EXISTS (SELECT 1 FROM ${eventOccurrences} WHERE ${eventOccurrences.eventId} = ${events.id} AND ${eventOccurrences.endsAt} > ${nowIso} AND ${eventOccurrences.status} != 'cancelled')`,
      ),
    )
    .limit(max);
  for (const row of seriesRows) result.push({ id: row.id, lastModified: row.updatedAt ?? row.createdAt });

  let after: { startsAt: string; id: string } | undefined;
  while (result.length < max) {
    const batch = await ctx.db
      .select(select)
      .from(events)
      .where(
        and(
          gte(events.startsAt, new Date(now.getTime() - MAX_EVENT_DAYS * 86_400_000).toISOString()),
          after ? sql`(${events.startsAt}, ${events.id}) > (${after.startsAt}, ${after.id})` : undefined,
          gt(events.endsAt, nowIso),
          isNull(events.recurrenceRule),
          eq(events.status, "scheduled"),
        ),
      )
      .orderBy(asc(events.startsAt), asc(events.id))
      .limit(Math.min(SITEMAP_BATCH, max - result.length));
    for (const row of batch) result.push({ id: row.id, lastModified: row.updatedAt ?? row.createdAt });
    const last = batch.at(-1);
    if (!last || batch.length < SITEMAP_BATCH) break;
    after = { startsAt: last.startsAt, id: last.id };
  }
  return result.slice(0, max);
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
