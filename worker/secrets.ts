/**
 * Secrets the Worker cannot run without; there is no fallback value for any of them.
 * Kept free of imports so the deploy script (plain Node) can read it too. wrangler.toml
 * declares the same names under `[secrets] required` for `wrangler types`.
 */
export const REQUIRED_SECRETS = ["JWT_SECRET", "STRIPE_WEBHOOK_SECRET"] as const;

/** Optional: unhandled errors go to Sentry only when it is set. */
export const OPTIONAL_SECRETS = ["SENTRY_DSN"] as const;

/** Shorter than this cannot have come from a random generator. */
export const MIN_SECRET_LENGTH = 32;
