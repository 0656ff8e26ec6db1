import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { enforce } from "../services/rate-limit";
import { clientIp, SAFE_METHODS } from "./auth";

/**
 * The everyday limits of the API, after `authenticate` has said who is acting: writes by a
 * member count per member (`write.user`), everything a visitor asks counts per address
 * (`read.ip`). A member's reads are not counted. `/auth/*` is left out: sign-up, sign-in and
 * the mail requests have their own, stricter limits in the services, and counting them
 * twice would only make those limits harder to reason about. Reading a picture is not counted.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.path.startsWith("/api/v1/auth/")) return next();
  // Pictures are immutable capability URLs, read many per page and cached by browsers and the
  // edge; counting each against a visitor's read limit would only break pages with many pictures.
  if (SAFE_METHODS.has(c.req.method) && c.req.path.startsWith("/api/v1/media/")) return next();
  const user = c.var.ctx.user;
  if (user) {
    if (!SAFE_METHODS.has(c.req.method)) await enforce(c.env, "write.user", `write:user:${user.id}`);
  } else {
    await enforce(c.env, "read.ip", `read:ip:${clientIp(c.req.raw.headers)}`);
  }
  return next();
});
