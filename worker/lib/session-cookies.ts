import { generateCookie } from "hono/cookie";
import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS } from "./tokens";

export const ACCESS_COOKIE = "mt_access";
export const REFRESH_COOKIE = "mt_refresh";

const BASE = { path: "/", httpOnly: true, secure: true, sameSite: "Lax" } as const;

/** The web keeps both tokens where scripts cannot read them. */
export function sessionCookies(tokens: { accessToken: string; refreshToken: string }): string[] {
  return [
    generateCookie(ACCESS_COOKIE, tokens.accessToken, { ...BASE, maxAge: ACCESS_TOKEN_TTL_SECONDS }),
    generateCookie(REFRESH_COOKIE, tokens.refreshToken, { ...BASE, maxAge: REFRESH_TOKEN_TTL_SECONDS }),
  ];
}

export function clearedSessionCookies(): string[] {
  return [generateCookie(ACCESS_COOKIE, "", { ...BASE, maxAge: 0 }), generateCookie(REFRESH_COOKIE, "", { ...BASE, maxAge: 0 })];
}
