import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { policyFor, rateLimitHeaders, type WindowPolicyName } from "../lib/rate-limit-policies";
import { enforce } from "../services/rate-limit";

/**
 * Counts each request in the bucket `keyOf` names (e.g. `read:ip:<ip>`; null skips the
 * limit, e.g. `write:user:<id>` for a visitor). Over the limit the request is answered 429
 * by the error handler; otherwise the response carries RateLimit-Policy and RateLimit.
 *
 *   api.use("/events/*", rateLimit("read.ip", (c) => `read:ip:${clientIp(c.req.raw.headers)}`));
 */
export function rateLimit(policyName: WindowPolicyName, keyOf: (c: Context<AppEnv>) => string | null) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const bucketKey = keyOf(c);
    if (bucketKey === null) return next();
    const decision = await enforce(c.env, policyName, bucketKey);
    await next();
    appendHeaders(c, rateLimitHeaders(policyName, policyFor(policyName, c.env), decision));
  });
}

// Appended, not set: both fields are lists, and an inner limit may already have named itself.
function appendHeaders(c: Context<AppEnv>, headers: Record<string, string>): void {
  try {
    for (const [name, value] of Object.entries(headers)) c.res.headers.append(name, value);
  } catch {
    // Responses passed through from fetch() have immutable headers.
    c.res = new Response(c.res.body, c.res);
    for (const [name, value] of Object.entries(headers)) c.res.headers.append(name, value);
  }
}
