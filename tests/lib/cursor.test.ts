import { describe, expect, it } from "vitest";
import { z } from "zod";
import { decodeCursor, encodeCursor, keysetPage } from "../../worker/lib/cursor";

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

describe("keysetPage", () => {
  const rows = [{ id: "a" }, { id: "b" }, { id: "c" }];

  it("serves `limit` rows and a cursor to the row after them when the query found one more", () => {
    const { page, nextCursor } = keysetPage(rows, 2, (last) => ({ i: last.id }));
    expect(page).toEqual([{ id: "a" }, { id: "b" }]);
    expect(decodeCursor(nextCursor!, z.object({ i: z.string() }).strict())).toEqual({ i: "b" });
  });

  it("has no next cursor on the last page", () => {
    expect(keysetPage(rows, 3, (last) => ({ i: last.id }))).toEqual({ page: rows, nextCursor: null });
    expect(keysetPage([], 3, (last: { id: string }) => ({ i: last.id }))).toEqual({ page: [], nextCursor: null });
  });
});
