/**
 * npm run bench [-- --scale N] [--duration S] [--connections C] [--port P] [--reseed]
 *
 * Builds the Worker, serves the production build under `wrangler dev` against its own
 * database in .bench/state (never the developer's local one) seeded at --scale (default
 * 420 ≈ 100k members; seeded once, then reused), and load-tests these routes with autocannon:
 *
 *   /api/hello                                  hello world through the whole middleware stack
 *   /api/health                                 round-trips every binding
 *   /api/v1/events?city=buenos-aires&limit=20   the city listing (occurrences; KV-cached for a minute)
 *   /api/v1/events?city=buenos-aires&q=milonga  the same listing, uncached, filtered by words
 *   /api/v1/events/<id>                         one event as JSON
 *   /                                           the home page, server-rendered
 *   /cities/buenos-aires                        the city page, server-rendered
 *   /events/<id>                                an event page, server-rendered
 *   /api/v1/feed (signed in)                    the following feed of a member who follows 250 others
 *   /api/v1/feed?tab=city (signed in)           public posts and memories of that member's city
 *   /api/v1/search?q=milonga&type=posts         full-text search over posts, visibility applied
 *   /api/v1/search?q=milonga&type=people        full-text search over members
 *
 * and then chat (scripts/bench-chat.ts): fan-out latency p50/p99 from one sender to 10, 100
 * and 500 members connected to one room over real WebSockets, and messages/s sustained
 * (the bench worker runs with RATE_LIMIT_CHAT_SEND raised). --chat-only skips the HTTP
 * routes but hello world, which still opens and closes the run for the ratios.
 *
 * Absolute numbers depend on the machine and whatever else it is doing, so each route is
 * also reported as a ratio to the hello-world route measured in the same run: that ratio
 * says what the route costs on top of the platform and travels between machines. Hello is
 * measured first and again last; the baseline is the mean of both, and the drift between
 * them tells how steady the machine was. Results also go to .bench/results.json.
 * Exits 1 when any route answers anything but 2xx or fails to connect, or a chat room cannot be
 * measured or loses a delivery; it never judges timings.
 *
 * Quick run: npm run bench -- --scale 5 --duration 3   (room sizes above the world's members are skipped)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { buildWorker } from "./build.ts";
import { ensureDevVars } from "./dev-setup.ts";
import {
  baselineOf,
  countDataset,
  formatTable,
  freePort,
  measureRoute,
  prepareBenchDatabase,
  prepareBenchMember,
  signInBenchMember,
  withRatios,
  type RouteResult,
} from "./bench-lib.ts";
import { CHAT_BENCH_VARS, chatProblems, chatWithRatios, formatChatTable, prepareChatBench, runChatBench, type ChatRoomResult } from "./bench-chat.ts";
import { startWorker } from "./worker-server.ts";

const STATE_DIR = ".bench/state";
const RESULTS_PATH = ".bench/results.json";
const HELLO = "/api/hello";
const CITY_ROUTES = ["/api/health", "/api/v1/events?city=buenos-aires&limit=20", "/api/v1/events?city=buenos-aires&q=milonga&limit=20", "/", "/cities/buenos-aires"];
/** Read as the seeded bench member (db/seed/world.ts FEED_BENCH_MEMBER_INDEX), who follows 250 members. */
const MEMBER_ROUTES = ["/api/v1/feed?limit=20", "/api/v1/feed?tab=city&limit=20"];
const SEARCH_ROUTES = ["/api/v1/search?q=milonga&type=posts&limit=20", "/api/v1/search?q=milonga&type=people&limit=20"];

const { values } = parseArgs({
  options: {
    scale: { type: "string", default: "420" },
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "10" },
    port: { type: "string", default: "8799" },
    reseed: { type: "boolean", default: false },
    "chat-only": { type: "boolean", default: false },
  },
});
const scale = wholeNumber("scale", 1, 2000);
const duration = wholeNumber("duration", 1, 600);
const connections = wholeNumber("connections", 1, 1000);
const preferredPort = wholeNumber("port", 1, 65535);
const warmup = Math.min(2, duration);

function wholeNumber(name: "scale" | "duration" | "connections" | "port", min: number, max: number): number {
  const n = Number(values[name]);
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  console.error(`--${name} must be a whole number from ${min} to ${max}.`);
  process.exit(2);
}

