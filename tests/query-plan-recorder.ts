import { env } from "cloudflare:test";
import { createDb } from "../db/client";
import type { Ctx } from "../worker/env";

export interface Recorded {
  sql: string;
  params: unknown[];
}

/** A D1 that remembers every statement a service runs, with its bound values. */
export function recordingD1(d1: D1Database, recorded: Recorded[]): D1Database {
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

/** Every statement `run` sends to D1 (as `user`, a visitor by default), with the plan SQLite picks for it. */
export async function recordPlans(run: (ctx: Ctx) => Promise<unknown>, user: Ctx["user"] = null): Promise<{ sql: string; plan: string[] }[]> {
  const recorded: Recorded[] = [];
  await run({ db: createDb(recordingD1(env.DB, recorded)), env, requestId: "test", user });
  return Promise.all(
    recorded.map(async ({ sql, params }) => {
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...params)
        .all<{ detail: string }>();
      return { sql, plan: results.map((r) => r.detail) };
    }),
  );
}
