import { asc, eq } from "drizzle-orm";
import { cities, type City } from "../../db/schema";
import type { Ctx } from "../env";
import type { CityDto } from "../schemas/cities";

export async function listCities(ctx: Ctx): Promise<CityDto[]> {
  const rows = await ctx.db.select().from(cities).orderBy(asc(cities.name));
  return rows.map(toCityDto);
}

export async function findCityBySlug(ctx: Ctx, slug: string): Promise<City | undefined> {
  return ctx.db.select().from(cities).where(eq(cities.slug, slug)).get();
}

/**
 * The city a page opens on: the one the visitor chose, else Cloudflare's geolocation,
 * else the configured default (offline there is no geolocation); undefined only when
 * there are no cities at all.
 */
export async function resolveVisitorCity(
  ctx: Ctx,
  { chosenSlug, cfCityName }: { chosenSlug?: string | null; cfCityName?: string },
): Promise<City | undefined> {
  if (chosenSlug) {
    const chosen = await findCityBySlug(ctx, chosenSlug);
    if (chosen) return chosen;
  }
  if (cfCityName) {
    const match = await ctx.db.select().from(cities).where(eq(cities.name, cfCityName)).get();
    if (match) return match;
  }
  return (await findCityBySlug(ctx, ctx.env.DEFAULT_CITY)) ?? (await ctx.db.select().from(cities).orderBy(asc(cities.name)).get());
}

export function toCityDto(city: City): CityDto {
  return {
    slug: city.slug,
    name: city.name,
    country: city.country,
    countryCode: city.countryCode,
    continent: city.continent,
    timeZone: city.timeZone,
  };
}
