/**
 * The parts of `npm run bench` that are not the run itself: the bench database, one load
 * test of one route, and the ratio report. See scripts/bench.ts for usage.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { join } from "node:path";
import { FEED_BENCH_MEMBER_INDEX, generateWorld } from "../db/seed/world.ts";
import { hashPassword } from "../worker/lib/password.ts";
import { seedLocalDatabase } from "./seed.ts";
import { wrangler } from "./wrangler.ts";

// autocannon ships no types; this is the slice of its programmatic API the bench uses.
interface AutocannonOptions {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  duration: number;
  warmup?: { connections: number; duration: number };
}
interface AutocannonResult {
  duration: number;
  requests: { total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
interface AutocannonRun extends PromiseLike<AutocannonResult> {
  on(event: "response", listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
const autocannon = createRequire(import.meta.url)("autocannon") as (options: AutocannonOptions) => AutocannonRun;

// ------------------------------------------------------------------ bench database

interface ScaleMarker {
  scale: number;
  seededOn: string;
}

/** Seeds loaded more than this long ago are redone: the world's events are "the next 90 days". */
const MAX_SEED_AGE_DAYS = 7;

/**
 * Applies migrations to the bench's own state directory and seeds it at `scale`, unless a
 * marker says it already holds that scale from the last few days (reruns then take seconds).
 */
export function prepareBenchDatabase(stateDir: string, scale: number, { reseed = false } = {}): void {
  wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir]);
  const markerPath = join(stateDir, "scale.json");
  const marker = existsSync(markerPath) ? (JSON.parse(readFileSync(markerPath, "utf8")) as ScaleMarker) : undefined;
  const ageDays = marker ? (Date.now() - Date.parse(marker.seededOn)) / 86_400_000 : Infinity;
  if (!reseed && marker?.scale === scale && ageDays <= MAX_SEED_AGE_DAYS) {
    console.log(`Bench database already holds scale ${scale} (seeded ${marker.seededOn}); --reseed redoes it.`);
    return;
  }
  console.log(`Seeding the bench database at scale ${scale}…`);
  rmSync(markerPath, { force: true }); // a half-finished seed must not look finished
  seedLocalDatabase({ scale, persistTo: stateDir });
  writeFileSync(markerPath, JSON.stringify({ scale, seededOn: new Date().toISOString() } satisfies ScaleMarker) + "\n");
}

export interface Dataset {
  members: number;
  events: number;
  posts: number;
  follows: number;
}

export function countDataset(stateDir: string): Dataset {
  const sql =
    "SELECT (SELECT count(*) FROM users) AS members, (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM follows) AS follows";
  const out = wrangler(["d1", "execute", "DB", "--local", "--persist-to", stateDir, "--json", "--command", sql]);
  const row = (JSON.parse(out) as { results: Dataset[] }[])[0]?.results[0];
  if (!row) throw new Error(`Unexpected answer counting the bench dataset:\n${out}`);
  return row;
}

/** The seeded reader of the feed routes: the world's member who follows FEED_BENCH_FOLLOWEES others. */
export const BENCH_PASSWORD = "bench-milonga-under-the-stars-42";

/**
 * Gives the seeded bench member a known password and a confirmed email, straight in the bench
 * database (seeded accounts have no password). Its handle is the same at every scale: the
 * world draws members before anything that depends on the scale.
 */
export async function prepareBenchMember(stateDir: string): Promise<{ email: string; handle: string }> {
  const member = generateWorld({ scale: 1, today: new Date() }).users[FEED_BENCH_MEMBER_INDEX]!;
  const hash = await hashPassword(BENCH_PASSWORD);
  const sql = `UPDATE users SET password_hash = '${hash}', email_verified_at = coalesce(email_verified_at, '${new Date().toISOString()}') WHERE handle = '${member.handle}'`;
  wrangler(["d1", "execute", "DB", "--local", "--persist-to", stateDir, "--command", sql]);
  return { email: member.email, handle: member.handle };
}

/** Signs the bench member in through the API: the access token lasts 15 minutes, longer than a run. */
export async function signInBenchMember(baseUrl: string, email: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`The bench member could not sign in: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** `preferred` when nothing listens there, otherwise any free port the OS offers. */
export async function freePort(preferred: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(undefined));
      server.listen(port, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : undefined));
      });
    });
  const port = (await tryListen(preferred)) ?? (await tryListen(0));
  if (port === undefined) throw new Error("Could not find a free local port for wrangler dev.");
  return port;
}

// ------------------------------------------------------------------ measuring

export interface RouteResult {
  route: string;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/**
 * Loads one URL with autocannon after a short warm-up. Percentiles come from every
 * response's own time (sub-millisecond), not autocannon's whole-millisecond histogram.
 */
export async function measureRoute(
  baseUrl: string,
  route: string,
  { connections, duration, warmup, token }: { connections: number; duration: number; warmup: number; token?: string },
): Promise<RouteResult> {
  const times: number[] = [];
  const headers = token ? { Authorization: `Bearer ${token}` } : undefined;
  const run = autocannon({ url: baseUrl + route, headers, connections, duration, warmup: { connections, duration: warmup } });
  run.on("response", (_client, _status, _bytes, ms) => times.push(ms));
  const result = await run;
  times.sort((a, b) => a - b);
  return {
    route: token ? `${route} (signed in)` : route,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** Nearest-rank percentile of an ascending list; NaN when nothing answered. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// ------------------------------------------------------------------ reporting

export interface RatioRow extends RouteResult {
  /** Route throughput ÷ hello-world throughput: 0.25 means a quarter as many requests per second. */
  rpsRatio: number;
  /** Route latency ÷ hello-world latency: 4 means four times as slow. */
  p50Ratio: number;
  p99Ratio: number;
}

/** The hello-world baseline: the mean of the runs that opened and closed the session. */
export function baselineOf(first: RouteResult, last: RouteResult): RouteResult {
  const mean = (a: number, b: number) => (a + b) / 2;
  return {
    route: first.route,
    requests: first.requests + last.requests,
    requestsPerSecond: mean(first.requestsPerSecond, last.requestsPerSecond),
    p50Ms: mean(first.p50Ms, last.p50Ms),
    p99Ms: mean(first.p99Ms, last.p99Ms),
    non2xx: first.non2xx + last.non2xx,
    errors: first.errors + last.errors,
  };
}

export function withRatios(results: RouteResult[], baseline: RouteResult): RatioRow[] {
  return results.map((r) => ({
    ...r,
    rpsRatio: r.requestsPerSecond / baseline.requestsPerSecond,
    p50Ratio: r.p50Ms / baseline.p50Ms,
    p99Ratio: r.p99Ms / baseline.p99Ms,
  }));
}

export function formatTable(rows: RatioRow[]): string {
  const header = ["route", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors", "req/s ×hello", "p50 ×hello", "p99 ×hello"];
  const body = rows.map((r) => [
    r.route,
    r.requestsPerSecond.toFixed(0),
    r.p50Ms.toFixed(2),
    r.p99Ms.toFixed(2),
    String(r.non2xx),
    String(r.errors),
    r.rpsRatio.toFixed(2),
    r.p50Ratio.toFixed(2),
    r.p99Ratio.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}
