import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { Forbidden, Unauthorized } from "../errors";
import { ACCESS_COOKIE } from "../lib/session-cookies";
import { verifyAccessToken } from "../lib/tokens";
import type { ClientInfo } from "../services/auth";
import { loadCurrentUser } from "../services/users";

export const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Establishes who is acting: API clients send `Authorization: Bearer`, the web sends the
 * HttpOnly access cookie. A presented but invalid token is a 401, never a silent visitor.
 * Cookies ride along on cross-site requests, so an unsafe cookie-authenticated request must
 * come from our own Origin (CSRF).
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("Authorization");
  const bearer = header?.match(/^Bearer ([A-Za-z0-9_.-]+)$/)?.[1];
  if (header && !bearer) throw new Unauthorized("The Authorization header must be `Bearer <access token>`.");
  const cookie = bearer ? undefined : getCookie(c, ACCESS_COOKIE);
  const token = bearer ?? cookie;
  if (!token) return next();

  if (cookie && !SAFE_METHODS.has(c.req.method) && !isSameOrigin(c.req.raw)) {
    throw new Forbidden("This request did not come from Mundo Tango's own pages.");
  }
  const claims = await verifyAccessToken(c.env.JWT_SECRET, token);
  const user = claims && (await loadCurrentUser(c.var.ctx, claims.userId, claims.sessionId));
  if (!user) throw new Unauthorized("The access token is invalid or expired, or its session has ended. Refresh it or sign in again.");
  c.var.ctx.user = user;
  return next();
});

/** The caller's address, for per-IP limits; Cloudflare sets the header, locally everyone is "local". */
export function clientIp(headers: Headers): string {
  return headers.get("CF-Connecting-IP") ?? "local";
}

/** Where a sign-in comes from, for rate limits and the session list. */
export function clientInfo(request: Request): ClientInfo {
  return { ip: clientIp(request.headers), userAgent: request.headers.get("User-Agent") };
}

/** Browsers send Origin on every cross-site unsafe request; ours must name this very site. */
export function isSameOrigin(request: Request): boolean {
  return request.headers.get("Origin") === new URL(request.url).origin;
}
