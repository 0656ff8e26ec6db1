import { describe, expect, it } from "vitest";
import {
  afterSync,
  decideCheckIn,
  enqueue,
  formatCheckInTime,
  loadQueue,
  queueStorageKey,
  saveQueue,
  syncOutcome,
  syncQueue,
  usedAtFromConflict,
  usedTickets,
  type QueueStorage,
  type QueuedCheckIn,
  type SyncOutcome,
} from "../../app/lib/check-in-queue";
import { signTicketCode, ticketPublicKey, verifyTicketCode } from "../../worker/lib/ticket-code";

const EVENT = "0198beef-0000-7000-8000-000000000001";
const OTHER_EVENT = "0198beef-0000-7000-8000-000000000002";

function memoryStorage(initial: Record<string, string> = {}): QueueStorage & { data: Map<string, string> } {
  const data = new Map(Object.entries(initial));
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

const entry = (ticketId: string, checkedInAt = "2025-11-08T00:14:00.000Z"): QueuedCheckIn => ({ ticketId, code: `MT1.code-of-${ticketId}.sig`, checkedInAt });

describe("the offline queue in storage", () => {
  it("round-trips through storage, keyed by event", () => {
    const storage = memoryStorage();
    saveQueue(storage, EVENT, [entry("t1"), entry("t2")]);
    expect(loadQueue(storage, EVENT)).toEqual([entry("t1"), entry("t2")]);
    expect(loadQueue(storage, OTHER_EVENT)).toEqual([]);
  });

  it("removes the key once the queue is empty", () => {
    const storage = memoryStorage();
    saveQueue(storage, EVENT, [entry("t1")]);
    saveQueue(storage, EVENT, []);
    expect(storage.data.has(queueStorageKey(EVENT))).toBe(false);
  });

  it("reads damaged storage as an empty queue and drops malformed entries", () => {
    expect(loadQueue(memoryStorage({ [queueStorageKey(EVENT)]: "{not json" }), EVENT)).toEqual([]);
    expect(loadQueue(memoryStorage({ [queueStorageKey(EVENT)]: '{"ticketId":"t1"}' }), EVENT)).toEqual([]);
    const mixed = JSON.stringify([entry("t1"), { ticketId: "t2" }, null, "x", entry("t3")]);
    expect(loadQueue(memoryStorage({ [queueStorageKey(EVENT)]: mixed }), EVENT)).toEqual([entry("t1"), entry("t3")]);
  });

  it("queues a ticket once: the first admission keeps its time", () => {
    const queue = enqueue(enqueue([], entry("t1", "2025-11-08T00:14:00.000Z")), entry("t1", "2025-11-08T00:20:00.000Z"));
    expect(queue).toEqual([entry("t1", "2025-11-08T00:14:00.000Z")]);
  });
});

describe("who is in", () => {
  it("merges the server's list, confirmed admissions and the pending queue", () => {
    const used = usedTickets(
      [
        { id: "server", usedAt: "2025-11-08T00:01:00.000Z" },
        { id: "fresh", usedAt: null },
        { id: "queued", usedAt: null },
      ],
      { confirmed: "2025-11-08T00:05:00.000Z" },
      [entry("queued")],
    );
    expect(Object.fromEntries(used)).toEqual({
      server: { usedAt: "2025-11-08T00:01:00.000Z", pending: false },
      confirmed: { usedAt: "2025-11-08T00:05:00.000Z", pending: false },
      queued: { usedAt: entry("queued").checkedInAt, pending: true },
    });
  });

  it("prefers the server's time over this device's pending one", () => {
    const used = usedTickets([{ id: "t1", usedAt: "2025-11-08T00:01:00.000Z" }], {}, [entry("t1", "2025-11-08T00:30:00.000Z")]);
    expect(used.get("t1")).toEqual({ usedAt: "2025-11-08T00:01:00.000Z", pending: false });
  });
});

describe("deciding at the door without the network", () => {
  const SECRET = "door-test-secret-0123456789abcdef";
  const sign = (ticketId: string, eventId = EVENT) => signTicketCode(SECRET, { ticketId, eventId, issuedAtSeconds: 1_760_000_000 });
  const check = async (code: string) => verifyTicketCode(await ticketPublicKey(SECRET), code);

  it("admits a genuine ticket for this event that nobody used", async () => {
    expect(decideCheckIn(await check(await sign("t1")), EVENT, new Map())).toEqual({ kind: "admit", ticketId: "t1" });
  });

  it("admits a genuine ticket missing from the loaded list (bought since)", async () => {
    const used = usedTickets([{ id: "t1", usedAt: null }], {}, []);
    expect(decideCheckIn(await check(await sign("new-ticket")), EVENT, used)).toEqual({ kind: "admit", ticketId: "new-ticket" });
  });

  it("refuses a ticket the server already saw used", async () => {
    const used = usedTickets([{ id: "t1", usedAt: "2025-11-08T00:14:00.000Z" }], {}, []);
    expect(decideCheckIn(await check(await sign("t1")), EVENT, used)).toEqual({ kind: "already", ticketId: "t1", usedAt: "2025-11-08T00:14:00.000Z", pending: false });
  });

  it("refuses a ticket this device admitted offline", async () => {
    const used = usedTickets([{ id: "t1", usedAt: null }], {}, [entry("t1")]);
    expect(decideCheckIn(await check(await sign("t1")), EVENT, used)).toMatchObject({ kind: "already", pending: true });
  });

  it("refuses another event's ticket", async () => {
    expect(decideCheckIn(await check(await sign("t1", OTHER_EVENT)), EVENT, new Map())).toEqual({ kind: "other-event" });
  });

  it("refuses a forged signature and a mistyped code", async () => {
    const genuine = await sign("t1");
    const forged = `${genuine.slice(0, -2)}${genuine.endsWith("AA") ? "BB" : "AA"}`;
    expect(decideCheckIn(await check(forged), EVENT, new Map())).toEqual({ kind: "invalid" });
    expect(decideCheckIn(await check("hello"), EVENT, new Map())).toEqual({ kind: "invalid" });
  });

  it("refuses a code signed with another deployment's key", async () => {
    const foreign = await signTicketCode("some-other-secret-0123456789abcdef", { ticketId: "t1", eventId: EVENT, issuedAtSeconds: 1 });
    expect(decideCheckIn(await check(foreign), EVENT, new Map())).toEqual({ kind: "invalid" });
  });
});

describe("syncing the queue", () => {
  it("reads the server's answers: 200 and 409 settle, 400/404/422 are dropped, the rest retried", () => {
    const fallback = "2025-11-08T00:14:00.000Z";
    expect(syncOutcome(200, "2025-11-08T00:20:00.000Z", fallback)).toEqual({ kind: "admitted", usedAt: "2025-11-08T00:20:00.000Z" });
    expect(syncOutcome(409, undefined, fallback)).toEqual({ kind: "already", usedAt: fallback });
    for (const status of [400, 404, 422]) expect(syncOutcome(status, undefined, fallback)).toEqual({ kind: "rejected", status });
    for (const status of [401, 403, 429, 500, 503]) expect(syncOutcome(status, undefined, fallback)).toEqual({ kind: "retry" });
  });

  it("finds the earlier use in a 409 problem", () => {
    expect(usedAtFromConflict({ detail: "This ticket was already used at 2025-11-08T00:14:05.123Z." })).toBe("2025-11-08T00:14:05.123Z");
    expect(usedAtFromConflict({ errors: [{ message: "already used at 2025-11-08T00:14:05.123Z" }] })).toBe("2025-11-08T00:14:05.123Z");
    expect(usedAtFromConflict({ detail: "Conflict" })).toBeUndefined();
    expect(usedAtFromConflict(null)).toBeUndefined();
  });

  it("posts oldest first and settles every answered entry", async () => {
    const sent: string[] = [];
    const report = await syncQueue([entry("a"), entry("b"), entry("c")], async (item) => {
      sent.push(item.ticketId);
      if (item.ticketId === "b") return { kind: "already", usedAt: "2025-11-08T00:01:00.000Z" };
      if (item.ticketId === "c") return { kind: "rejected", status: 422 };
      return { kind: "admitted", usedAt: "2025-11-08T00:02:00.000Z" };
    });
    expect(sent).toEqual(["a", "b", "c"]);
    expect(report).toEqual({
      remaining: [],
      settled: [
        { ticketId: "a", usedAt: "2025-11-08T00:02:00.000Z" },
        { ticketId: "b", usedAt: "2025-11-08T00:01:00.000Z" },
      ],
      rejected: [{ ticketId: "c", status: 422 }],
    });
  });

  it("stops at a dropped connection and keeps that entry and everything after it", async () => {
    const report = await syncQueue([entry("a"), entry("b"), entry("c")], async (item): Promise<SyncOutcome> => {
      if (item.ticketId === "b") throw new TypeError("Failed to fetch");
      return { kind: "admitted", usedAt: item.checkedInAt };
    });
    expect(report.settled.map((s) => s.ticketId)).toEqual(["a"]);
    expect(report.remaining).toEqual([entry("b"), entry("c")]);
  });

  it("keeps admissions queued while the sync was running", async () => {
    const sent = [entry("a"), entry("b")];
    const report = { remaining: [entry("b")], settled: [{ ticketId: "a", usedAt: "x" }], rejected: [] };
    const nowStored = [entry("a"), entry("b"), entry("late")];
    expect(afterSync(nowStored, sent, report)).toEqual([entry("b"), entry("late")]);
  });
});

describe("formatCheckInTime", () => {
  it("shows the venue's clock, and the date when it was another day there", () => {
    const now = new Date("2025-11-08T01:00:00.000Z");
    expect(formatCheckInTime("2025-11-08T00:14:00.000Z", "America/Argentina/Buenos_Aires", now)).toBe("21:14");
    expect(formatCheckInTime("2025-11-06T00:14:00.000Z", "America/Argentina/Buenos_Aires", now)).toBe("Wed 5 Nov, 21:14");
  });
});
