import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env";
import type { z } from "zod";
import { DomainError, NotFound, TooManyRequests } from "../errors";
import type { problemSchema } from "../schemas/common";
import { reportError } from "../lib/report-error";

export type Problem = z.infer<typeof problemSchema>;

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
  if (error instanceof TooManyRequests) Object.assign(headers, error.headers, { "Retry-After": String(error.retryAfterSeconds) });
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
  const executionCtx = executionContextOf(c);
  reportError(error, {
    env: c.env,
    request: c.req.raw,
    requestId: c.get("requestId") ?? "",
    waitUntil: executionCtx ? (promise) => executionCtx.waitUntil(promise) : undefined,
  });
  return problemResponse(
    c,
    new HttpProblem(500, "Internal Server Error", "Something went wrong on our side. Quote the requestId if you contact support."),
  );
};

export function apiNotFound(c: Context<AppEnv>): Response {
  return problemResponse(c, new NotFound(`No API endpoint at ${c.req.method} ${new URL(c.req.url).pathname}.`));
}

function executionContextOf(c: Context<AppEnv>): Context<AppEnv>["executionCtx"] | undefined {
  try {
    return c.executionCtx;
  } catch {
    // Requests built in tests carry no ExecutionContext; the report is then sent inline.
    return undefined;
  }
}
