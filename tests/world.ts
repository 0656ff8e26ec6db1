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
