import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { Toucan } from "toucan-js";
import type { AppEnv } from "../env";
import { DomainError, type FieldError, NotFound, TooManyRequests } from "../errors";
import { log } from "../lib/log";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: FieldError[];
}

export function problemResponse(c: Context<AppEnv>, error: DomainError): Response {
  const body: Problem = {
    type: error.type,
    title: error.title,
    status: error.status,
    detail: error.message,
    instance: new URL(c.req.url).pathname,
    requestId: c.get("requestId") ?? "",
    ...(error.errors ? { errors: error.errors } : {}),
  };
  const headers: Record<string, string> = { "Content-Type": "application/problem+json" };
  if (error instanceof TooManyRequests) headers["Retry-After"] = String(error.retryAfterSeconds);
  return c.body(JSON.stringify(body), error.status as 400, headers);
}

class HttpProblem extends DomainError {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
  ) {
    super(detail);
  }
}

const STATUS_TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Every error leaves as problem+json; unknown errors become a 500 that reveals nothing. */
export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof DomainError) return problemResponse(c, error);
  if (error instanceof HTTPException && error.status < 500) {
    const title = STATUS_TITLES[error.status] ?? "Error";
    return problemResponse(c, new HttpProblem(error.status, title, error.message || title));
  }
  log("error", "request.unhandled", {
    requestId: c.get("requestId"),
    path: new URL(c.req.url).pathname,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    stack: error instanceof Error ? error.stack : undefined,
  });
  reportToSentry(c, error);
  return problemResponse(
    c,
    new HttpProblem(500, "Internal Server Error", "Something went wrong on our side. Quote the requestId if you contact support."),
  );
};

export function apiNotFound(c: Context<AppEnv>): Response {
  return problemResponse(c, new NotFound(`No API endpoint at ${c.req.method} ${new URL(c.req.url).pathname}.`));
}

function reportToSentry(c: Context<AppEnv>, error: unknown): void {
  const dsn = c.env.SENTRY_DSN;
  if (!dsn) return;
  let context: Context<AppEnv>["executionCtx"] | undefined;
  try {
    context = c.executionCtx;
  } catch {
    // Requests built in tests carry no ExecutionContext; the report is then sent inline.
  }
  const sentry = new Toucan({
    dsn,
    context,
    request: c.req.raw,
    environment: c.env.APP_ENV,
    requestDataOptions: { allowedHeaders: ["user-agent", "x-request-id"], allowedSearchParams: /^(?!.*token).*$/ },
  });
  sentry.setTag("requestId", c.get("requestId") ?? "");
  sentry.captureException(error);
}
