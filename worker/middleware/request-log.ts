import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { log } from "../lib/log";

/** One structured line per request: id, route, status, duration. Never bodies or headers. */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  log(c.res.status >= 500 ? "error" : "info", "request", {
    requestId: c.get("requestId"),
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    route: c.req.routePath,
    status: c.res.status,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  });
});
