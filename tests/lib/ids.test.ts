import { describe, expect, it } from "vitest";
import { uuidv7, UUID_PATTERN } from "../../worker/lib/ids";

describe("uuidv7", () => {
  it("is an RFC 9562 version 7 UUID", () => {
    const id = uuidv7();
    expect(id).toMatch(UUID_PATTERN);
    expect(id[14]).toBe("7");
    expect("89ab").toContain(id[19]!);
  });

  it("sorts by creation time", () => {
    const ids = [uuidv7(1_000), uuidv7(2_000), uuidv7(1_700_000_000_000), uuidv7(1_800_000_000_000)];
    expect([...ids].sort()).toEqual(ids);
  });

  it("does not repeat within the same millisecond", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uuidv7(42)));
    expect(ids.size).toBe(1000);
  });
});
