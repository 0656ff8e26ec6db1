import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../db/client";
import type { Ctx } from "../worker/env";
import { encodeCursor } from "../worker/lib/cursor";
import { listEventsQuery } from "../worker/schemas/events";
import { listCities, resolveVisitorCity } from "../worker/services/cities";
import { listUpcomingEvents } from "../worker/services/events";
import { seedWorld } from "./world";

/** Tables that grow with the community; a full scan of one of them is a bug. */
const LARGE_TABLES = ["events", "event_occurrences", "users", "venues", "rsvps", "tickets", "orders"];

interface Recorded {
  sql: string;
  params: unknown[];
}

/** A D1 that remembers every statement a service runs, with its bound values. */
function recordingD1(d1: D1Database, recorded: Recorded[]): D1Database {
  return new Proxy(d1, {
    get(target, prop) {
      if (prop !== "prepare") return Reflect.get(target, prop).bind(target);
      return (sql: string) => {
        const statement = target.prepare(sql);
        const entry: Recorded = { sql, params: [] };
        recorded.push(entry);
        return new Proxy(statement, {
          get(stmt, key) {
            if (key === "bind") return (...params: unknown[]) => ((entry.params = params), stmt.bind(...params));
            return Reflect.get(stmt, key).bind(stmt);
          },
        });
      };
    },
  });
}

async function plansFor(run: (ctx: Ctx) => Promise<unknown>): Promise<{ sql: string; plan: string[] }[]> {
  const recorded: Recorded[] = [];
  const ctx: Ctx = { db: createDb(recordingD1(env.DB, recorded)), env, requestId: "test", user: null };
  await run(ctx);
  expect(recorded.length).toBeGreaterThan(0);
  return Promise.all(
    recorded.map(async ({ sql, params }) => {
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...params)
        .all<{ detail: string }>();
      return { sql, plan: results.map((r) => r.detail) };
    }),
  );
}

/** Steps that read a whole large table, or sort a list the index should have ordered. */
function fullScans(plan: string[]): string[] {
  return plan.filter(
    (step) =>
      LARGE_TABLES.some((table) => new RegExp(`^SCAN ${table}\\b`).test(step) && !/USING (COVERING )?INDEX/.test(step)) ||
      /USE TEMP B-TREE FOR (ORDER BY|RIGHT PART OF ORDER BY)/.test(step),
  );
}

beforeAll(async () => {
  await seedWorld();
  await env.DB.exec("ANALYZE");
});

const cursor = encodeCursor({ s: new Date().toISOString(), i: "0", k: "0" });
const listings: Record<string, Record<string, string>> = {
  "all upcoming events": {},
  "events in a city": { city: "berlin" },
  "events of a type": { type: "festival" },
  "events in a city of a type": { city: "berlin", type: "milonga" },
  "events in a window": { from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z" },
  "the next page of a city": { city: "berlin", cursor },
  "the next page of everything": { cursor },
  "words in a city": { city: "berlin", q: "milonga" },
  "near a point": { near: "52.52,13.405", radiusKm: "30" },
  "near a point, of a type": { near: "-34.6037,-58.3816", type: "milonga" },
};

describe("every list query is served by an index", () => {
  for (const [name, query] of Object.entries(listings)) {
    it(name, async () => {
      const plans = await plansFor((ctx) => listUpcomingEvents(ctx, listEventsQuery.parse(query)));
      for (const { sql, plan } of plans) expect(fullScans(plan), `${sql}\n${plan.join("\n")}`).toEqual([]);
    });
  }

  it("the city list and the visitor's city (a small table, read whole on purpose)", async () => {
    const plans = await plansFor(async (ctx) => {
      await listCities(ctx);
      await resolveVisitorCity(ctx, { chosenSlug: "paris", visitor: { cityName: "Paris", countryCode: "FR" } });
    });
    for (const { sql, plan } of plans) expect(fullScans(plan), `${sql}\n${plan.join("\n")}`).toEqual([]);
  });

  it("flags a full scan when one happens (the check itself works)", async () => {
    const { results } = await env.DB.prepare("EXPLAIN QUERY PLAN SELECT * FROM events WHERE description LIKE '%tango%'").all<{ detail: string }>();
    expect(fullScans(results.map((r) => r.detail))).not.toEqual([]);
  });

  it("flags a sort the index does not serve (the check itself works)", async () => {
    const { results } = await env.DB.prepare("EXPLAIN QUERY PLAN SELECT * FROM events WHERE city_id = 'x' ORDER BY title").all<{ detail: string }>();
    expect(fullScans(results.map((r) => r.detail))).not.toEqual([]);
  });
});
