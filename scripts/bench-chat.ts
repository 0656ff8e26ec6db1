/**
 * The chat part of `npm run bench`: fan-out latency from ONE sender to 10, 100 and 500
 * members connected to one room, and messages per second sustained (docs/chat.md).
 *
 * Setup needs no sign-ins: before wrangler dev starts, prepareChatBench() writes one group
 * conversation per room size, its members (seeded members of the bench world) and one
 * single-use ticket per member straight into the bench D1, hashed exactly as
 * worker/services/chat-tickets.ts does (base64url of 32 random bytes; SHA-256 hex stored).
 * The tickets live 30 minutes instead of 60 s because the HTTP routes are measured first.
 * The 500-member room is above the API's group cap (100): it stands for a festival's event
 * room, and the room itself does not care which kind it serves.
 *
 * Per room size, runChatBench() then
 *  1. opens the sender's and every member's socket through the real door
 *     (`/ws/conversations/:id?ticket=…`, no Origin header: a non-browser client) and waits
 *     for each `ready`;
 *  2. latency: sends messages one at a time, each after every member received the previous
 *     one, and records per receiving socket the time from the `send` to its `message` frame
 *     (one clock: the sender and the members are sockets of this same process);
 *  3. throughput: sends for SUSTAIN_SECONDS as fast as acks allow with WINDOW messages in
 *     flight, then counts the messages every member received per second, from the first
 *     send to the last member's last delivery;
 *  4. closes every socket, and waits until the worker answers hello world promptly again
 *     (reported as "settle": a room keeps working after its members leave).
 * The bench worker runs with RATE_LIMIT_CHAT_SEND raised (CHAT_BENCH_VARS): one sender
 * sends far more than the 30 per 30 s a member may. Nothing here asserts a duration.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { percentile } from "./bench-lib.ts";
import { wrangler } from "./wrangler.ts";

/** Members listening in each measured room (the sender comes on top). */
export const CHAT_ROOM_SIZES = [10, 100, 500] as const;
/** Messages sent one at a time for the latency percentiles, per room size. */
const LATENCY_MESSAGES: Record<number, number> = { 10: 200, 100: 200, 500: 80 };
const SUSTAIN_SECONDS = 5;
/** Messages the sender may have sent but not yet seen acked during the throughput run. */
const WINDOW = 10;
/** Sockets opened at once: enough to be quick, few enough not to time the door out. */
const CONNECT_CONCURRENCY = 25;
const CONNECT_TIMEOUT_MS = 30_000;
/** A fan-out not complete after this long counts its missing deliveries as lost. */
const DELIVERY_TIMEOUT_MS = 15_000;
const TICKET_LIFETIME_MS = 30 * 60_000;
/** After a room's sockets closed, how long to wait at most for the worker to answer promptly again. */
const SETTLE_TIMEOUT_MS = 120_000;
/** "Promptly": hello world within this long, three times in a row. */
const SETTLED_HELLO_MS = 250;
const PRESENCE_PREFIX = Buffer.from('{"type":"presence"');
/** Title of the bench's conversations; the next run deletes them by it. */
const BENCH_TITLE_PREFIX = "Bench fan-out";

/** wrangler.toml var overrides for the bench worker. */
export const CHAT_BENCH_VARS = { RATE_LIMIT_CHAT_SEND: "1000000/60" } as const;

// ------------------------------------------------------------------ setup in D1

interface Seat {
  userId: string;
  ticket: string;
}

export interface ChatRoomPlan {
  /** Receiving members (the sender is extra). */
  size: number;
  conversationId: string;
  sender: Seat;
  members: Seat[];
}

export interface ChatBenchPlan {
  rooms: ChatRoomPlan[];
  /** Room sizes the bench world has too few members for. */
  skipped: number[];
}

/** SQL string literal. The values here are ids, ISO times and hex; quoting is still done properly. */
const lit = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** A ticket as issueTicket makes one, and the hash chat_tickets stores for it. */
function newTicket(): { ticket: string; hash: string } {
  const ticket = randomBytes(32).toString("base64url");
  return { ticket, hash: createHash("sha256").update(ticket, "utf8").digest("hex") };
}

/**
 * Replaces the previous run's bench rooms with fresh ones (a fresh room starts at seq 0 with an
 * empty history), straight in the bench database. Call it before wrangler dev starts.
 */
