import { createMiddleware } from "hono/factory";
import { createDb } from "../../db/client";
import type { AppEnv } from "../env";

/** Builds the per-request service context once; API handlers and UI loaders share it. */
export const serviceContext = createMiddleware<AppEnv>(async (c, next) => {
  c.set("ctx", { db: createDb(c.env.DB), env: c.env, requestId: c.get("requestId"), user: null });
  await next();
});
