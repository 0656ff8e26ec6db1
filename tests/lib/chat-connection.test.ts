import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ServerFrame } from "../../durable-objects/chat-protocol";
import { ChatClient, outboxKey, SEND_TIMEOUT_MS, type ChatStatus, type OutboxEntry, type OutboxStorage } from "../../app/lib/chat-client";

/**
 * ChatClient against a scripted browser: a fake WebSocket, a fake ticket endpoint, fake
 * timers. What the member sees (outbox states, status) and what goes over the wire
 * (frames, clientIds, `since`) are checked step by step.
 */

class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 3;
  static all: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  sent: string[] = [];
  private listeners = new Map<string, ((event: unknown) => void)[]>();
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  addEventListener(type: string, listener: (event: unknown) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close(code = 1000) {
    if (this.readyState === FakeSocket.CLOSED) return;
    this.readyState = FakeSocket.CLOSED;
    this.emit("close", { code });
  }
  // Test side
  open() {
    this.readyState = FakeSocket.OPEN;
    this.emit("open", {});
  }
  receive(frame: ServerFrame | string) {
    this.emit("message", { data: typeof frame === "string" ? frame : JSON.stringify(frame) });
  }
  frames() {
    return this.sent.filter((s) => s !== "ping").map((s) => JSON.parse(s) as { type: string; clientId?: string; body?: string; seq?: number });
  }
  private emit(type: string, event: unknown) {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

function memoryStorage(): OutboxStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

const CONVERSATION = "0198beef-0000-7000-8000-0000000000c1";
let ticketStatus = 201;
let ticketCalls = 0;
const windowListeners = new Map<string, (() => void)[]>();

async function settle() {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}

function setup(since = 0, storage = memoryStorage()) {
  const frames: ServerFrame[] = [];
  const statuses: ChatStatus[] = [];
  let outbox: OutboxEntry[] = [];
  const problems: string[] = [];
  const client = new ChatClient({
    conversationId: CONVERSATION,
    userId: "me",
    since,
    storage,
    onFrame: (f) => frames.push(f),
    onStatus: (s) => statuses.push(s),
    onOutbox: (o) => (outbox = o),
    onProblem: (p) => problems.push(p),
  });
  return { client, frames, statuses, problems, storage, outbox: () => outbox, socket: () => FakeSocket.all.at(-1)! };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
  ticketStatus = 201;
  ticketCalls = 0;
  windowListeners.clear();
  const on = (type: string, listener: () => void) => windowListeners.set(type, [...(windowListeners.get(type) ?? []), listener]);
  const off = (type: string, listener: () => void) => windowListeners.set(type, (windowListeners.get(type) ?? []).filter((l) => l !== listener));
  vi.stubGlobal("WebSocket", FakeSocket);
  vi.stubGlobal("window", { addEventListener: on, removeEventListener: off, location: { href: `https://mundo.test/messages/${CONVERSATION}`, pathname: `/messages/${CONVERSATION}` } });
  vi.stubGlobal("document", { visibilityState: "visible", addEventListener: on, removeEventListener: off });
  vi.stubGlobal("navigator", { onLine: true });
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string) => {
      if (String(url).endsWith("/ticket")) {
        ticketCalls += 1;
        return { status: ticketStatus, ok: ticketStatus < 300, json: async () => ({ ticket: `t${ticketCalls}`, url: `/ws/conversations/${CONVERSATION}?ticket=t${ticketCalls}` }) };
      }
      return { status: 200, ok: true, json: async () => ({}) };
    }),
  );
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("the chat connection", () => {
  it("connects with a fresh ticket and since, and sends what was written before the line opened", async () => {
    const chat = setup(41);
    chat.client.start();
    const clientId = chat.client.send("hola");
    expect(chat.outbox()).toMatchObject([{ clientId, body: "hola", state: "pending" }]);
    // Kept in storage, per member and conversation, until acknowledged.
    expect(chat.storage.data.get(outboxKey("me", CONVERSATION))).toContain("hola");
    await settle();
    const socket = chat.socket();
    const url = new URL(socket.url);
    expect(url.protocol).toBe("wss:");
    expect(url.searchParams.get("ticket")).toBe("t1");
    expect(url.searchParams.get("since")).toBe("41");
    socket.open();
    expect(socket.frames()).toEqual([{ type: "send", clientId, body: "hola" }]);

    socket.receive({ type: "ack", clientId, seq: 42 });
    expect(chat.outbox()).toEqual([]);
    expect(chat.storage.data.has(outboxKey("me", CONVERSATION))).toBe(false);
    // The stored message shows at once, before its broadcast copy.
    expect(chat.frames.find((f) => f.type === "message")).toMatchObject({ seq: 42, clientId, senderId: "me", body: "hola" });
    socket.receive({ type: "ready", lastSeq: 42, online: ["me"], reads: {} });
    expect(chat.statuses.at(-1)).toBe("live");
    chat.client.stop();
  });

  it("marks a refused send failed with the room's words, and Retry sends it again with the same clientId", async () => {
    const chat = setup();
    chat.client.start();
    await settle();
    chat.socket().open();
    const clientId = chat.client.send("demasiado rápido");
    chat.socket().receive({ type: "error", code: "rate_limited", message: "Slow down.", clientId, retryAfterSeconds: 12 });
    expect(chat.outbox()).toMatchObject([{ clientId, state: "failed", error: "Slow down. Try again in 12 s." }]);
    chat.client.retry(clientId);
    expect(chat.outbox()).toMatchObject([{ clientId, state: "pending" }]);
    expect(chat.socket().frames().filter((f) => f.type === "send").map((f) => f.clientId)).toEqual([clientId, clientId]);
    chat.socket().receive({ type: "ack", clientId, seq: 1 });
    expect(chat.outbox()).toEqual([]);
    chat.client.stop();
  });

  it("fails a send the open line never acknowledges", async () => {
    const chat = setup();
    chat.client.start();
    await settle();
    chat.socket().open();
    const clientId = chat.client.send("¿hay alguien?");
    await vi.advanceTimersByTimeAsync(SEND_TIMEOUT_MS + 1_500);
    expect(chat.outbox()).toMatchObject([{ clientId, state: "failed" }]);
    chat.client.stop();
  });

  it("reconnects with back-off after a drop, catching up from the last seq seen and resending what was not acknowledged", async () => {
    const chat = setup(5);
    chat.client.start();
    await settle();
    const first = chat.socket();
    first.open();
    first.receive({ type: "message", seq: 9, clientId: "x", senderId: "ana", body: "nueve", sentAt: "2026-11-24T00:00:00Z", editedAt: null, deletedAt: null });
    const clientId = chat.client.send("en vuelo");
    first.close(1006);
    expect(chat.statuses.at(-1)).toBe("waiting");
    expect(FakeSocket.all).toHaveLength(1);
    // The first retry comes within a second (jittered), not at once.
    await vi.advanceTimersByTimeAsync(1_100);
    await settle();
    expect(FakeSocket.all).toHaveLength(2);
    const second = chat.socket();
    expect(new URL(second.url).searchParams.get("since")).toBe("9");
    expect(new URL(second.url).searchParams.get("ticket")).toBe("t2");
    second.open();
    expect(second.frames()).toEqual([{ type: "send", clientId, body: "en vuelo" }]);
    chat.client.stop();
  });

  it("restores the outbox of a reloaded page and delivers it", async () => {
    const storage = memoryStorage();
    storage.setItem(outboxKey("me", CONVERSATION), JSON.stringify([{ clientId: "kept-1", body: "escrito antes de recargar", createdAt: 1, state: "failed" }]));
    const chat = setup(0, storage);
    chat.client.start();
    expect(chat.outbox()).toMatchObject([{ clientId: "kept-1", state: "pending" }]);
    await settle();
    chat.socket().open();
    expect(chat.socket().frames()).toEqual([{ type: "send", clientId: "kept-1", body: "escrito antes de recargar" }]);
    chat.client.stop();
  });

  it("never drops what another tab of the same conversation has waiting in the shared outbox", async () => {
    const storage = memoryStorage();
    const key = outboxKey("me", CONVERSATION);
    const tab = setup(0, storage);
    tab.client.start();
    // Another tab writes while this one is open, offline.
    const other = [{ clientId: "other-tab-1", body: "desde la otra pestaña", createdAt: 1, state: "pending" }];
    storage.setItem(key, JSON.stringify(other));
    const mine = tab.client.send("desde esta pestaña");
    const stored = () => (JSON.parse(storage.getItem(key) ?? "[]") as { clientId: string }[]).map((e) => e.clientId);
    expect(stored()).toEqual(["other-tab-1", mine]);
    await settle();
    tab.socket().open();
    tab.socket().receive({ type: "ack", clientId: mine, seq: 1 });
    // Mine is gone once stored; the other tab's stays until that tab (or a reload) sends it.
    expect(stored()).toEqual(["other-tab-1"]);
    tab.client.stop();
  });

  it("reconnects at once when the network comes back, instead of waiting out the back-off", async () => {
    const chat = setup();
    chat.client.start();
    await settle();
    chat.socket().close(1006);
    // Several failures in a row push the back-off up.
    ticketStatus = 503;
    for (let i = 0; i < 4; i += 1) {
      await vi.advanceTimersByTimeAsync(20_000);
      await settle();
    }
    const calls = ticketCalls;
    ticketStatus = 201;
    for (const listener of windowListeners.get("online") ?? []) listener();
    await settle();
    expect(ticketCalls).toBe(calls + 1);
    expect(FakeSocket.all).toHaveLength(2);
    chat.client.stop();
  });

  it("stops for good when the member is no longer in the conversation", async () => {
    ticketStatus = 404;
    const chat = setup();
    chat.client.start();
    await settle();
    expect(chat.statuses.at(-1)).toBe("gone");
    expect(FakeSocket.all).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ticketCalls).toBe(1);

    ticketStatus = 201;
    const removed = setup();
    removed.client.start();
    await settle();
    removed.socket().open();
    removed.socket().close(4403);
    expect(removed.statuses.at(-1)).toBe("gone");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it("throttles typing frames and sends each read position once", async () => {
    const chat = setup();
    chat.client.start();
    await settle();
    chat.socket().open();
    for (let i = 0; i < 5; i += 1) chat.client.typing();
    await vi.advanceTimersByTimeAsync(2_100);
    chat.client.typing();
    chat.client.read(3);
    chat.client.read(3);
    chat.client.read(2);
    chat.client.read(4);
    expect(chat.socket().frames()).toEqual([{ type: "typing" }, { type: "typing" }, { type: "read", seq: 3 }, { type: "read", seq: 4 }]);
    chat.client.stop();
  });

  it("reports a refused edit without touching the outbox", async () => {
    const chat = setup();
    chat.client.start();
    await settle();
    chat.socket().open();
    expect(chat.client.edit(7, "corregido")).toBe(true);
    const edit = chat.socket().frames().find((f) => f.type === "edit")!;
    chat.socket().receive({ type: "error", code: "not_allowed", message: "You can only edit your own messages.", clientId: edit.clientId });
    expect(chat.problems).toEqual(["You can only edit your own messages."]);
    expect(chat.outbox()).toEqual([]);
    chat.client.stop();
  });
});