export function prepareChatBench(stateDir: string, sizes: readonly number[] = CHAT_ROOM_SIZES): ChatBenchPlan {
  const largest = Math.max(...sizes);
  const out = wrangler(["d1", "execute", "DB", "--local", "--persist-to", stateDir, "--json", "--command", `SELECT id FROM users ORDER BY id LIMIT ${largest + 1}`]);
  const ids = ((JSON.parse(out) as { results: { id: string }[] }[])[0]?.results ?? []).map((row) => row.id);
  const fits = sizes.filter((size) => size + 1 <= ids.length);
  const skipped = sizes.filter((size) => size + 1 > ids.length);

  const now = new Date();
  const iso = now.toISOString();
  const expiresAt = now.getTime() + TICKET_LIFETIME_MS;
  const bench = `SELECT id FROM conversations WHERE type = 'group' AND title LIKE ${lit(`${BENCH_TITLE_PREFIX}%`)}`;
  const statements = [`DELETE FROM chat_tickets WHERE conversation_id IN (${bench})`, `DELETE FROM conversation_members WHERE conversation_id IN (${bench})`, `DELETE FROM conversations WHERE id IN (${bench})`];
  const tickets: string[] = [];
  const rooms: ChatRoomPlan[] = fits.map((size) => {
    const conversationId = randomUUID();
    const seats = ids.slice(0, size + 1).map((userId) => {
      const { ticket, hash } = newTicket();
      tickets.push(`(${lit(hash)}, ${lit(conversationId)}, ${lit(userId)}, ${expiresAt})`);
      return { userId, ticket };
    });
    const [sender, ...members] = seats as [Seat, ...Seat[]];
    statements.push(
      `INSERT INTO conversations (id, type, title, created_by, created_at, last_activity_at) VALUES (${lit(conversationId)}, 'group', ${lit(`${BENCH_TITLE_PREFIX} to ${size}`)}, ${lit(sender.userId)}, ${lit(iso)}, ${lit(iso)})`,
    );
    for (let i = 0; i < seats.length; i += 100) {
      const rows = seats.slice(i, i + 100).map((seat, j) => `(${lit(conversationId)}, ${lit(seat.userId)}, '${i + j === 0 ? "admin" : "member"}', ${lit(iso)})`);
      statements.push(`INSERT INTO conversation_members (conversation_id, user_id, role, joined_at) VALUES ${rows.join(", ")}`);
    }
    return { size, conversationId, sender, members };
  });
  for (let i = 0; i < tickets.length; i += 100) {
    statements.push(`INSERT INTO chat_tickets (token_hash, conversation_id, user_id, expires_at) VALUES ${tickets.slice(i, i + 100).join(", ")}`);
  }
  mkdirSync(".bench", { recursive: true });
  const file = ".bench/chat-setup.sql";
  writeFileSync(file, statements.join(";\n") + ";\n");
  wrangler(["d1", "execute", "DB", "--local", "--persist-to", stateDir, "--file", file]);
  return { rooms, skipped };
}

// ------------------------------------------------------------------ sockets

type Frame = { type: string; clientId?: string; seq?: number; code?: string; message?: string };

/** One member's socket: frames are handed to `onFrame`; errors the room sends are kept. */
interface Peer {
  userId: string;
  socket: WebSocket;
  onFrame: (frame: Frame, at: number) => void;
  errors: string[];
}

