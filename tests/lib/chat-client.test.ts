import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../durable-objects/chat-protocol";
import { previewText, relativeTime, typingText } from "../../app/components/chat/format";
import {
  applyFrame,
  backoffDelay,
  loadOutbox,
  MAX_BACKOFF_MS,
  mergeMessages,
  outboxKey,
  parseServerFrame,
  receiptFor,
  saveOutbox,
  type OutboxStorage,
  type RoomState,
} from "../../app/lib/chat-client";
import type { ConversationDto } from "../../worker/schemas/conversations";

const ME = "me";
const msg = (seq: number, senderId = "ana", body: string | null = `m${seq}`): ChatMessage => ({
  seq,
  clientId: `c${seq}`,
  senderId,
  body,
  sentAt: new Date(Date.UTC(2026, 10, 1, 12, seq)).toISOString(),
  editedAt: null,
  deletedAt: null,
});
const room = (messages: ChatMessage[] = [], extra: Partial<RoomState> = {}): RoomState => ({ messages, lastSeq: messages.at(-1)?.seq ?? 0, reads: {}, online: [], ...extra });

function memoryStorage(): OutboxStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

describe("reconnect back-off", () => {
  it("doubles from 1 s with jitter in the upper half of each step, capped at 30 s", () => {
    expect(backoffDelay(0, () => 0)).toBe(500);
    expect(backoffDelay(0, () => 1)).toBe(1000);
    expect(backoffDelay(3, () => 0)).toBe(4000);
    expect(backoffDelay(3, () => 1)).toBe(8000);
    for (const attempt of [5, 6, 10, 50, 1000]) {
      expect(backoffDelay(attempt, () => 1)).toBe(MAX_BACKOFF_MS);
      expect(backoffDelay(attempt, () => 0)).toBe(MAX_BACKOFF_MS / 2);
    }
    expect(backoffDelay(-3, () => 0)).toBe(500);
  });
});

describe("the outbox in storage", () => {
  it("round-trips per member and conversation, restoring everything as pending, oldest first", () => {
    const storage = memoryStorage();
    const key = outboxKey("user-1", "conv-1");
    expect(key).not.toBe(outboxKey("user-2", "conv-1"));
    saveOutbox(storage, key, [
      { clientId: "b", body: "second", createdAt: 2, state: "failed", error: "Rate limited." },
      { clientId: "a", body: "first", createdAt: 1, state: "pending" },
    ]);
    expect(loadOutbox(storage, key)).toEqual([
      { clientId: "a", body: "first", createdAt: 1, state: "pending" },
      { clientId: "b", body: "second", createdAt: 2, state: "pending" },
    ]);
    saveOutbox(storage, key, []);
    expect(storage.data.has(key)).toBe(false);
  });

  it("drops what it cannot read instead of failing the page", () => {
    const storage = memoryStorage();
    const key = outboxKey("u", "c");
    for (const junk of ["{not json", "42", '{"a":1}', "null"]) {
      storage.setItem(key, junk);
      expect(loadOutbox(storage, key)).toEqual([]);
    }
    storage.setItem(key, JSON.stringify([{ clientId: "bad id with spaces", body: "x", createdAt: 1 }, { clientId: "ok", body: 5, createdAt: 1 }, { clientId: "ok2", body: "kept", createdAt: 3, state: "weird" }]));
    expect(loadOutbox(storage, key)).toEqual([{ clientId: "ok2", body: "kept", createdAt: 3, state: "pending" }]);
    expect(loadOutbox(null, key)).toEqual([]);
  });

  it("survives storage that throws when full", () => {
    const full: OutboxStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => undefined,
    };
    expect(() => saveOutbox(full, "k", [{ clientId: "a", body: "x", createdAt: 1, state: "pending" }])).not.toThrow();
  });
});

