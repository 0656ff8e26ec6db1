import { and, asc, eq, gt, gte, inArray, lt, ne, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { cities, eventOccurrences, eventOrganizers, events, users, venues, type Event } from "../../db/schema";
import type { Ctx } from "../env";
import { Invalid, NotFound } from "../errors";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import { distanceKm } from "../lib/geo";
import { instantToLocal } from "../lib/local-time";
import { renderMarkdown } from "../lib/markdown";
import { describeRecurrence, parseRecurrenceRule } from "../lib/recurrence";
import { likeContains } from "../lib/search-text";
import type { EventDetail, EventDto, EventPage, LineupEntry, ListEventsQuery } from "../schemas/events";
import { cachedCityListing } from "./event-cache";
import { loadEvent } from "./event-access";
import { MAX_EVENT_DAYS } from "./event-schedule";
import { findCityBySlug } from "./cities";

export { MAX_EVENT_DAYS };

const occurrenceCursor = z.object({ s: z.iso.datetime(), i: z.string().min(1).max(64), k: z.string().max(16) }).strict();

/** Weeks a recurring series stays listed without its organizer confirming it still runs. */
export function reconfirmWeeks(env: { SERIES_RECONFIRM_WEEKS?: string }): number {
  const weeks = Number(env.SERIES_RECONFIRM_WEEKS ?? 8);
  return Number.isInteger(weeks) && weeks >= 1 && weeks <= 104 ? weeks : 8;
}

export const DEFAULT_RADIUS_KM = 25;

/**
 * Upcoming occurrences, soonest start first: by default those still running or yet to
 * start (a festival stays listed until it ends), or those starting in [from, to). Each
 * date of a recurring series is its own row. Keyset-paginated on (starts_at, event_id,
 * occurrence_key) so pages never skip or repeat while events are added. Served by the
 * occurrences_*_starts_idx indexes (see tests/query-plans.test.ts). Anonymous city
 * listings are cached in KV and invalidated when an event in the city changes.
 */
export async function listUpcomingEvents(ctx: Ctx, query: ListEventsQuery, now: Date = new Date()): Promise<EventPage> {
  if (query.city) {
    const city = await findCityBySlug(ctx, query.city);
    if (!city) throw Invalid.field("city", `There is no city with the slug "${query.city}".`);
    if (!query.from && !query.q && !query.near) {
      // Cached for a minute: "still running" moves with the clock, so the key carries the minute.
      const key = JSON.stringify({ ...query, minute: Math.floor(now.getTime() / 60_000) });
      return cachedCityListing(ctx, city.id, key, () => queryOccurrences(ctx, query, [city.id], now));
    }
    return queryOccurrences(ctx, query, [city.id], now);
  }
  return queryOccurrences(ctx, query, undefined, now);
}

async function queryOccurrences(ctx: Ctx, query: ListEventsQuery, cityIds: string[] | undefined, now: Date): Promise<EventPage> {
  const filters: SQL[] = [ne(eventOccurrences.status, "cancelled"), eq(events.status, "scheduled")];
  const staleBefore = new Date(now.getTime() - reconfirmWeeks(ctx.env as never) * 7 * 86_400_000).toISOString();
  filters.push(or(sql`${events.recurrenceRule} IS NULL`, gte(events.confirmedAt, staleBefore))!);

  let nearIds = cityIds;
  if (query.near) {
    const radiusKm = query.radiusKm ?? DEFAULT_RADIUS_KM;
    const all = await ctx.db.select({ id: cities.id, latitude: cities.latitude, longitude: cities.longitude }).from(cities);
    // A metropolis spreads ~50 km around its centre: consider every city whose centre could be that close.
    const candidates = all.filter((c) => distanceKm(query.near!, c) <= radiusKm + 50).map((c) => c.id);
    nearIds = cityIds ? cityIds.filter((id) => candidates.includes(id)) : candidates;
    if (nearIds.length === 0) return { data: [], nextCursor: null };
    // Equirectangular distance: exact enough below 500 km, and needs only arithmetic in SQL.
    const kmPerDegree = 111.32;
    const cosLat = Math.cos((query.near.latitude * Math.PI) / 180);
    filters.push(
      sql`${venues.latitude} IS NOT NULL AND ((${venues.latitude} - ${query.near.latitude}) * ${kmPerDegree}) * ((${venues.latitude} - ${query.near.latitude}) * ${kmPerDegree}) + ((${venues.longitude} - ${query.near.longitude}) * ${kmPerDegree * cosLat}) * ((${venues.longitude} - ${query.near.longitude}) * ${kmPerDegree * cosLat}) <= ${radiusKm * radiusKm}`,
    );
  }
  if (nearIds) filters.push(nearIds.length === 1 ? eq(eventOccurrences.cityId, nearIds[0]!) : inArray(eventOccurrences.cityId, nearIds));
  if (query.type) filters.push(eq(eventOccurrences.type, query.type));
  if (query.q) filters.push(sql`${events.searchText} LIKE ${likeContains(query.q)} ESCAPE '\\'`);
  if (query.from) {
    filters.push(gte(eventOccurrences.startsAt, new Date(query.from).toISOString()));
  } else {
    filters.push(gte(eventOccurrences.startsAt, new Date(now.getTime() - MAX_EVENT_DAYS * 86_400_000).toISOString()));
    filters.push(gt(eventOccurrences.endsAt, now.toISOString()));
  }
  if (query.to) filters.push(lt(eventOccurrences.startsAt, new Date(query.to).toISOString()));
  if (query.cursor !== undefined) {
    const after = decodeCursor(query.cursor, occurrenceCursor);
    if (!after) throw Invalid.field("cursor", "cursor is not a cursor this API issued; start again without it.");
    filters.push(sql`(${eventOccurrences.startsAt}, ${eventOccurrences.eventId}, ${eventOccurrences.occurrenceKey}) > (${after.s}, ${after.i}, ${after.k})`);
  }

  const rows = await ctx.db
    .select({
      occurrence: eventOccurrences,
      event: {
        title: events.title,
        type: events.type,
        description: events.description,
        timeZone: events.timeZone,
        recurrenceRule: events.recurrenceRule,
        priceMinor: events.priceMinor,
        currency: events.currency,
      },
      city: { slug: cities.slug, name: cities.name, country: cities.country },
      venue: { name: venues.name, address: venues.address },
    })
    .from(eventOccurrences)
    .innerJoin(events, eq(events.id, eventOccurrences.eventId))
    .innerJoin(cities, eq(cities.id, events.cityId))
    .innerJoin(venues, eq(venues.id, events.venueId))
    .where(and(...filters))
    .orderBy(asc(eventOccurrences.startsAt), asc(eventOccurrences.eventId), asc(eventOccurrences.occurrenceKey))
    .limit(query.limit + 1);

  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map(({ occurrence, event, city, venue }): EventDto => ({
      id: occurrence.eventId,
      eventId: occurrence.eventId,
      occurrenceKey: occurrence.occurrenceKey,
      title: event.title,
      type: event.type,
      description: event.description,
      startsAt: occurrence.startsAt,
      endsAt: occurrence.endsAt,
      startLocal: instantToLocal(occurrence.startsAt, event.timeZone),
      endLocal: instantToLocal(occurrence.endsAt, event.timeZone),
      timeZone: event.timeZone,
      recurring: event.recurrenceRule !== null,
      moved: occurrence.status === "moved",
      price: event.priceMinor != null && event.currency ? { amountMinor: event.priceMinor, currency: event.currency } : null,
      city,
      venue,
    })),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ s: last.occurrence.startsAt, i: last.occurrence.eventId, k: last.occurrence.occurrenceKey })
        : null,
  };
}