/** Opens a member's socket through the door and resolves once the room said `ready`. */
function connect(wsBase: string, conversationId: string, seat: Seat): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const url = `${wsBase}/ws/conversations/${encodeURIComponent(conversationId)}?ticket=${encodeURIComponent(seat.ticket)}`;
    const socket = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: CONNECT_TIMEOUT_MS });
    const peer: Peer = { userId: seat.userId, socket, onFrame: () => {}, errors: [] };
    let ready = false;
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no ready frame within ${CONNECT_TIMEOUT_MS / 1000} s`));
    }, CONNECT_TIMEOUT_MS);
    socket.on("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      response.on("end", () => {
        clearTimeout(timer);
        reject(new Error(`the door answered ${response.statusCode}: ${body.slice(0, 300)}`));
        _request.destroy();
      });
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      if (!ready) reject(error);
    });
    socket.on("close", (code, reason) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`closed before ready: ${code} ${reason.toString()}`));
      else if (code !== 1000 && code !== 1005) peer.errors.push(`closed ${code} ${reason.toString()}`);
    });
    socket.on("message", (data, isBinary) => {
      const at = performance.now();
      if (isBinary || !Buffer.isBuffer(data)) return;
      // Presence lists every online member and goes to everyone on each join and leave: not
      // even decoding them keeps this process's own work out of the latencies it measures.
      if (data.subarray(0, PRESENCE_PREFIX.length).equals(PRESENCE_PREFIX)) return;
      const text = data.toString("utf8");
      if (text === "pong") return;
      let frame: Frame;
      try {
        frame = JSON.parse(text) as Frame;
      } catch {
        peer.errors.push(`not JSON: ${text.slice(0, 80)}`);
        return;
      }
      if (frame.type === "error") peer.errors.push(`${frame.code}: ${frame.message}`);
      if (frame.type === "ready" && !ready) {
        ready = true;
        clearTimeout(timer);
        resolve(peer);
        return;
      }
      peer.onFrame(frame, at);
    });
  });
}

/** Opens every seat's socket, CONNECT_CONCURRENCY at a time; on a refusal closes what opened and throws it. */
async function connectAll(wsBase: string, conversationId: string, seats: Seat[]): Promise<Peer[]> {
  const peers: (Peer | undefined)[] = new Array(seats.length);
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < seats.length) {
      const i = next++;
      try {
        peers[i] = await connect(wsBase, conversationId, seats[i]!);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, seats.length) }, worker));
  const opened = peers.filter((peer): peer is Peer => peer !== undefined);
  if (failure !== undefined) {
    await closeAll(opened);
    throw failure;
  }
  return opened;
}

/** Closes every socket (1000) and waits for each close, or terminates it after 5 s. */
async function closeAll(peers: Peer[]): Promise<void> {
  await Promise.all(
    peers.map(
      (peer) =>
        new Promise<void>((resolve) => {
          const { socket } = peer;
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            socket.terminate();
            resolve();
          }, 5000);
          socket.once("close", () => {
            clearTimeout(timer);
            resolve();
          });
          peer.onFrame = () => {};
          if (socket.readyState === WebSocket.OPEN) socket.close(1000, "bench done");
        }),
    ),
  );
}

// ------------------------------------------------------------------ measuring

const bodyFor = (n: number) => `Bench ${n}: ¿quién lleva el auto a la milonga del sábado? Salimos 22:30 desde Almagro.`;

/**
 * Sends one message and waits until every member received it (or the delivery timeout, or an
 * error frame answering it); answers the per-member latencies and how many never arrived.
 */
async function measureOne(sender: Peer, members: Peer[], clientId: string, body: string): Promise<{ latencies: number[]; missing: number; refused?: string }> {
  const latencies: number[] = [];
  let sentAt = 0;
  let refused: string | undefined;
  let settle: () => void = () => {};
  const done = new Promise<void>((resolve) => (settle = resolve));
  sender.onFrame = (frame) => {
    if (frame.type === "error" && frame.clientId === clientId) {
      refused = `${frame.code}: ${frame.message}`;
      settle();
    }
  };
  for (const member of members) {
    member.onFrame = (frame, at) => {
      if (frame.type !== "message" || frame.clientId !== clientId) return;
      latencies.push(at - sentAt);
      if (latencies.length === members.length) settle();
    };
  }
  const timer = setTimeout(settle, DELIVERY_TIMEOUT_MS);
  sentAt = performance.now();
  sender.socket.send(JSON.stringify({ type: "send", clientId, body }));
  await done;
  clearTimeout(timer);
  return { latencies, missing: members.length - latencies.length, refused };
}

/**
 * Sends as fast as acks allow with WINDOW in flight, for SUSTAIN_SECONDS, then waits for the
 * stragglers. `delivered` counts the messages that reached every member.
 */
async function measureSustained(sender: Peer, members: Peer[], prefix: string): Promise<{ sent: number; delivered: number; seconds: number; missing: number }> {
  const received = new Map<Peer, number>();
  let lastDelivery = 0;
  let sent = 0;
  let inFlight = 0;
  let sending = true;
  let wake: () => void = () => {};
  const pump = () => {
    while (sending && inFlight < WINDOW) {
      sent += 1;
      inFlight += 1;
      sender.socket.send(JSON.stringify({ type: "send", clientId: `${prefix}-${sent}`, body: bodyFor(sent) }));
    }
  };
  sender.onFrame = (frame) => {
    if ((frame.type === "ack" || frame.type === "error") && frame.clientId?.startsWith(`${prefix}-`)) {
      inFlight -= 1;
      pump();
    }
  };
  for (const member of members) {
    received.set(member, 0);
    member.onFrame = (frame, at) => {
      if (frame.type !== "message" || !frame.clientId?.startsWith(`${prefix}-`)) return;
      received.set(member, received.get(member)! + 1);
      lastDelivery = at;
      wake();
    };
  }
  const started = performance.now();
  pump();
  await new Promise((resolve) => setTimeout(resolve, SUSTAIN_SECONDS * 1000));
  sending = false;
  const allIn = () => [...received.values()].every((count) => count >= sent);
  const deadline = performance.now() + DELIVERY_TIMEOUT_MS;
  while (!allIn() && performance.now() < deadline) {
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, 250);
    });
  }
  wake = () => {};
  sender.onFrame = () => {};
  for (const member of members) member.onFrame = () => {};
  const counts = [...received.values()];
  const delivered = Math.min(...counts);
  const missing = counts.reduce((sum, count) => sum + Math.max(0, sent - count), 0);
  return { sent, delivered, seconds: lastDelivery > 0 ? (lastDelivery - started) / 1000 : NaN, missing };
}

export interface ChatRoomResult {
  /** Receiving members. */
  members: number;
  /** Why this room could not be measured (its numbers are then NaN). */
  failure?: string;
  /** Seconds until every socket of the room had its `ready`. */
  connectSeconds: number;
  /** Seconds after the last socket closed until the worker answered hello world promptly again. */
  settleSeconds: number;
  latency: {
    messages: number;
    /** One per (message, receiving member). */
    samples: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
  };
  sustained: {
    window: number;
    /** Sent during the run, and received by every member. */
    sent: number;
    delivered: number;
    seconds: number;
    /** Messages every member received, per second. */
    messagesPerSecond: number;
    /** messagesPerSecond × members: frames the room pushed out per second. */
    deliveriesPerSecond: number;
  };
  /** Deliveries that never arrived within DELIVERY_TIMEOUT_MS (latency and throughput runs). */
  lost: number;
  /** Error frames and unexpected closes, deduplicated. */
  errors: string[];
}

function failed(members: number, failure: string, errors: string[] = []): ChatRoomResult {
  return {
    members,
    failure,
    connectSeconds: NaN,
    settleSeconds: NaN,
    latency: { messages: 0, samples: 0, p50Ms: NaN, p99Ms: NaN, maxMs: NaN },
    sustained: { window: WINDOW, sent: 0, delivered: 0, seconds: NaN, messagesPerSecond: NaN, deliveriesPerSecond: NaN },
    lost: 0,
    errors,
  };
}

async function measureRoom(wsBase: string, room: ChatRoomPlan): Promise<ChatRoomResult> {
  const connectStarted = performance.now();
  let peers: Peer[];
  try {
    peers = await connectAll(wsBase, room.conversationId, [room.sender, ...room.members]);
  } catch (error) {
    return failed(room.size, `could not connect: ${error instanceof Error ? error.message : String(error)}`);
  }
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  const [sender, ...members] = peers as [Peer, ...Peer[]];
  const errorsSoFar = () => [...new Set(peers.flatMap((peer) => peer.errors))];
  try {
    const messages = LATENCY_MESSAGES[room.size] ?? 100;
    const latencies: number[] = [];
    let lost = 0;
    for (let n = 1; n <= messages; n++) {
      const one = await measureOne(sender, members, `lat-${n}`, bodyFor(n));
      if (one.refused) return failed(room.size, `the room refused a message: ${one.refused}`, errorsSoFar());
      if (one.latencies.length === 0) return failed(room.size, `no member received message ${n} within ${DELIVERY_TIMEOUT_MS / 1000} s`, errorsSoFar());
      latencies.push(...one.latencies);
      lost += one.missing;
    }
    latencies.sort((a, b) => a - b);
    const sustained = await measureSustained(sender, members, "tput");
    lost += sustained.missing;
    const messagesPerSecond = sustained.delivered / sustained.seconds;
    return {
      members: room.size,
      connectSeconds,
      settleSeconds: NaN,
      latency: { messages, samples: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), maxMs: latencies[latencies.length - 1]! },
      sustained: { window: WINDOW, ...sustained, messagesPerSecond, deliveriesPerSecond: messagesPerSecond * room.size },
      lost,
      errors: errorsSoFar(),
    };
  } finally {
    await closeAll(peers);
  }
}

/**
 * Waits until the worker answers hello world promptly three times in a row (or SETTLE_TIMEOUT_MS)
 * and answers how long that took: the room goes on working after its sockets closed (each
 * leave tells everyone still there who is online), and neither the next room nor the closing
 * hello-world measurement should pay for it.
 */
async function settle(baseUrl: string): Promise<number> {
  const started = performance.now();
  let prompt = 0;
  while (prompt < 3 && performance.now() - started < SETTLE_TIMEOUT_MS) {
    const asked = performance.now();
    try {
      const res = await fetch(`${baseUrl}/api/hello`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      prompt = res.ok && performance.now() - asked < SETTLED_HELLO_MS ? prompt + 1 : 0;
    } catch {
      prompt = 0;
    }
    if (prompt < 3) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return (performance.now() - started) / 1000;
}

/**
 * Measures each planned room in turn against a worker serving the bench database that
 * prepareChatBench filled. A room that cannot be measured is reported with its `failure`;
 * the others still run.
 */
export async function runChatBench(baseUrl: string, plan: ChatBenchPlan, log: (line: string) => void = console.log): Promise<ChatRoomResult[]> {
  const wsBase = baseUrl.replace(/^http/, "ws");
  const results: ChatRoomResult[] = [];
  for (const room of plan.rooms) {
    const result = await measureRoom(wsBase, room);
    result.settleSeconds = await settle(baseUrl);
    log(
      result.failure
        ? `  chat fan-out to ${room.size}: FAILED, ${result.failure}`
        : `  chat fan-out to ${room.size}: ${result.connectSeconds.toFixed(1)} s to connect, p50 ${result.latency.p50Ms.toFixed(1)} ms, ` +
            `p99 ${result.latency.p99Ms.toFixed(1)} ms, ${result.sustained.messagesPerSecond.toFixed(0)} msg/s sustained` +
            `, ${result.settleSeconds.toFixed(1)} s to settle after closing` +
            `${result.lost ? `, ${result.lost} deliveries lost` : ""}${result.errors.length ? `, errors: ${result.errors.join("; ")}` : ""}`,
    );
    results.push(result);
  }
  return results;
}

/** Whether the chat bench saw anything go wrong (a failed room, a lost delivery, an error frame). */
export function chatProblems(results: ChatRoomResult[]): string[] {
  return results.flatMap((r) => [
    ...(r.failure ? [`chat to ${r.members}: ${r.failure}`] : []),
    ...(r.lost ? [`chat to ${r.members}: ${r.lost} deliveries lost`] : []),
    ...r.errors.map((e) => `chat to ${r.members}: ${e}`),
  ]);
}

// ------------------------------------------------------------------ reporting

export interface ChatRatioRow extends ChatRoomResult {
  /** Fan-out latency ÷ hello-world latency of the same run. */
  p50Ratio: number;
  p99Ratio: number;
}

export function chatWithRatios(results: ChatRoomResult[], hello: { p50Ms: number; p99Ms: number }): ChatRatioRow[] {
  return results.map((r) => ({ ...r, p50Ratio: r.latency.p50Ms / hello.p50Ms, p99Ratio: r.latency.p99Ms / hello.p99Ms }));
}

export function formatChatTable(rows: ChatRatioRow[]): string {
  const header = ["chat room", "connect s", "settle s", "messages", "p50 ms", "p99 ms", "p50 ×hello", "p99 ×hello", "msg/s sustained", "deliveries/s", "lost", "errors"];
  const body = rows.map((r) =>
    r.failure
      ? [`1 sender → ${r.members} members`, "FAILED", ...header.slice(2).map(() => "-")]
      : [
          `1 sender → ${r.members} members`,
          r.connectSeconds.toFixed(1),
          r.settleSeconds.toFixed(1),
          String(r.latency.messages),
          r.latency.p50Ms.toFixed(2),
          r.latency.p99Ms.toFixed(2),
          r.p50Ratio.toFixed(2),
          r.p99Ratio.toFixed(2),
          r.sustained.messagesPerSecond.toFixed(0),
          r.sustained.deliveriesPerSecond.toFixed(0),
          String(r.lost),
          String(r.errors.length),
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}
