import { createMiddleware } from "hono/factory";
import type { AppEnv, Env } from "../env";
import { log } from "../lib/log";

/** Secrets the Worker cannot run without. There is no fallback value for any of them. */
export const REQUIRED_SECRETS = ["JWT_SECRET", "STRIPE_WEBHOOK_SECRET"] as const satisfies readonly (keyof Env)[];

export function missingSecrets(env: Env): string[] {
  return REQUIRED_SECRETS.filter((name) => {
    const value = env[name];
    return typeof value !== "string" || value.length < 32;
  });
}

export const requireSecrets = createMiddleware<AppEnv>(async (c, next) => {
  const missing = missingSecrets(c.env);
  if (missing.length > 0) {
    log("error", "config.missing-secrets", { missing });
    return c.body(
      JSON.stringify({
        type: "/problems/misconfigured",
        title: "Service Misconfigured",
        status: 503,
        detail: `The server is missing required secrets (${missing.join(", ")}; each at least 32 characters). Locally, run \`npm run setup\` to write .dev.vars; in Cloudflare, use \`wrangler secret put\`.`,
        instance: new URL(c.req.url).pathname,
        requestId: c.get("requestId"),
      }),
      503,
      { "Content-Type": "application/problem+json" },
    );
  }
  await next();
});
