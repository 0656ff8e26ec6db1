import type { BackoffPolicy, WindowPolicy } from "../../durable-objects/rate-limiter";
import { log } from "./log";

/**
 * Every limit in one place. Defaults suit production traffic; each window policy can be
 * overridden with an env var `RATE_LIMIT_<NAME>` = "<limit>/<seconds>", e.g.
 * RATE_LIMIT_LOGIN_IP="120/60". wrangler.toml raises the local-development limits so
 * neither a developer nor the test suites run into them (docs/rate-limits.md).
 */
export const WINDOW_POLICIES = {
  /** A crowded milonga shares one NAT'd Wi-Fi: generous per address. */
  "login.ip": { limit: 60, windowSeconds: 60 },
  /** Sign-ups per address: a household or a class signing up together fits easily. */
  "register.ip": { limit: 20, windowSeconds: 60 * 60 },
  /** Asking for reset or verification mails: enough for typos, not for mail-bombing. */
  "mail.ip": { limit: 10, windowSeconds: 60 * 60 },
  /** Posts, comments, RSVPs by one member. */
  "write.user": { limit: 60, windowSeconds: 60 },
  /** Anonymous reads per address. */
  "read.ip": { limit: 600, windowSeconds: 60 },
  /** Pictures uploaded by one member (posts and stories): a night's photos, not a backup service. */
  "upload.user": { limit: 60, windowSeconds: 60 * 60 },
  /** Organizer messages to an event's attendees: news, not a mailing list. */
  "message.event": { limit: 5, windowSeconds: 24 * 60 * 60 },
  /** Chat messages by one member, across all rooms: a fast conversation, not a flood. */
  "chat.send": { limit: 30, windowSeconds: 30 },
} as const satisfies Record<string, WindowPolicy>;

export type WindowPolicyName = keyof typeof WINDOW_POLICIES;

/** Failed logins per account: 5 free in 15 minutes, then 30 s, 60 s, 120 s … at most 1 hour. */
export const LOGIN_BACKOFF: BackoffPolicy = { freeFailures: 5, windowSeconds: 15 * 60, baseSeconds: 30, maxSeconds: 60 * 60 };

export function envVarFor(name: WindowPolicyName): string {
  return `RATE_LIMIT_${name.replace(/\./g, "_").toUpperCase()}`;
}

/** The policy in force: the env override when it parses, else the default (a bad override is logged). */
export function windowPolicy(name: WindowPolicyName, env: object): WindowPolicy {
  const raw = (env as Record<string, unknown>)[envVarFor(name)];
  if (raw === undefined || raw === "") return WINDOW_POLICIES[name];
  const parsed = typeof raw === "string" ? parseOverride(raw) : undefined;
  if (!parsed) {
    log("warn", "rate-limit.bad-override", { variable: envVarFor(name), expected: "<limit>/<seconds>" });
    return WINDOW_POLICIES[name];
  }
  return parsed;
}

export function parseOverride(raw: string): WindowPolicy | undefined {
  const match = /^([1-9][0-9]{0,6})\/([1-9][0-9]{0,5})$/.exec(raw.trim());
  if (!match) return undefined;
  const windowSeconds = Number(match[2]);
  return windowSeconds <= 24 * 60 * 60 ? { limit: Number(match[1]), windowSeconds } : undefined;
}

/**
 * RateLimit-Policy and RateLimit fields as structured headers
 * (draft-ietf-httpapi-ratelimit-headers-09): `"login.ip";q=60;w=60` and `"login.ip";r=0;t=42`.
 */
export function rateLimitHeaders(name: string, policy: { limit: number; windowSeconds: number }, decision: { remaining: number; retryAfterSeconds: number }): Record<string, string> {
  return {
    "RateLimit-Policy": `"${name}";q=${policy.limit};w=${policy.windowSeconds}`,
    RateLimit: `"${name}";r=${decision.remaining};t=${decision.retryAfterSeconds}`,
  };
}
