import frequencyOrderedPasswords from "@zxcvbn-ts/language-common/src/passwords.json";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { COMMON_PASSWORDS } from "../../worker/lib/common-passwords";
import { newPasswordSchema, passwordProblems } from "../../worker/lib/password-policy";

const GOOD_PASSPHRASE = "milonga under the jacarandas";

describe("the shipped common-password list", () => {
  it("is exactly the 10,000 most common passwords of its source, lowercased", () => {
    expect(COMMON_PASSWORDS.size).toBe(10_000);
    expect([...COMMON_PASSWORDS]).toEqual(frequencyOrderedPasswords.slice(0, 10_000).map((p) => p.toLowerCase()));
  });
});

describe("passwordProblems", () => {
  it("accepts a long passphrase", () => {
    expect(passwordProblems(GOOD_PASSPHRASE, { email: "ana.gomez@example.com", handle: "ana_baila", displayName: "Ana Gómez" })).toEqual([]);
  });

  it("refuses fewer than 10 characters", () => {
    expect(passwordProblems("tango2024")).toEqual(["password must be at least 10 characters; a few unrelated words make a strong one"]);
  });

  it("counts characters, not UTF-16 units: ten code points with emoji are enough", () => {
    expect(passwordProblems("🐧🐧🐧🐧🐧tango")).toEqual([]);
  });

  it("counts characters, not UTF-16 units: nine emoji are too few", () => {
    const nineEmoji = "💃🕺🎻🪗🎹🌹🍷🌙🌟";
    expect(nineEmoji.length).toBe(18);
    expect(passwordProblems(nineEmoji)).toHaveLength(1);
  });

  it("counts a combining accent with its letter, as NFC does", () => {
    expect(passwordProblems("e\u0301".repeat(9))).toHaveLength(1);
    expect(passwordProblems("e\u0301".repeat(10))).toEqual([]);
  });

  it("accepts 256 characters and refuses 257", () => {
    expect(passwordProblems("a".repeat(255) + "🐧")).toEqual([]);
    expect(passwordProblems("a".repeat(256) + "🐧")).toEqual(["password must be at most 256 characters"]);
  });

  it("refuses a megabyte with one message", () => {
    expect(passwordProblems("x".repeat(1_000_000))).toEqual(["password must be at most 256 characters"]);
  });

  for (const common of ["qwertyuiop", "1234567890", "password123", "1qaz2wsx3edc", "basketball"]) {
    it(`refuses "${common}", one of the 10,000 most common passwords`, () => {
      expect(passwordProblems(common)).toEqual(["password is among the 10,000 most common passwords; choose another"]);
    });
  }

  it("refuses a common password whatever its case", () => {
    expect(passwordProblems("PassWord123")).toEqual(["password is among the 10,000 most common passwords; choose another"]);
  });

  it("refuses a password containing the part of the email before the @, in any case", () => {
    expect(passwordProblems("Milonguero forever", { email: "milonguero+news@example.com" })).toEqual(["password must not contain the part of your email before the @"]);
  });

  it("refuses a password containing the handle", () => {
    expect(passwordProblems("i am tanguera_88 at heart", { handle: "tanguera_88" })).toEqual(["password must not contain your handle"]);
  });

  it("refuses a password containing the display name, spaces or not", () => {
    expect(passwordProblems("anagómez dances vals", { displayName: "Ana Gómez" })).toEqual(["password must not contain your name"]);
    expect(passwordProblems("ana gómez dances vals", { displayName: "Ana Gómez" })).toEqual(["password must not contain your name"]);
  });

  it("ignores personal terms shorter than 4 characters", () => {
    expect(passwordProblems("ana dances the vals at midnight", { email: "ana@example.com", handle: "ana", displayName: "Ana" })).toEqual([]);
  });
});

describe("newPasswordSchema", () => {
  const registration = z.object({ password: newPasswordSchema });

  it("reports a short password under the path password", () => {
    const result = registration.safeParse({ password: "tango2024" });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => ({ path: issue.path, message: issue.message }))).toEqual([
      { path: ["password"], message: "password must be at least 10 characters; a few unrelated words make a strong one" },
    ]);
  });

  it("reports a common password under the path password", () => {
    const result = registration.safeParse({ password: "password123" });
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([["password"]]);
  });

  it("reports a missing password under the path password", () => {
    const result = registration.safeParse({});
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([["password"]]);
  });

  it("passes a good passphrase through unchanged", () => {
    expect(registration.parse({ password: GOOD_PASSPHRASE })).toEqual({ password: GOOD_PASSPHRASE });
  });
});
