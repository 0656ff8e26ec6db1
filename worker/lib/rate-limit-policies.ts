import type { BackoffPolicy, RateDecision, WindowPolicy } from "../../durable-objects/rate-limiter";
import { log } from "./log";

/**
 * Every limit in one place (docs/rate-limits.md). The defaults suit production; each policy
 * can be overridden with an env var named after it, `RATE_LIMIT_<NAME>` (see `envVarFor`):
 * window policies as "<limit>/<seconds>", e.g. RATE_LIMIT_LOGIN_IP="120/60". Bucket keys
 * follow the policy name: `login.ip` counts in `login:ip:<ip>`, `write.user` in
 * `write:user:<user id>`.
 */
export const WINDOW_POLICIES = {
  /**
   * Sign-in attempts per address. A festival's venue Wi-Fi puts hundreds of dancers behind
   * one NAT; guessing one account is stopped by the account back-off, not by this.
   */
  "login.ip": { limit: 120, windowSeconds: 60 },
  /** Sign-ups per address: a beginners' class signing up together on the venue Wi-Fi fits. */
  "register.ip": { limit: 30, windowSeconds: 60 * 60 },
  /** Reset and verification mails asked for per address: enough for typos, not for mail-bombing. */
  "mail.ip": { limit: 20, windowSeconds: 60 * 60 },
  /** Token refreshes per address: each device refreshes about every 15 min; this only stops floods. */
  "refresh.ip": { limit: 300, windowSeconds: 60 },
  /** Posts, comments, RSVPs, profile edits by one member: far above what a person types. */
  "write.user": { limit: 60, windowSeconds: 60 },
  /** API reads per address: a whole milonga browsing tonight's events from one Wi-Fi. */
  "read.ip": { limit: 3000, windowSeconds: 60 },
} as const satisfies Record<string, WindowPolicy>;

export const BACKOFF_POLICIES = {
  /** Failed sign-ins per account: the 5th failure within 15 min blocks 30 s, then 60 s, 120 s, … at most 1 h. */
  "login.account": { freeFailures: 5, windowSeconds: 15 * 60, baseSeconds: 30, maxSeconds: 60 * 60 },
} as const satisfies Record<string, BackoffPolicy>;

export type WindowPolicyName = keyof typeof WINDOW_POLICIES;
export type BackoffPolicyName = keyof typeof BACKOFF_POLICIES;
export type PolicyName = WindowPolicyName | BackoffPolicyName;

/**
 * Local development and the test suites send every request from one address ("local": no
 * CF-Connecting-IP), so there window limits are this high unless a variable says otherwise.
 * Back-offs keep their real schedule everywhere: only wrong passwords meet them.
 */
export const DEVELOPMENT_WINDOW_LIMIT = 100_000;

/** "login.ip" → "RATE_LIMIT_LOGIN_IP". */
export function envVarFor(name: PolicyName): string {
  return `RATE_LIMIT_${name.replace(/\./g, "_").toUpperCase()}`;
}

/**
 * The window policy in force: a valid override, else the default (raised in development).
 * A malformed override is ignored with a warning rather than failing requests: a typo then
 * leaves the production default in force, never an unlimited bucket.
 */
export function policyFor(name: WindowPolicyName, env: object): WindowPolicy {
  const raw = overrideOf(name, env);
  const parsed = raw === undefined ? undefined : parseWindowOverride(raw);
  if (parsed) return parsed;
  if (raw !== undefined) warnOnce(name, "<limit>/<seconds>");
  const policy = WINDOW_POLICIES[name];
  return isDevelopment(env) ? { limit: DEVELOPMENT_WINDOW_LIMIT, windowSeconds: policy.windowSeconds } : policy;
}

/**
 * The back-off policy in force. Override with "<freeFailures>/<windowSeconds>" or
 * "<freeFailures>/<windowSeconds>/<baseSeconds>/<maxSeconds>"; malformed → default, as above.
 */
export function backoffPolicyFor(name: BackoffPolicyName, env: object): BackoffPolicy {
  const raw = overrideOf(name, env);
  const parsed = raw === undefined ? undefined : parseBackoffOverride(raw, BACKOFF_POLICIES[name]);
  if (parsed) return parsed;
  if (raw !== undefined) warnOnce(name, "<freeFailures>/<windowSeconds>[/<baseSeconds>/<maxSeconds>]");
  return BACKOFF_POLICIES[name];
}

const COUNT = "([1-9][0-9]{0,6})";
const SECONDS = "([1-9][0-9]{0,5})";
const MAX_WINDOW_SECONDS = 24 * 60 * 60;

/** "120/60" → 120 per 60 s. Positive integers without signs, exponents or leading zeros; windows up to a day. */
export function parseWindowOverride(raw: string): WindowPolicy | undefined {
  const match = new RegExp(`^${COUNT}/${SECONDS}$`).exec(raw.trim());
  if (!match) return undefined;
  const policy = { limit: Number(match[1]), windowSeconds: Number(match[2]) };
  return policy.windowSeconds <= MAX_WINDOW_SECONDS ? policy : undefined;
}

/** "5/900" keeps the default block lengths; "5/900/30/3600" sets them too (max ≥ base). */
export function parseBackoffOverride(raw: string, defaults: BackoffPolicy): BackoffPolicy | undefined {
  const match = new RegExp(`^${COUNT}/${SECONDS}(?:/${SECONDS}/${SECONDS})?$`).exec(raw.trim());
  if (!match) return undefined;
  const [freeFailures, windowSeconds] = [Number(match[1]), Number(match[2])];
  const [baseSeconds, maxSeconds] = match[3] ? [Number(match[3]), Number(match[4])] : [defaults.baseSeconds, defaults.maxSeconds];
  if (windowSeconds > MAX_WINDOW_SECONDS || maxSeconds < baseSeconds) return undefined;
  return { freeFailures, windowSeconds, baseSeconds, maxSeconds };
}

/**
 * RateLimit-Policy and RateLimit as Structured Fields, following
 * draft-ietf-httpapi-ratelimit-headers-11 (the syntax is unchanged since -08):
 * `RateLimit-Policy: "login.ip";q=120;w=60` and `RateLimit: "login.ip";r=0;t=42`.
 * `t` is the effective window: seconds until the available quota `r` grows again.
 */
export function rateLimitHeaders(name: PolicyName, policy: { limit: number; windowSeconds: number }, decision: Pick<RateDecision, "remaining" | "resetSeconds">): Record<string, string> {
  return {
    "RateLimit-Policy": `"${name}";q=${policy.limit};w=${policy.windowSeconds}`,
    RateLimit: `"${name}";r=${decision.remaining};t=${decision.resetSeconds}`,
  };
}

function overrideOf(name: PolicyName, env: object): string | undefined {
  const raw = (env as Record<string, unknown>)[envVarFor(name)];
  if (raw === undefined || raw === null || raw === "") return undefined;
  return typeof raw === "string" ? raw : String(raw);
}

function isDevelopment(env: object): boolean {
  return (env as { APP_ENV?: unknown }).APP_ENV === "development";
}

const warned = new Set<string>();

function warnOnce(name: PolicyName, expected: string): void {
  if (warned.has(name)) return;
  warned.add(name);
  log("warn", "rate-limit.bad-override", { variable: envVarFor(name), expected, using: "default" });
}
