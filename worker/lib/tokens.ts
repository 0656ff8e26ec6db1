import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { toBase64url } from "./base64url";

/** Short enough that a stolen access token is worth little; refresh tokens carry the session. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 60 * 24 * 60 * 60;

const ISSUER = "mundo-tango";
const AUDIENCE = "mundo-tango-api";
const ALGORITHM = "HS256";

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signAccessToken(secret: string, { userId, sessionId }: AccessClaims, nowSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  return new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + ACCESS_TOKEN_TTL_SECONDS)
    .sign(keyOf(secret));
}

/**
 * The claims of a valid access token, or undefined. `alg` is pinned to HS256, so
 * `none` and every other algorithm are refused; issuer, audience and expiry are checked.
 */
export async function verifyAccessToken(secret: string, token: string): Promise<AccessClaims | undefined> {
  if (token.length > 4096) return undefined;
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE, requiredClaims: ["exp", "sub", "sid"] });
    if (typeof payload.sub !== "string" || typeof payload.sid !== "string") return undefined;
    return { userId: payload.sub, sessionId: payload.sid };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) return undefined;
    throw error;
  }
}

/** 256 random bits, URL-safe: refresh tokens and emailed links. */
export function randomToken(): string {
  return toBase64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** What we store instead of a token: a leaked table then grants nothing. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