describe("applying frames", () => {
  it("adds messages once per seq, in seq order, whatever order they arrive in (replay after live)", () => {
    let state = room([msg(1)]);
    for (const seq of [3, 2, 3, 2]) state = applyFrame(state, { type: "message", ...msg(seq) });
    expect(state.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(state.lastSeq).toBe(3);
  });

  it("applies edits and deletes as events with their own seq, and a tombstone stays deleted", () => {
    let state = room([msg(1), msg(2)]);
    state = applyFrame(state, { type: "edit", seq: 3, messageSeq: 1, senderId: "ana", body: "fixed", editedAt: "2026-11-01T13:00:00Z" });
    state = applyFrame(state, { type: "delete", seq: 4, messageSeq: 2, senderId: "ana", deletedAt: "2026-11-01T13:01:00Z" });
    state = applyFrame(state, { type: "edit", seq: 5, messageSeq: 2, senderId: "ana", body: "back from the dead", editedAt: "2026-11-01T13:02:00Z" });
    expect(state.messages.map((m) => [m.body, m.editedAt !== null, m.deletedAt !== null])).toEqual([
      ["fixed", true, false],
      [null, false, true],
    ]);
    expect(state.lastSeq).toBe(5);
    // An edit of a message older than the loaded window changes nothing but the position.
    expect(applyFrame(state, { type: "edit", seq: 6, messageSeq: 99, senderId: "ana", body: "x", editedAt: "2026-11-01T13:03:00Z" }).messages).toEqual(state.messages);
  });

  it("keeps the highest read per member, and takes presence and the ready frame as they come", () => {
    let state = room([msg(1)]);
    state = applyFrame(state, { type: "ready", lastSeq: 7, online: ["ana", ME], reads: { ana: 5 } });
    expect(state).toMatchObject({ lastSeq: 7, online: ["ana", ME], reads: { ana: 5 } });
    const same = applyFrame(state, { type: "read", userId: "ana", seq: 4 });
    expect(same).toBe(state);
    state = applyFrame(state, { type: "read", userId: "ana", seq: 6 });
    expect(state.reads.ana).toBe(6);
    // A reconnect's ready frame never moves a read backwards.
    state = applyFrame(state, { type: "ready", lastSeq: 7, online: [], reads: { ana: 2, beto: 1 } });
    expect(state.reads).toEqual({ ana: 6, beto: 1 });
    expect(applyFrame(state, { type: "presence", online: ["beto"] }).online).toEqual(["beto"]);
    expect(applyFrame(state, { type: "typing", userId: "beto" })).toBe(state);
  });

  it("merges an older page under the newest without duplicates, preferring the edited or deleted copy", () => {
    const edited = { ...msg(3), body: "edited", editedAt: "2026-11-02T00:00:00Z" };
    expect(mergeMessages([msg(3), msg(4)], [msg(1), msg(2), edited]).map((m) => m.body)).toEqual(["m1", "m2", "edited", "m4"]);
    const current = [msg(1)];
    expect(mergeMessages(current, [])).toBe(current);
  });
});

describe("read receipts", () => {
  it("says Sent, then Seen in a direct chat, Seen by N in a group, only under my newest message when it is the last one", () => {
    const mine = [msg(1, "ana"), msg(2, ME)];
    expect(receiptFor(room(mine), ME, true)).toEqual({ seq: 2, text: "Sent" });
    expect(receiptFor(room(mine, { reads: { ana: 1, [ME]: 2 } }), ME, true)?.text).toBe("Sent");
    expect(receiptFor(room(mine, { reads: { ana: 2 } }), ME, true)?.text).toBe("Seen");
    expect(receiptFor(room(mine, { reads: { ana: 2, beto: 9, carla: 1 } }), ME, false)?.text).toBe("Seen by 2");
    expect(receiptFor(room([msg(1, ME), msg(2, "ana")]), ME, true)).toBeNull();
    expect(receiptFor(room([]), ME, true)).toBeNull();
  });
});

describe("frames off the wire", () => {
  it("parses JSON frames and ignores pong, binary and junk", () => {
    expect(parseServerFrame('{"type":"presence","online":[]}')).toEqual({ type: "presence", online: [] });
    for (const junk of ["pong", "{", "42", '"message"', '{"no":"type"}', new ArrayBuffer(2), null]) expect(parseServerFrame(junk)).toBeNull();
  });
});

describe("words on the page", () => {
  it("names who is typing", () => {
    expect(typingText([])).toBe("");
    expect(typingText(["Ana"])).toBe("Ana is typing…");
    expect(typingText(["Ana", "Beto"])).toBe("Ana and Beto are typing…");
    expect(typingText(["Ana", "Beto", "Carla"])).toBe("3 people are typing…");
  });

  it("says how long ago against the server's clock", () => {
    const now = Date.UTC(2026, 10, 24, 12, 0);
    expect(relativeTime(new Date(now - 10_000).toISOString(), now)).toBe("now");
    expect(relativeTime(new Date(now - 5 * 60_000).toISOString(), now)).toBe("5 min");
    expect(relativeTime(new Date(now - 3 * 3_600_000).toISOString(), now)).toBe("3 h");
    expect(relativeTime("2026-11-01T10:00:00Z", now)).toBe("1 Nov");
    expect(relativeTime("2025-11-01T10:00:00Z", now)).toBe("1 Nov 2025");
    expect(relativeTime("not a date", now)).toBe("");
  });

  it("previews the last message: mine with You, deleted ones as deleted", () => {
    const base = { id: "c", type: "direct", title: "Ana", lastMessage: null } as unknown as ConversationDto;
    expect(previewText(base, ME)).toBe("No messages yet.");
    expect(previewText({ ...base, lastMessage: { seq: 1, preview: "hola", senderId: ME, sentAt: "" } }, ME)).toBe("You: hola");
    expect(previewText({ ...base, lastMessage: { seq: 1, preview: null, senderId: "ana", sentAt: "" } }, ME)).toBe("Message deleted");
  });
});
