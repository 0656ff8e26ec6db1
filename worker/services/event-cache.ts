import type { Ctx } from "../env";
import { log } from "../lib/log";

/**
 * City listings are cached in KV under a per-city generation number. A write to any event
 * in the city bumps the generation, so every cached page of that city is skipped at once
 * (and expires on its own); KV stays a cache, never the source of truth.
 */
const LISTING_TTL_SECONDS = 60;
const generationKey = (cityId: string) => `events:city-gen:${cityId}`;

async function cityGeneration(ctx: Ctx, cityId: string): Promise<string> {
  return (await ctx.env.CACHE.get(generationKey(cityId))) ?? "0";
}

export async function invalidateCityListings(ctx: Ctx, cityId: string): Promise<void> {
  await ctx.env.CACHE.put(generationKey(cityId), crypto.randomUUID());
}

/** The cached value for this city and query, or what `load` returns (then cached). */
export async function cachedCityListing<T>(ctx: Ctx, cityId: string, queryKey: string, load: () => Promise<T>): Promise<T> {
  const key = `events:city:${cityId}:${await cityGeneration(ctx, cityId)}:${await sha256Hex(queryKey)}`;
  const hit = await ctx.env.CACHE.get<T>(key, "json").catch(() => null);
  if (hit !== null) return hit;
  const value = await load();
  try {
    await ctx.env.CACHE.put(key, JSON.stringify(value), { expirationTtl: LISTING_TTL_SECONDS });
  } catch (error) {
    log("warn", "events.cache-write-failed", { message: error instanceof Error ? error.message : String(error) });
  }
  return value;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
