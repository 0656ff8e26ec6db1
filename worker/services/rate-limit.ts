import type { Env } from "../env";
import { TooManyRequests } from "../errors";
import { LOGIN_BACKOFF, rateLimitHeaders, windowPolicy, type WindowPolicyName } from "../lib/rate-limit-policies";
import type { RateDecision } from "../../durable-objects/rate-limiter";

function bucket(env: Env, key: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
}

/** Counts one request against a window policy; over the limit it is a 429. */
export async function enforce(env: Env, policyName: WindowPolicyName, key: string): Promise<RateDecision> {
  const policy = windowPolicy(policyName, env);
  const decision = await bucket(env, key).hit(policy);
  if (!decision.allowed) {
    throw new TooManyRequests(`Too many requests; try again in ${decision.retryAfterSeconds} s.`, decision.retryAfterSeconds, rateLimitHeaders(policyName, policy, decision));
  }
  return decision;
}

const loginBucket = (accountId: string) => `login:account:${accountId}`;
const LOGIN_POLICY_SHAPE = { limit: LOGIN_BACKOFF.freeFailures, windowSeconds: LOGIN_BACKOFF.windowSeconds };

function tooManyLogins(decision: RateDecision): TooManyRequests {
  return new TooManyRequests(
    `Too many failed sign-ins for this account; try again in ${decision.retryAfterSeconds} s, or reset your password.`,
    decision.retryAfterSeconds,
    rateLimitHeaders("login.account", LOGIN_POLICY_SHAPE, decision),
  );
}

/** While an account backs off, even the right password is refused. */
export async function assertLoginAllowed(env: Env, accountId: string): Promise<void> {
  const decision = await bucket(env, loginBucket(accountId)).checkBackoff(LOGIN_BACKOFF);
  if (!decision.allowed) throw tooManyLogins(decision);
}

export async function recordLoginFailure(env: Env, accountId: string): Promise<void> {
  await bucket(env, loginBucket(accountId)).recordFailure(LOGIN_BACKOFF);
}

export async function clearLoginFailures(env: Env, accountId: string): Promise<void> {
  await bucket(env, loginBucket(accountId)).reset();
}
