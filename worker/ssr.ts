import type { Context } from "hono";
import { createRequestHandler, RouterContextProvider } from "react-router";
import { endTime, startTime } from "hono/timing";
import { serverContext } from "../app/server-context";
import type { AppEnv } from "./env";
import { visitorLocation } from "./services/cities";

const handleRequest = createRequestHandler(() => import("virtual:react-router/server-build"), import.meta.env.MODE);

/** Hands a page request to React Router; loaders reach services through `serverContext`. */
export async function renderPage(c: Context<AppEnv>): Promise<Response> {
  const context = new RouterContextProvider();
  context.set(serverContext, {
    ctx: c.var.ctx,
    nonce: c.get("secureHeadersNonce") ?? "",
    visitor: visitorLocation(c.req.raw.cf),
    waitUntil: (promise) => c.executionCtx.waitUntil(promise),
  });
  startTime(c, "ssr", "React Router render");
  const response = await handleRequest(c.req.raw, context);
  endTime(c, "ssr");
  // Headers set through `c.header` earlier do not reach a Response built elsewhere.
  response.headers.set("X-Request-Id", c.get("requestId"));
  return response;
}
