import type { EntryContext, HandleErrorFunction, RouterContextProvider } from "react-router";
import { ServerRouter } from "react-router";
import { isbot } from "isbot";
import { renderToReadableStream } from "react-dom/server";
import { serverContext } from "./server-context";
import { reportError } from "../worker/lib/report-error";

export const streamTimeout = 5_000;

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  routerContext: EntryContext,
  loadContext: RouterContextProvider,
) {
  if (request.method.toUpperCase() === "HEAD") {
    return new Response(null, { status: responseStatusCode, headers: responseHeaders });
  }
  // Every script React Router emits carries the CSP nonce the Worker put in the header.
  const { nonce } = loadContext.get(serverContext);
  let shellRendered = false;
  const body = await renderToReadableStream(<ServerRouter context={routerContext} url={request.url} nonce={nonce} />, {
    nonce,
    signal: AbortSignal.timeout(streamTimeout + 1000),
    onError(error: unknown) {
      responseStatusCode = 500;
      // Errors before the shell rendered reach handleError through React Router.
      if (shellRendered) {
        const { ctx, waitUntil } = loadContext.get(serverContext);
        reportError(error, { env: ctx.env, request, requestId: ctx.requestId, waitUntil });
      }
    },
  });
  shellRendered = true;

  const userAgent = request.headers.get("user-agent");
  if ((userAgent && isbot(userAgent)) || routerContext.isSpaMode) await body.allReady;

  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  return new Response(body, { headers: responseHeaders, status: responseStatusCode });
}

/** Loader, action and render errors take the same road as the API's: log and Sentry. */
export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted) return;
  const { ctx, waitUntil } = context.get(serverContext);
  reportError(error, { env: ctx.env, request, requestId: ctx.requestId, waitUntil });
};
