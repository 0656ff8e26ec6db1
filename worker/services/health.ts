import type { Env } from "../env";
import { enqueue } from "../../queues/producer";
import { uuidv7 } from "../lib/ids";

export type CheckName = "d1" | "kv" | "r2" | "queue" | "durableObject";
export type CheckResult = "ok" | "failed";
export interface HealthReport {
  status: "ok" | "degraded";
  checks: Record<CheckName, CheckResult>;
}

const CHECK_TIMEOUT_MS = 3000;

const checks: Record<CheckName, (env: Env) => Promise<unknown>> = {
  d1: (env) => env.DB.prepare("SELECT 1 AS ok").first(),
  kv: (env) => env.CACHE.get("health:probe"),
  r2: (env) => env.MEDIA.head("health/probe"),
  queue: (env) => enqueue(env.JOBS, { type: "health.probe", idempotencyKey: uuidv7(), sentAt: new Date().toISOString() }),
  durableObject: async (env) => {
    const limiter = env.RATE_LIMITER as DurableObjectNamespace<import("../../durable-objects/rate-limiter").RateLimiter>;
    const answer = await limiter.get(limiter.idFromName("health")).ping();
    if (answer !== "pong") throw new Error("unexpected answer");
  },
};

/** Every binding answered a real round trip, or the report names the ones that did not. */
export async function checkHealth(env: Env): Promise<HealthReport> {
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
