import type { Context } from "hono";
import { createRequestHandler, RouterContextProvider } from "react-router";
import { endTime, startTime } from "hono/timing";
import { serverContext } from "../app/server-context";
import type { AppEnv } from "./env";

const handleRequest = createRequestHandler(() => import("virtual:react-router/server-build"), import.meta.env.MODE);

/** Hands a page request to React Router; loaders reach services through `serverContext`. */
export async function renderPage(c: Context<AppEnv>): Promise<Response> {
  const context = new RouterContextProvider();
  const cf = c.req.raw.cf as { city?: string } | undefined;
  context.set(serverContext, {
    ctx: c.var.ctx,
    nonce: c.get("secureHeadersNonce") ?? "",
    visitorCityName: typeof cf?.city === "string" ? cf.city : undefined,
  });
  startTime(c, "ssr", "React Router render");
  const response = await handleRequest(c.req.raw, context);
  endTime(c, "ssr");
  // Headers set through `c.header` earlier do not reach a Response built elsewhere.
  response.headers.set("X-Request-Id", c.get("requestId"));
  return response;
}