// wrangler dev runs in its own process group, so Ctrl+C does not reach it: stop it ourselves.
let stopServer: () => Promise<void> = async () => {};
let starting = false;
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping wrangler dev…`);
    if (!starting) void stopServer().finally(() => process.exit(130));
  });
}

ensureDevVars();
console.log("Building the Worker…");
buildWorker({ quiet: true });
const seedStarted = Date.now();
prepareBenchDatabase(STATE_DIR, scale, { reseed: values.reseed });
const benchMember = await prepareBenchMember(STATE_DIR);
const dataset = countDataset(STATE_DIR);
const chatPlan = prepareChatBench(STATE_DIR);
console.log(
  `Dataset: scale ${scale}, ${dataset.members} members, ${dataset.events} events, ${dataset.posts} posts, ${dataset.follows} follows (ready in ${((Date.now() - seedStarted) / 1000).toFixed(0)} s).`,
);

// wrangler dev would print two lines per request (its own and the Worker's request log);
// on a 2-core machine that printing competes with the Worker itself. Warnings still show.
process.env.WRANGLER_LOG = "warn";
const port = await freePort(preferredPort);
starting = true;
const server = await startWorker({ port, persistTo: STATE_DIR, vars: CHAT_BENCH_VARS });
stopServer = server.stop;
starting = false;
if (interrupted) {
  await server.stop();
  process.exit(130);
}

const measured: RouteResult[] = [];
const chat: ChatRoomResult[] = [];
try {
  // A real event of the seeded world: the first one the Buenos Aires listing shows.
  const listing = (await (await fetch(`${server.url}/api/v1/events?city=buenos-aires&limit=1`)).json()) as { data: { eventId: string }[] };
  const eventId = listing.data[0]?.eventId;
  if (!eventId) throw new Error("The seeded world has no upcoming event in Buenos Aires.");
  const token = await signInBenchMember(server.url, benchMember.email);
  const ROUTES: { route: string; token?: string }[] = [
    ...[...CITY_ROUTES, `/api/v1/events/${eventId}`, `/events/${eventId}`].map((route) => ({ route })),
    ...MEMBER_ROUTES.map((route) => ({ route, token })),
    ...SEARCH_ROUTES.map((route) => ({ route })),
  ];
  console.log(`Serving on ${server.url}; ${connections} connections, ${warmup} s warm-up and ${duration} s per route.`);
  const measure = async ({ route, token: as }: { route: string; token?: string }) => {
    const result = await measureRoute(server.url, route, { connections, duration, warmup, token: as });
    console.log(`  ${result.route}: ${result.requestsPerSecond.toFixed(0)} req/s`);
    measured.push(result);
  };
  for (const route of [{ route: HELLO }, ...(values["chat-only"] ? [] : ROUTES)]) await measure(route);
  console.log(`Chat: ${chatPlan.rooms.map((room) => room.size).join(", ")} members per room${chatPlan.skipped.length ? ` (${chatPlan.skipped.join(", ")} skipped: too few members at this scale)` : ""}.`);
  chat.push(...(await runChatBench(server.url, chatPlan)));
  await measure({ route: HELLO });
} finally {
  await server.stop();
}

const helloFirst = measured[0]!;
const helloLast = measured[measured.length - 1]!;
const baseline = baselineOf(helloFirst, helloLast);
const rows = withRatios([baseline, ...measured.slice(1, -1)], baseline);
const drift = helloLast.requestsPerSecond / helloFirst.requestsPerSecond - 1;

console.log(`\n${formatTable(rows)}\n`);
const chatRows = chatWithRatios(chat, baseline);
if (chatRows.length > 0) {
  console.log(`${formatChatTable(chatRows)}\n`);
  console.log(
    "Chat latency: send → `message` frame on each member's socket (one process, one clock); ×hello divides by hello world's p50/p99 of this run.\n" +
      `Sustained: messages every member received per second, the sender keeping ${chatRows[0]!.sustained.window} unacked in flight. RATE_LIMIT_CHAT_SEND=${CHAT_BENCH_VARS.RATE_LIMIT_CHAT_SEND} for this worker.\n` +
      "Connect: until every member's socket had its `ready`; settle: after the sockets closed, until hello world answered promptly again.\n",
  );
}
console.log(
  `Hello world: ${helloFirst.requestsPerSecond.toFixed(0)} req/s first, ${helloLast.requestsPerSecond.toFixed(0)} last ` +
    `(${drift >= 0 ? "+" : ""}${(drift * 100).toFixed(1)}% drift; ratios use the mean).`,
);

mkdirSync(".bench", { recursive: true });
writeFileSync(
  RESULTS_PATH,
  JSON.stringify(
    {
      at: new Date().toISOString(),
      node: process.version,
      scale,
      dataset,
      connections,
      durationSeconds: duration,
      warmupSeconds: warmup,
      hello: { first: helloFirst, last: helloLast, drift },
      routes: rows,
      chat: { vars: CHAT_BENCH_VARS, rooms: chatRows },
    },
    null,
    2,
  ) + "\n",
);
console.log(`Wrote ${RESULTS_PATH}.`);

const failed = measured.filter((r) => r.non2xx > 0 || r.errors > 0);
if (failed.length > 0) {
  console.error(`Not every request succeeded: ${failed.map((r) => `${r.route} (${r.non2xx} non-2xx, ${r.errors} errors)`).join(", ")}.`);
}
const chatFailures = chatProblems(chat);
if (chatFailures.length > 0) console.error(`Chat did not go cleanly: ${chatFailures.join("; ")}.`);
if (failed.length > 0 || chatFailures.length > 0) process.exit(1);
