import { and, eq } from "drizzle-orm";
import { cities, venues, type City, type Venue } from "../../db/schema";
import type { Ctx } from "../env";
import { Invalid } from "../errors";
import { uuidv7 } from "../lib/ids";
import type { z } from "zod";
import type { venueInput } from "../schemas/events";
import { findCityBySlug } from "./cities";

export type VenueInput = z.infer<typeof venueInput>;

/**
 * An existing venue by id, or the venue with that name in that city (venues are reusable:
 * a second event at "Salón Canning" finds the first one's row), or a new one.
 */
export async function resolveVenue(ctx: Ctx, input: VenueInput): Promise<{ venue: Venue; city: City }> {
  if ("id" in input) {
    const row = await ctx.db.select({ venue: venues, city: cities }).from(venues).innerJoin(cities, eq(cities.id, venues.cityId)).where(eq(venues.id, input.id)).get();
    if (!row) throw Invalid.field("venue.id", "There is no venue with this id.");
    return row;
  }
  const city = await findCityBySlug(ctx, input.city);
  if (!city) throw Invalid.field("venue.city", `There is no city with the slug "${input.city}".`);
  const existing = await ctx.db.select().from(venues).where(and(eq(venues.cityId, city.id), eq(venues.name, input.name))).get();
  if (existing) return { venue: existing, city };
  const venue: Venue = { id: uuidv7(), cityId: city.id, name: input.name, address: input.address, latitude: input.lat ?? null, longitude: input.lng ?? null };
  await ctx.db.insert(venues).values(venue);
  return { venue, city };
}

export async function listVenues(ctx: Ctx, citySlug: string): Promise<Venue[]> {
  const city = await findCityBySlug(ctx, citySlug);
  if (!city) throw Invalid.field("city", `There is no city with the slug "${citySlug}".`);
  return ctx.db.select().from(venues).where(eq(venues.cityId, city.id)).orderBy(venues.name).limit(200);
}
