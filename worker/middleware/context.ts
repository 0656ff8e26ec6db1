import { createMiddleware } from "hono/factory";
import { createDb } from "../../db/client";
import type { Context } from "hono";
import type { AppEnv, Ctx } from "../env";

/** Builds the per-request service context once; API handlers and UI loaders share it. */
export const serviceContext = createMiddleware<AppEnv>(async (c, next) => {
  c.set("ctx", { db: createDb(c.env.DB), env: c.env, requestId: c.get("requestId"), user: null, waitUntil: waitUntilOf(c) });
  await next();
});

/** Requests built in tests with `app.request` carry no ExecutionContext; work then runs inline. */
function waitUntilOf(c: Context<AppEnv>): Ctx["waitUntil"] {
  try {
    const executionCtx = c.executionCtx;
    return (promise) => executionCtx.waitUntil(promise);
  } catch {
    return undefined;
  }
}
