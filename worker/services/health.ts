import type { Env } from "../env";
import { enqueue } from "../../queues/producer";
import { uuidv7 } from "../lib/ids";
import type { CheckName, HealthReport } from "../schemas/health";

const CHECK_TIMEOUT_MS = 3000;

const checks: Record<CheckName, (env: Env) => Promise<unknown>> = {
  d1: (env) => env.DB.prepare("SELECT 1 AS ok").first(),
  kv: (env) => env.CACHE.get("health:probe"),
  r2: (env) => env.MEDIA.head("health/probe"),
  queue: (env) => enqueue(env.JOBS, { type: "health.probe", idempotencyKey: uuidv7(), sentAt: new Date().toISOString() }),
  durableObject: async (env) => {
    const answer = await env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName("health")).ping();
    if (answer !== "pong") throw new Error("unexpected answer");
  },
};

const recent = new WeakMap<Env, { atMs: number; report: HealthReport }>();

/**
 * Every binding answered a real round trip, or the report names the ones that did not.
 * With `maxAgeMs`, a report that recent (from this isolate, for these bindings) is reused.
 */
export async function checkHealth(env: Env, { maxAgeMs = 0 }: { maxAgeMs?: number } = {}): Promise<HealthReport> {
  const cached = recent.get(env);
  if (cached && Date.now() - cached.atMs < maxAgeMs) return cached.report;
  const report = await runChecks(env);
  recent.set(env, { atMs: Date.now(), report });
  return report;
}

async function runChecks(env: Env): Promise<HealthReport> {
  const names = Object.keys(checks) as CheckName[];
  const results = await Promise.all(names.map((name) => withTimeout(checks[name](env))));
  const report = Object.fromEntries(names.map((name, i) => [name, results[i] ? "ok" : "failed"])) as HealthReport["checks"];
  return { status: results.every(Boolean) ? "ok" : "degraded", checks: report };
}

async function withTimeout(probe: Promise<unknown>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([probe.then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
