import { createMiddleware } from "hono/factory";
import type { AppEnv, Env } from "../env";
import { ServiceUnavailable } from "../errors";
import { log } from "../lib/log";
import { MIN_SECRET_LENGTH, REQUIRED_SECRETS } from "../secrets";
import { problemResponse } from "./problem";

export function missingSecrets(env: Env): string[] {
  return REQUIRED_SECRETS.filter((name) => {
    const value = env[name];
    return typeof value !== "string" || value.length < MIN_SECRET_LENGTH;
  });
}

/** Refuses every request, naming what is missing, rather than run with a guessable secret. */
export const requireSecrets = createMiddleware<AppEnv>(async (c, next) => {
  const missing = missingSecrets(c.env);
  if (missing.length === 0) return next();
  log("error", "config.missing-secrets", { missing });
  return problemResponse(
    c,
    new ServiceUnavailable(
      `The server is missing required secrets (${missing.join(", ")}; each at least ${MIN_SECRET_LENGTH} characters). ` +
        "Locally, run `npm run setup` to write .dev.vars; in Cloudflare, use `wrangler secret put` or `npm run deploy`.",
    ),
  );
});
