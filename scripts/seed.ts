/**
 * npm run db:seed [-- --scale N] [--persist-to DIR]
 * Replaces the local D1 contents with the deterministic demo world (scale 1: 26 cities,
 * 240 members, 480 events over the next 90 days; scale N multiplies members and events).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { generateWorld } from "../db/seed/world.ts";
import { worldToSql } from "../db/seed/sql.ts";
import { persistArgs, wrangler } from "./wrangler.ts";

export function seedLocalDatabase({ scale, persistTo }: { scale: number; persistTo?: string }): { members: number; events: number } {
  const today = new Date(new Date().toISOString().slice(0, 10) + "T00:00:00Z");
  const started = Date.now();
  const world = generateWorld({ scale, today });
  mkdirSync(".seed", { recursive: true });
  const file = `.seed/seed-${scale}.sql`;
  writeFileSync(file, worldToSql(world).join("\n"));
  wrangler(["d1", "execute", "DB", "--local", "--file", file, ...persistArgs(persistTo)]);
  console.log(
    `Seeded ${world.cities.length} cities, ${world.venues.length} venues, ${world.users.length} members, ${world.events.length} events, ${world.follows.length} follows, ${world.groups.length} interest groups and ${world.posts.length} posts in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
  );
  return { members: world.users.length, events: world.events.length };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { scale: { type: "string", default: "1" }, "persist-to": { type: "string" } } });
  const scale = Number(values.scale);
  if (!Number.isInteger(scale) || scale < 1 || scale > 2000) {
    console.error("--scale must be a whole number from 1 to 2000 (1 = demo world, 420 ≈ 100k members).");
    process.exit(2);
  }
  seedLocalDatabase({ scale, persistTo: values["persist-to"] });
}
