import { describe, expect, it } from "vitest";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "../../worker/lib/cursor";

const shape = z.object({ s: z.string(), i: z.string() }).strict();

describe("cursor", () => {
  it("round-trips a key, including non-ASCII text", () => {
    const key = { s: "2026-11-22T21:00:00.000Z", i: "milonga-ñandú-☕" };
    expect(decodeCursor(encodeCursor(key), shape)).toEqual(key);
  });

  it("is URL-safe", () => {
    expect(encodeCursor({ s: "???>>>", i: "~~~" })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ["empty", ""],
    ["padding and symbols", "abc=="],
    ["not JSON", btoa("nope")],
    ["the wrong shape", encodeCursor({ s: 1, i: 2 })],
    ["extra keys", encodeCursor({ s: "a", i: "b", admin: "yes" })],
    ["invalid UTF-8", btoa(String.fromCharCode(0xff, 0xfe)).replace(/=+$/, "")],
    ["too long", "A".repeat(600)],
  ])("rejects %s", (_name, cursor) => {
    expect(decodeCursor(cursor, shape)).toBeUndefined();
  });
});
