import type { Env } from "../env";
import { TooManyRequests } from "../errors";
import { backoffPolicyFor, policyFor, rateLimitHeaders, type WindowPolicyName } from "../lib/rate-limit-policies";
import type { RateDecision } from "../../durable-objects/rate-limiter";

function bucket(env: Env, key: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
}

/**
 * Counts one request in `bucketKey` (e.g. `read:ip:<ip>`) against the named window policy.
 * Over the limit it throws TooManyRequests, which leaves as a 429 with Retry-After and the
 * RateLimit fields; otherwise the decision tells what is left (for the success headers).
 */
export async function enforce(env: Env, policyName: WindowPolicyName, bucketKey: string): Promise<RateDecision> {
  const policy = policyFor(policyName, env);
  const decision = await bucket(env, bucketKey).hit(policy);
  if (!decision.allowed) {
    throw new TooManyRequests(`Too many requests; try again in ${decision.retryAfterSeconds} s.`, decision.retryAfterSeconds, rateLimitHeaders(policyName, policy, decision));
  }
  return decision;
}

const loginBucket = (accountId: string) => `login:account:${accountId}`;

function tooManyLogins(env: Env, decision: RateDecision): TooManyRequests {
  const policy = backoffPolicyFor("login.account", env);
  return new TooManyRequests(
    `Too many failed sign-ins for this account; try again in ${decision.retryAfterSeconds} s, or reset your password.`,
    decision.retryAfterSeconds,
    rateLimitHeaders("login.account", { limit: policy.freeFailures, windowSeconds: policy.windowSeconds }, decision),
  );
}

/**
 * Call before checking the password; call `clearLoginFailures` when it was right. Refuses
 * (429) while the account backs off — even if the password would have been right — and
 * otherwise counts this attempt as a failure in the same atomic step, so parallel guesses
 * cannot all slip past the check before any failure is recorded.
 */
export async function beginLoginAttempt(env: Env, accountId: string): Promise<void> {
  const decision = await bucket(env, loginBucket(accountId)).attempt(backoffPolicyFor("login.account", env));
  if (!decision.allowed) throw tooManyLogins(env, decision);
}

/**
 * The two-step alternative to `beginLoginAttempt`: check here, then `recordLoginFailure`
 * after a wrong password. Right one at a time, but parallel attempts all pass the check
 * before the first failure is counted.
 */
export async function assertLoginAllowed(env: Env, accountId: string): Promise<void> {
  const decision = await bucket(env, loginBucket(accountId)).checkBackoff(backoffPolicyFor("login.account", env));
  if (!decision.allowed) throw tooManyLogins(env, decision);
}

export async function recordLoginFailure(env: Env, accountId: string): Promise<void> {
  await bucket(env, loginBucket(accountId)).recordFailure(backoffPolicyFor("login.account", env));
}

/** After a right password or a password reset: the account's past failures are forgiven. */
export async function clearLoginFailures(env: Env, accountId: string): Promise<void> {
  await bucket(env, loginBucket(accountId)).reset();
}
