import { describe, expect, it } from "vitest";
import { DUMMY_PASSWORD_HASH, hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from "../../worker/lib/password";

// Made by the reference implementation (phc-winner-argon2's CLI), so our PHC strings interoperate:
// echo -n "correct horse battery staple" | argon2 mundotangosalt16 -id -t 2 -k 19456 -p 1 -l 32 -e
const REFERENCE_PASSWORD = "correct horse battery staple";
const REFERENCE_HASH = "$argon2id$v=19$m=19456,t=2,p=1$bXVuZG90YW5nb3NhbHQxNg$xRK21UWKpHhVMX3slyOc88Ggqpod9KunluKNW2Zqecc";

const composed = "Café con leche a las 3";
const decomposed = "Cafe\u0301 con leche a las 3";

describe("hashPassword and verifyPassword", () => {
  it("writes a PHC string with argon2id, the current parameters, a 16-byte salt and a 32-byte hash", async () => {
    const phc = await hashPassword(composed);
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);

    expect(await verifyPassword(composed, phc)).toBe(true);
    expect(await verifyPassword("café con leche a las 3", phc)).toBe(false);
    // Unicode normalization: the same password typed with a combining accent still signs in.
    expect(await verifyPassword(decomposed, phc)).toBe(true);
  });

  it("salts every hash, so the same password never hashes the same twice", async () => {
    const [first, second] = await Promise.all([hashPassword(REFERENCE_PASSWORD), hashPassword(REFERENCE_PASSWORD)]);
    expect(first).not.toBe(second);
  });

  it("verifies hashes made by the reference argon2 implementation", async () => {
    expect(await verifyPassword(REFERENCE_PASSWORD, REFERENCE_HASH)).toBe(true);
  });

  it("refuses a stored hash whose last byte was changed", async () => {
    const tampered = REFERENCE_HASH.slice(0, -2) + (REFERENCE_HASH.endsWith("cc") ? "dc" : "cc");
    expect(await verifyPassword(REFERENCE_PASSWORD, tampered)).toBe(false);
  });
});

describe("verifyPassword with a malformed or hostile stored hash", () => {
  const [, , , , salt, hash] = REFERENCE_HASH.split("$");
  const hostile: Record<string, string> = {
    "an empty string": "",
    "plain text": REFERENCE_PASSWORD,
    "argon2i instead of argon2id": REFERENCE_HASH.replace("$argon2id$", "$argon2i$"),
    "argon2d instead of argon2id": REFERENCE_HASH.replace("$argon2id$", "$argon2d$"),
    "a bcrypt hash": "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
    "version 18 (0x12)": REFERENCE_HASH.replace("v=19", "v=18"),
    "no version": `$argon2id$m=19456,t=2,p=1$${salt}$${hash}`,
    "4 GiB of memory": `$argon2id$v=19$m=4194304,t=2,p=1$${salt}$${hash}`,
    "one KiB over the memory bound": `$argon2id$v=19$m=65537,t=2,p=1$${salt}$${hash}`,
    "a billion passes": `$argon2id$v=19$m=19456,t=1000000000,p=1$${salt}$${hash}`,
    "eleven passes": `$argon2id$v=19$m=19456,t=11,p=1$${salt}$${hash}`,
    "five lanes": `$argon2id$v=19$m=19456,t=2,p=5$${salt}$${hash}`,
    "zero memory": `$argon2id$v=19$m=0,t=2,p=1$${salt}$${hash}`,
    "a leading zero": `$argon2id$v=19$m=019456,t=2,p=1$${salt}$${hash}`,
    "parameters out of order": `$argon2id$v=19$t=2,m=19456,p=1$${salt}$${hash}`,
    "a negative parameter": `$argon2id$v=19$m=19456,t=-2,p=1$${salt}$${hash}`,
    "a salt that is not base64": `$argon2id$v=19$m=19456,t=2,p=1$not*base64!!$${hash}`,
    "a base64url salt": `$argon2id$v=19$m=19456,t=2,p=1$${salt!.slice(0, -1)}_$${hash}`,
    "padded base64": `${REFERENCE_HASH}=`,
    "a 4-byte salt": `$argon2id$v=19$m=19456,t=2,p=1$AAAAAA$${hash}`,
    "an 8-byte hash": `$argon2id$v=19$m=19456,t=2,p=1$${salt}$AAAAAAAAAAA`,
    "no hash": `$argon2id$v=19$m=19456,t=2,p=1$${salt}`,
    "an empty hash": `$argon2id$v=19$m=19456,t=2,p=1$${salt}$`,
    "a truncated string": REFERENCE_HASH.slice(0, 20),
    "an extra field": `${REFERENCE_HASH}$AAAA`,
    "trailing whitespace": `${REFERENCE_HASH}\n`,
    "a megabyte of salt": `$argon2id$v=19$m=19456,t=2,p=1$${"A".repeat(1_000_000)}$${hash}`,
  };

  for (const [name, phc] of Object.entries(hostile)) {
    it(`answers false, without throwing, for ${name}`, async () => {
      await expect(verifyPassword(REFERENCE_PASSWORD, phc)).resolves.toBe(false);
    });
  }
});

describe("needsRehash", () => {
  it("is false for a hash made with the current parameters", () => {
    expect(needsRehash(REFERENCE_HASH)).toBe(false);
  });

  it("is true for weaker or different parameters", () => {
    expect(needsRehash(REFERENCE_HASH.replace("m=19456", "m=8192"))).toBe(true);
    expect(needsRehash(REFERENCE_HASH.replace("t=2", "t=3"))).toBe(true);
    expect(needsRehash(REFERENCE_HASH.replace("p=1", "p=2"))).toBe(true);
  });

  it("is true for a string it cannot read", () => {
    expect(needsRehash("")).toBe(true);
    expect(needsRehash("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW")).toBe(true);
  });
});

describe("verifyAgainstDummy", () => {
  it("costs what a real check costs, because the dummy hash uses the current parameters", () => {
    expect(needsRehash(DUMMY_PASSWORD_HASH)).toBe(false);
  });

  it("always answers false", async () => {
    await expect(verifyAgainstDummy(REFERENCE_PASSWORD)).resolves.toBe(false);
  });
});
