import { argon2idAsync } from "@noble/hashes/argon2.js";

/**
 * OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane). Not PBKDF2: Workers caps it at 100k
 * iterations. With @noble/hashes one hash costs 300–400 ms of CPU inside workerd.
 */
export const PASSWORD_HASH_PARAMS = { m: 19456, t: 2, p: 1 } as const;

const SALT_BYTES = 16;
const HASH_BYTES = 32;

/**
 * Verification recomputes with the parameters written in the stored string, so a tampered
 * row could otherwise make one sign-in allocate gigabytes or spin for minutes.
 */
const MAX_PARAMS = { m: 65536, t: 10, p: 4 } as const;

interface ParsedHash {
  m: number;
  t: number;
  p: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

/** A PHC string: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`, both in unpadded base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const { m, t, p } = PASSWORD_HASH_PARAMS;
  const hash = await derive(password, { m, t, p, salt, hashBytes: HASH_BYTES });
  return `$argon2id$v=19$m=${m},t=${t},p=${p}$${toBase64(salt)}$${toBase64(hash)}`;
}

/** False for a wrong password and for any stored string we cannot or will not check; never throws. */
export async function verifyPassword(password: string, phc: string): Promise<boolean> {
  const stored = parsePhc(phc);
  if (!stored) return false;
  try {
    const candidate = await derive(password, { ...stored, hashBytes: stored.hash.length });
    return equalInConstantTime(candidate, stored.hash);
  } catch {
    return false;
  }
}

/** True when the stored hash was made with other parameters: rehash it after a successful sign-in. */
export function needsRehash(phc: string): boolean {
  const stored = parsePhc(phc);
  if (!stored) return true;
  const { m, t, p } = PASSWORD_HASH_PARAMS;
  return stored.m !== m || stored.t !== t || stored.p !== p || stored.salt.length !== SALT_BYTES || stored.hash.length !== HASH_BYTES;
}

/**
 * The hash of a random password nobody knows, made with the current parameters, so that
 * checking it costs exactly what checking a real member's hash costs.
 */
export const DUMMY_PASSWORD_HASH = "$argon2id$v=19$m=19456,t=2,p=1$3SzBnn+NnkscIVU6JEBvyA$aGWes2/THhY2ZGt0KCjuXsm5QX9fOBiLlQDixZKWi78";

/**
 * Spends the time of a real check when no account matches the email, so response timing does
 * not tell an attacker which emails are registered. Always resolves to false.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(password, DUMMY_PASSWORD_HASH);
  return false;
}

/**
 * "é" can arrive precomposed (U+00E9) or as "e" + U+0301 depending on the keyboard, OS or
 * paste source; NFC makes both the same bytes, so a member can sign in from any device.
 */
function derive(password: string, { m, t, p, salt, hashBytes }: { m: number; t: number; p: number; salt: Uint8Array; hashBytes: number }): Promise<Uint8Array> {
  return argon2idAsync(password.normalize("NFC"), salt, { m, t, p, dkLen: hashBytes });
}

const PHC_PATTERN = /^\$argon2id\$v=19\$m=([1-9]\d{0,9}),t=([1-9]\d{0,9}),p=([1-9]\d{0,9})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

function parsePhc(phc: string): ParsedHash | undefined {
  if (typeof phc !== "string" || phc.length > 256) return undefined;
  const match = PHC_PATTERN.exec(phc);
  if (!match) return undefined;
  const [m, t, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Argon2 needs at least 8 KiB of memory per lane.
  if (m > MAX_PARAMS.m || t > MAX_PARAMS.t || p > MAX_PARAMS.p || m < 8 * p) return undefined;
  const salt = fromBase64(match[4]!);
  const hash = fromBase64(match[5]!);
  if (!salt || !hash) return undefined;
  if (salt.length < 8 || salt.length > 64 || hash.length < 16 || hash.length > 64) return undefined;
  return { m, t, p, salt, hash };
}

function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

/** Standard base64 without padding, as the PHC string format specifies. */
function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/=+$/, "");
}

/** Undefined unless `text` is canonical unpadded base64 (no stray trailing bits). */
function fromBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  let binary: string;
  try {
    binary = atob(text + "=".repeat((4 - (text.length % 4)) % 4));
  } catch {
    return undefined;
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return toBase64(bytes) === text ? bytes : undefined;
}
