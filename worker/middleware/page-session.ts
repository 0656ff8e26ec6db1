import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { Unauthorized } from "../errors";
import { ACCESS_COOKIE, clearedSessionCookies, REFRESH_COOKIE, sessionCookies } from "../lib/session-cookies";
import { verifyAccessToken } from "../lib/tokens";
import { renewWebSession } from "../services/auth";
import { loadCurrentUser } from "../services/users";
import { isSameOrigin, SAFE_METHODS } from "./auth";

/**
 * Who is browsing. Pages are lenient where the API is strict: an expired access cookie is
 * renewed with the refresh cookie (a refresh cookie rotated by a racing request of the same
 * browser seconds ago still identifies the member: see renewWebSession), and a dead session
 * just means a visitor (its cookies are cleared). Every unsafe page request — sign-in forms included — must come from our own
 * Origin, so no other site can submit our forms (CSRF, login CSRF).
 */
export const pageSession = createMiddleware<AppEnv>(async (c, next) => {
  if (!SAFE_METHODS.has(c.req.method) && !isSameOrigin(c.req.raw)) {
    return c.text("This form was not sent from Mundo Tango's own pages.", 403);
  }
  const ctx = c.var.ctx;
  const access = getCookie(c, ACCESS_COOKIE);
  const claims = access ? await verifyAccessToken(c.env.JWT_SECRET, access) : undefined;
  ctx.user = (claims && (await loadCurrentUser(ctx, claims.userId, claims.sessionId))) ?? null;

  let setCookies: string[] = [];
  const refreshToken = getCookie(c, REFRESH_COOKIE);
  if (!ctx.user && refreshToken) {
    try {
      const renewal = await renewWebSession(ctx, refreshToken);
      if (renewal.kind === "renewed") {
        const renewedClaims = await verifyAccessToken(c.env.JWT_SECRET, renewal.tokens.accessToken);
        ctx.user = (renewedClaims && (await loadCurrentUser(ctx, renewedClaims.userId, renewedClaims.sessionId))) ?? null;
        setCookies = sessionCookies(renewal.tokens);
      } else {
        // Another request of this browser renewed a moment ago and sets the new cookies; leave them be.
        ctx.user = (await loadCurrentUser(ctx, renewal.userId, renewal.sessionId)) ?? null;
      }
    } catch (error) {
      if (!(error instanceof Unauthorized)) throw error;
      setCookies = clearedSessionCookies();
    }
  } else if (!ctx.user && access) {
    setCookies = clearedSessionCookies();
  }

  await next();
  for (const cookie of setCookies) c.res.headers.append("Set-Cookie", cookie);
});
