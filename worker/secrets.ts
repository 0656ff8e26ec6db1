/**
 * Secrets the Worker cannot run without; there is no fallback value for any of them.
 * Kept free of imports so the deploy script (plain Node) can read it too. wrangler.toml
 * declares the same names under `[secrets] required` for `wrangler types`.
 */
export const REQUIRED_SECRETS = ["JWT_SECRET", "STRIPE_WEBHOOK_SECRET"] as const;

/** Optional: Sentry reporting when SENTRY_DSN is set; MAIL_API_KEY for mail outside local development; STRIPE_SECRET_KEY for paid tickets (a 503 without it). */
export const OPTIONAL_SECRETS = ["SENTRY_DSN", "MAIL_API_KEY", "STRIPE_SECRET_KEY"] as const;

/** Shorter than this cannot have come from a random generator. */
export const MIN_SECRET_LENGTH = 32;
