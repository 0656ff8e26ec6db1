/**
 * First-run setup for `npm run dev`: writes .dev.vars with fresh secrets, applies D1
 * migrations locally and seeds the demo world when the database is empty. Safe to rerun:
 * existing secrets and data are kept.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { seedLocalDatabase } from "./seed.ts";
import { persistArgs, wrangler } from "./wrangler.ts";

export function ensureDevVars(examplePath = ".dev.vars.example", targetPath = ".dev.vars"): string[] {
  const existing = existsSync(targetPath) ? readFileSync(targetPath, "utf8") : "";
  const present = new Set(existing.split("\n").map((line) => line.split("=")[0]?.trim()));
  const added: string[] = [];
  const lines = readFileSync(examplePath, "utf8")
    .split("\n")
    .filter((line) => /^[A-Z0-9_]+=/.test(line))
    .filter((line) => !present.has(line.split("=")[0]!))
    .map((line) => {
      const [name] = line.split("=");
      added.push(name!);
      return line.includes("<generate>") ? `${name}=${randomBytes(48).toString("base64url")}` : line;
    });
  if (lines.length > 0) {
    const prefix = existing && !existing.endsWith("\n") ? "\n" : "";
    writeFileSync(targetPath, existing + prefix + lines.join("\n") + "\n", { mode: 0o600 });
  }
  return added;
}

export function migrateAndSeed(persistTo?: string): void {
  wrangler(["d1", "migrations", "apply", "DB", "--local", ...persistArgs(persistTo)]);
  const out = wrangler(["d1", "execute", "DB", "--local", "--json", "--command", "SELECT count(*) AS n FROM cities", ...persistArgs(persistTo)]);
  const count = (JSON.parse(out) as { results: { n: number }[] }[])[0]?.results[0]?.n ?? 0;
  if (count === 0) {
    seedLocalDatabase({ scale: 1, persistTo });
    return;
  }
  console.log(`Local database already has ${count} cities; keeping its data (npm run db:seed resets it).`);
  warnIfDemoEventsRunOut(persistTo);
}

/** The demo world covers 90 days from the day it was seeded; say so before it runs dry. */
function warnIfDemoEventsRunOut(persistTo?: string): void {
  const out = wrangler(["d1", "execute", "DB", "--local", "--json", "--command", "SELECT max(starts_at) AS last FROM events", ...persistArgs(persistTo)]);
  const last = (JSON.parse(out) as { results: { last: string | null }[] }[])[0]?.results[0]?.last;
  const daysLeft = last ? (Date.parse(last) - Date.now()) / 86_400_000 : 0;
  if (daysLeft < 30) {
    console.warn(`The local demo events ${last ? `end on ${last.slice(0, 10)}` : "are gone"}: run \`npm run db:seed\` for a fresh 90 days (it replaces local data).`);
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { "persist-to": { type: "string" } } });
  const added = ensureDevVars();
  if (added.length > 0) console.log(`Wrote .dev.vars with ${added.join(", ")}.`);
  migrateAndSeed(values["persist-to"]);
}
