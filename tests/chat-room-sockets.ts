import { env } from "cloudflare:test";
import { ROOM_HEADERS, type ServerFrame } from "../durable-objects/chat-protocol";

/**
 * Sockets straight into a ChatRoom Durable Object, bypassing the Worker's ticket check
 * (tests/chat-room.test.ts tests the room itself; the door has its own tests).
 *
 * - `roomStub(conversationId)`: the room's stub (`idFromName(conversationId)`), for RPC.
 * - `upgradeRoom(conversationId, userId, {since?, headers?})`: the raw Response of the upgrade.
 * - `connectRoom(conversationId, userId, {since?})` → `RoomSocket`, already accepted.
 *
 * `RoomSocket.next(type, where?, timeoutMs?)` resolves with the oldest frame of that type
 * (matching `where`) that no earlier `next` took, including frames that arrived before the
 * call, so nothing is missed; it rejects after the timeout with what did arrive.
 * `of(type)` lists every frame of a type received so far; `send(frame)` sends JSON (a string
 * or ArrayBuffer as is); `closed` resolves with the close code and reason.
 */

export type FrameOf<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

export function roomStub(conversationId: string) {
  return env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(conversationId));
}

export function upgradeRoom(conversationId: string, userId: string, options: { since?: number | string; headers?: Record<string, string> } = {}): Promise<Response> {
  const url = new URL("http://room/ws");
  if (options.since !== undefined) url.searchParams.set("since", String(options.since));
  return roomStub(conversationId).fetch(url.toString(), {
    headers: { Upgrade: "websocket", [ROOM_HEADERS.member]: userId, [ROOM_HEADERS.conversation]: conversationId, ...options.headers },
  });
}

export async function connectRoom(conversationId: string, userId: string, options: { since?: number | string } = {}): Promise<RoomSocket> {
  const res = await upgradeRoom(conversationId, userId, options);
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  return new RoomSocket(res.webSocket, userId);
}

interface Waiter {
  type: string;
  where: (frame: ServerFrame) => boolean;
  resolve: (frame: ServerFrame) => void;
}

export class RoomSocket {
  /** Every JSON frame received, in order. */
  readonly frames: ServerFrame[] = [];
  /** Text frames that were not JSON (the "pong" answer to "ping"). */
  readonly texts: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly taken = new Set<number>();
  private waiters: Waiter[] = [];

  constructor(
    readonly ws: WebSocket,
    readonly userId: string,
  ) {
    ws.addEventListener("message", (event) => {
      const text = String(event.data);
      let frame: ServerFrame;
      try {
        frame = JSON.parse(text) as ServerFrame;
      } catch {
        this.texts.push(text);
        return;
      }
      this.frames.push(frame);
      this.dispatch();
    });
    this.closed = new Promise((resolve) => {
      ws.addEventListener("close", (event) => {
        try {
          ws.close(event.code === 1005 ? 1000 : event.code, event.reason);
        } catch {
          // Already closed.
        }
        resolve({ code: event.code, reason: event.reason });
      });
    });
    ws.accept();
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" || frame instanceof ArrayBuffer || ArrayBuffer.isView(frame) ? (frame as string | ArrayBuffer) : JSON.stringify(frame));
  }

  close(code = 1000): void {
    this.ws.close(code, "bye");
  }

  of<T extends ServerFrame["type"]>(type: T): FrameOf<T>[] {
    return this.frames.filter((f): f is FrameOf<T> => f.type === type);
  }

  next<T extends ServerFrame["type"]>(type: T, where: (frame: FrameOf<T>) => boolean = () => true, timeoutMs = 5_000): Promise<FrameOf<T>> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { type, where: where as (frame: ServerFrame) => boolean, resolve: resolve as (frame: ServerFrame) => void };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.userId}: no "${type}" frame within ${timeoutMs} ms; received ${JSON.stringify(this.frames).slice(0, 2000)}`));
      }, timeoutMs);
      waiter.resolve = (frame) => {
        clearTimeout(timer);
        (resolve as (frame: ServerFrame) => void)(frame);
      };
      this.waiters.push(waiter);
      this.dispatch();
    });
  }

  /** Resolves once `count` frames of the type have arrived (taken or not); answers them all. */
  async count<T extends ServerFrame["type"]>(type: T, count: number, timeoutMs = 10_000): Promise<FrameOf<T>[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.of(type).length < count) {
      if (Date.now() > deadline) throw new Error(`${this.userId}: ${this.of(type).length} of ${count} "${type}" frames within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.of(type);
  }

  private dispatch(): void {
    for (const waiter of [...this.waiters]) {
      const index = this.frames.findIndex((frame, i) => !this.taken.has(i) && frame.type === waiter.type && waiter.where(frame));
      if (index === -1) continue;
      this.taken.add(index);
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(this.frames[index]!);
    }
  }
}
