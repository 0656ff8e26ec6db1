import { env } from "cloudflare:test";
import { worldToSql } from "../db/seed/sql";
import { generateWorld, type World } from "../db/seed/world";

/** Midnight UTC today: the seeded events lie in the 90 days after it. */
export function today(): Date {
  return new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z");
}

let seeded: World | undefined;

/** Loads the demo world (scale 1) into this test file's D1, once per file. */
export async function seedWorld(): Promise<World> {
  if (seeded) return seeded;
  const world = generateWorld({ scale: 1, today: today() });
  await env.DB.batch(worldToSql(world).map((statement) => env.DB.prepare(statement)));
  seeded = world;
  return world;
}

/** Adds one event in a seeded city, as an organizer would, and returns its id. */
export async function insertEvent({
  citySlug,
  title = "Test milonga",
  startsAt,
  endsAt = startsAt,
}: {
  citySlug: string;
  title?: string;
  startsAt: string;
  endsAt?: string;
}): Promise<string> {
  const venue = await env.DB.prepare(
    "SELECT venues.id AS venueId, cities.id AS cityId, cities.time_zone AS timeZone FROM venues JOIN cities ON cities.id = venues.city_id WHERE cities.slug = ? LIMIT 1",
  )
    .bind(citySlug)
    .first<{ venueId: string; cityId: string; timeZone: string }>();
  if (!venue) throw new Error(`No seeded venue in ${citySlug}`);
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO events (id, title, search_text, type, city_id, venue_id, starts_at, ends_at, time_zone, created_at, confirmed_at) VALUES (?, ?, lower(?), 'milonga', ?, ?, ?, ?, ?, ?, ?)",
    ).bind(id, title, title, venue.cityId, venue.venueId, startsAt, endsAt, venue.timeZone, now, now),
    env.DB.prepare(
      "INSERT INTO event_occurrences (event_id, occurrence_key, city_id, type, starts_at, ends_at) VALUES (?, strftime('%Y%m%dT%H%M%SZ', ?), ?, 'milonga', ?, ?)",
    ).bind(id, startsAt, venue.cityId, startsAt, endsAt),
  ]);
  return id;
}
