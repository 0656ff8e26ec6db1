import { asc, eq } from "drizzle-orm";
import { cities, type City } from "../../db/schema";
import type { Ctx } from "../env";
import { nearest } from "../lib/geo";
import type { CityDto } from "../schemas/cities";

export async function listCities(ctx: Ctx): Promise<CityDto[]> {
  const rows = await ctx.db.select().from(cities).orderBy(asc(cities.name));
  return rows.map(toCityDto);
}

export async function findCityBySlug(ctx: Ctx, slug: string): Promise<City | undefined> {
  return ctx.db.select().from(cities).where(eq(cities.slug, slug)).get();
}

/** Where Cloudflare places a visitor (`request.cf`); every field may be missing. */
export interface VisitorLocation {
  cityName?: string;
  countryCode?: string;
  latitude?: number;
  longitude?: number;
}

/** A dancer in a suburb still belongs to the city's scene. */
const NEARBY_KM = 150;

export function visitorLocation(cf: unknown): VisitorLocation {
  const fields = (cf ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === "string" && value.length > 0 && value.length < 100 ? value : undefined);
  const coordinate = (value: unknown, limit: number) => {
    const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
    return Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
  };
  return {
    cityName: text(fields.city),
    countryCode: text(fields.country),
    latitude: coordinate(fields.latitude, 90),
    longitude: coordinate(fields.longitude, 180),
  };
}

/**
 * The city a page opens on: the one the visitor chose; else the nearest city to where
 * Cloudflare places them; else one with their city's name in their country; else the
 * configured default (offline there is no geolocation). Undefined only when there are no
 * cities at all.
 */
export async function resolveVisitorCity(
  ctx: Ctx,
  { chosenSlug, visitor = {} }: { chosenSlug?: string | null; visitor?: VisitorLocation },
): Promise<City | undefined> {
  if (chosenSlug) {
    const chosen = await findCityBySlug(ctx, chosenSlug);
    if (chosen) return chosen;
  }
  const all = await ctx.db.select().from(cities).orderBy(asc(cities.name));
  const { latitude, longitude } = visitor;
  const near = latitude !== undefined && longitude !== undefined ? nearest({ latitude, longitude }, all, NEARBY_KM) : undefined;
  const named = visitor.cityName
    ? all.find((c) => sameName(c.name, visitor.cityName!) && (!visitor.countryCode || c.countryCode === visitor.countryCode))
    : undefined;
  return near ?? named ?? all.find((c) => c.slug === ctx.env.DEFAULT_CITY) ?? all[0];
}

function sameName(a: string, b: string): boolean {
  return a.localeCompare(b, "en", { sensitivity: "base" }) === 0;
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
