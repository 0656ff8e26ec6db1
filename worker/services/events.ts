import { and, asc, eq, gt, gte, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { cities, events, venues } from "../../db/schema";
import type { Ctx } from "../env";
import { Invalid } from "../errors";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import type { EventDto, EventPage, ListEventsQuery } from "../schemas/events";
import { findCityBySlug } from "./cities";

const eventCursor = z.object({ s: z.iso.datetime(), i: z.string().min(1).max(64) }).strict();

/**
 * No event lasts longer (festivals and marathons run a few days). It bounds how far back
 * "still running" must look, so the default listing stays an index range scan.
 */
export const MAX_EVENT_DAYS = 14;

/**
 * Upcoming events, soonest start first: by default those still running or yet to start
 * (a festival stays listed until it ends), or those starting in [from, to). Keyset-paginated
 * on (starts_at, id) so pages never skip or repeat a row while events are added. Served by
 * the events_*_starts_idx indexes (see tests/query-plans.test.ts).
 */
export async function listUpcomingEvents(ctx: Ctx, query: ListEventsQuery, now: Date = new Date()): Promise<EventPage> {
  const filters: SQL[] = [];

  if (query.city) {
    const city = await findCityBySlug(ctx, query.city);
    if (!city) throw Invalid.field("city", `There is no city with the slug "${query.city}".`);
    filters.push(eq(events.cityId, city.id));
  }
  if (query.type) filters.push(eq(events.type, query.type));
  if (query.from) {
    filters.push(gte(events.startsAt, new Date(query.from).toISOString()));
  } else {
    filters.push(gte(events.startsAt, new Date(now.getTime() - MAX_EVENT_DAYS * 86_400_000).toISOString()));
    filters.push(gt(events.endsAt, now.toISOString()));
  }
  if (query.to) filters.push(lt(events.startsAt, new Date(query.to).toISOString()));
  if (query.cursor !== undefined) {
    const after = decodeCursor(query.cursor, eventCursor);
    if (!after) throw Invalid.field("cursor", "cursor is not a cursor this API issued; start again without it.");
    filters.push(sql`(${events.startsAt}, ${events.id}) > (${after.s}, ${after.i})`);
  }

  const rows = await ctx.db
    .select({
      event: events,
      city: { slug: cities.slug, name: cities.name, country: cities.country },
      venue: { name: venues.name, address: venues.address },
    })
    .from(events)
    .innerJoin(cities, eq(cities.id, events.cityId))
    .innerJoin(venues, eq(venues.id, events.venueId))
    .where(and(...filters))
    .orderBy(asc(events.startsAt), asc(events.id))
    .limit(query.limit + 1);

  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map(({ event, city, venue }) => toEventDto(event, city, venue)),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ s: last.event.startsAt, i: last.event.id }) : null,
  };
}

function toEventDto(
  event: typeof events.$inferSelect,
  city: EventDto["city"],
  venue: EventDto["venue"],
): EventDto {
  return {
    id: event.id,
    title: event.title,
    type: event.type,
    description: event.description,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    timeZone: event.timeZone,
    price: event.priceMinor != null && event.currency ? { amountMinor: event.priceMinor, currency: event.currency } : null,
    city,
    venue,
  };
}