/** One event as its page and the API show it; cancelled events stay readable. */
export async function getEventDetail(ctx: Ctx, eventId: string): Promise<EventDetail> {
  return toEventDetail(ctx, await loadEvent(ctx, eventId));
}

/** Where an event happens and who organizes it (owner first), for its page and its calendar file. */
export async function eventPlaceAndOrganizers(ctx: Ctx, event: Event) {
  const [place, organizers] = await Promise.all([
    ctx.db
      .select({ city: { slug: cities.slug, name: cities.name, country: cities.country }, venue: venues })
      .from(venues)
      .innerJoin(cities, eq(cities.id, venues.cityId))
      .where(eq(venues.id, event.venueId))
      .get(),
    ctx.db
      .select({ handle: users.handle, displayName: users.displayName })
      .from(eventOrganizers)
      .innerJoin(users, eq(users.id, eventOrganizers.userId))
      .where(eq(eventOrganizers.eventId, event.id))
      .orderBy(asc(eventOrganizers.addedAt), asc(users.handle)),
  ]);
  if (!place) throw new NotFound("There is no event with this id.");
  return { ...place, organizers };
}

export async function toEventDetail(ctx: Ctx, event: Event): Promise<EventDetail> {
  const place = await eventPlaceAndOrganizers(ctx, event);
  const organizers = place.organizers;
  const rule = event.recurrenceRule ? parseRecurrenceRule(event.recurrenceRule, event.timeZone) : undefined;
  const weeks = reconfirmWeeks(ctx.env as never);
  return {
    id: event.id,
    title: event.title,
    type: event.type,
    status: event.status,
    description: event.description,
    descriptionHtml: renderMarkdown(event.description),
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    startLocal: instantToLocal(event.startsAt, event.timeZone),
    endLocal: instantToLocal(event.endsAt, event.timeZone),
    timeZone: event.timeZone,
    recurrence:
      event.recurrenceRule && rule?.ok
        ? {
            rrule: event.recurrenceRule,
            summary: describeRecurrence(rule.rule, "en", event.timeZone),
            reconfirmBy: new Date(Date.parse(event.confirmedAt ?? event.createdAt) + weeks * 7 * 86_400_000).toISOString(),
          }
        : null,
    city: place.city,
    venue: { id: place.venue.id, name: place.venue.name, address: place.venue.address, lat: place.venue.latitude, lng: place.venue.longitude },
    lineup: JSON.parse(event.lineup) as LineupEntry[],
    capacity: event.capacity,
    roleBalance: event.roleBalanceTolerance === null ? null : { tolerance: event.roleBalanceTolerance },
    price: event.priceMinor != null && event.currency ? { amountMinor: event.priceMinor, currency: event.currency } : null,
    priceNote: event.priceNote,
    coverUrl: event.coverKey ? `/events/${event.id}/cover?v=${event.version}` : null,
    organizers,
    version: event.version,
    createdAt: event.createdAt,
    updatedAt: event.updatedAt,
  };
}

/** A weak validator for GET /events/:id: every change to the event bumps its version. */
export function eventEtag(event: Pick<Event, "id" | "version">): string {
  return `W/"${event.id}.v${event.version}"`;
}
