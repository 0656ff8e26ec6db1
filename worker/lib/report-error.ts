import { Toucan } from "toucan-js";
import type { Env } from "../env";
import { log } from "./log";

export interface ErrorScene {
  env: Env;
  request: Request;
  requestId: string;
  /** Keeps the Worker alive until the report is sent; absent in some tests. */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/**
 * The one place an unexpected error is recorded: a structured log line with its stack,
 * and Sentry (through toucan-js) when SENTRY_DSN is set. Used by the API's error handler
 * and by React Router's `handleError` for loaders and rendering.
 */
/**
 * Query parameters Sentry may see: none that carries a credential (`token`, or the chat door's
 * single-use `ticket` in /ws/conversations/:id?ticket=…).
 */
export const SENTRY_ALLOWED_SEARCH_PARAMS = /^(?!.*(?:token|ticket)).*$/i;

export function reportError(error: unknown, { env, request, requestId, waitUntil }: ErrorScene): void {
  log("error", "request.unhandled", {
    requestId,
    path: new URL(request.url).pathname,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    stack: error instanceof Error ? error.stack : undefined,
  });
  if (!env.SENTRY_DSN) return;
  const sentry = new Toucan({
    dsn: env.SENTRY_DSN,
    context: waitUntil ? { waitUntil } : undefined,
    request,
    environment: env.APP_ENV,
    // Never ship cookies, auth headers or token-bearing query strings to a third party.
    requestDataOptions: { allowedHeaders: ["user-agent", "x-request-id"], allowedSearchParams: SENTRY_ALLOWED_SEARCH_PARAMS },
  });
  sentry.setTag("requestId", requestId);
  sentry.captureException(error);
}
