import { DurableObject } from "cloudflare:workers";

/** At most `limit` hits in any `windowSeconds`-long window (a sliding window log). */
export interface WindowPolicy {
  limit: number;
  windowSeconds: number;
}

/**
 * Failed attempts (e.g. sign-ins to one account). The `freeFailures`-th failure within
 * `windowSeconds` blocks the bucket for `baseSeconds`; from then on the bucket is backing
 * off, and each further failure blocks for twice as long as the one before, at most
 * `maxSeconds`: block(n) = min(maxSeconds, baseSeconds · 2^(n − freeFailures)) for the
 * n-th failure of the streak. The streak is forgotten after `windowSeconds` without a
 * failure once the last block has ended, or at once on `reset()`.
 */
export interface BackoffPolicy {
  freeFailures: number;
  windowSeconds: number;
  baseSeconds: number;
  maxSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** What is left before the next refusal: hits for a window, free failures for a back-off. */
  remaining: number;
  /** Seconds until `remaining` grows again (the RateLimit field's `t`); 0 when nothing is counted. */
  resetSeconds: number;
  /** Seconds until a refused caller may try again; 0 when allowed. */
  retryAfterSeconds: number;
}

interface BackoffState {
  streak: number;
  blockedUntilMs: number;
}

/**
 * One object per bucket (`login:ip:<ip>`, `login:account:<id>`, …), addressed with
 * `idFromName(bucketKey)`. Every method does its reads and writes on the object's SQLite
 * synchronously, with no await in between, so concurrent callers are served strictly one
 * after another: N parallel hits against a limit of k admit exactly k. `nowMs` is
 * injectable so tests can move time instead of sleeping. An alarm deletes the bucket's
 * storage once everything in it has expired, so idle buckets cost nothing.
 */
export class RateLimiter extends DurableObject<Cloudflare.Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.createTables();
  }

  private createTables(): void {
    this.sql.exec("CREATE TABLE IF NOT EXISTS hits (at_ms INTEGER NOT NULL)");
    this.sql.exec("CREATE INDEX IF NOT EXISTS hits_at ON hits (at_ms)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS failures (at_ms INTEGER NOT NULL)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS backoff (id INTEGER PRIMARY KEY CHECK (id = 1), streak INTEGER NOT NULL, blocked_until_ms INTEGER NOT NULL)");
    // When every row above stops mattering: the alarm then wipes the bucket.
    this.sql.exec("CREATE TABLE IF NOT EXISTS expiry (at_ms INTEGER NOT NULL)");
  }

  async ping(): Promise<"pong"> {
    return "pong";
  }

  /** Counts a hit if the window has room; a refused hit is not counted. */
  hit(policy: WindowPolicy, nowMs: number = Date.now()): RateDecision {
    assertWindowPolicy(policy);
    const windowMs = policy.windowSeconds * 1000;
    this.sql.exec("DELETE FROM hits WHERE at_ms <= ?", nowMs - windowMs);
    const n = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM hits").one().n;
    if (n >= policy.limit) {
      // Room comes back when the hit that keeps the window full leaves it (n can exceed
      // the limit right after an override lowered it).
      const blocking = this.sql.exec<{ at_ms: number }>("SELECT at_ms FROM hits ORDER BY at_ms LIMIT 1 OFFSET ?", n - policy.limit).one().at_ms;
      const retryAfterSeconds = secondsUntil(blocking + windowMs, nowMs);
      return { allowed: false, limit: policy.limit, remaining: 0, resetSeconds: retryAfterSeconds, retryAfterSeconds };
    }
    this.sql.exec("INSERT INTO hits (at_ms) VALUES (?)", nowMs);
    const oldest = this.sql.exec<{ oldest: number }>("SELECT min(at_ms) AS oldest FROM hits").one().oldest;
    this.cleanUpAfter(nowMs + windowMs);
    return { allowed: true, limit: policy.limit, remaining: policy.limit - n - 1, resetSeconds: secondsUntil(oldest + windowMs, nowMs), retryAfterSeconds: 0 };
  }

  /**
   * An attempt that counts as a failure until `reset()` forgives it: refused while the
   * bucket is blocked, otherwise admitted and counted in the same synchronous step. Calling
   * this before checking a password (and `reset()` on success) keeps the back-off exact
   * under concurrency: 50 parallel guesses at a fresh account get exactly `freeFailures`
   * answers, the rest are refused.
   */
  attempt(policy: BackoffPolicy, nowMs: number = Date.now()): RateDecision {
    assertBackoffPolicy(policy);
    const refusal = this.refusalWhileBlocked(policy, nowMs);
    if (refusal) return refusal;
    this.countFailure(policy, nowMs);
    return { allowed: true, limit: policy.freeFailures, remaining: this.freeFailuresLeft(policy, nowMs), resetSeconds: this.backoffResetSeconds(policy, nowMs), retryAfterSeconds: 0 };
  }

  /** Whether an attempt may be made now, without counting one. */
  checkBackoff(policy: BackoffPolicy, nowMs: number = Date.now()): RateDecision {
    assertBackoffPolicy(policy);
    return (
      this.refusalWhileBlocked(policy, nowMs) ?? {
        allowed: true,
        limit: policy.freeFailures,
        remaining: this.freeFailuresLeft(policy, nowMs),
        resetSeconds: this.backoffResetSeconds(policy, nowMs),
        retryAfterSeconds: 0,
      }
    );
  }

  /** Counts a failed attempt; the answer says whether the bucket is now blocked, and for how long. */
  recordFailure(policy: BackoffPolicy, nowMs: number = Date.now()): RateDecision {
    assertBackoffPolicy(policy);
    this.countFailure(policy, nowMs);
    return this.checkBackoff(policy, nowMs);
  }

  /** Forgets everything in the bucket: a successful sign-in forgives the failures before it. */
  reset(): void {
    this.sql.exec("DELETE FROM hits");
    this.sql.exec("DELETE FROM failures");
    this.sql.exec("DELETE FROM backoff");
  }

  override async alarm(): Promise<void> {
    const expiresAt = this.expiresAt();
    if (expiresAt > Date.now()) {
      await this.ctx.storage.setAlarm(expiresAt);
      return;
    }
    // An idle bucket costs nothing once deleted; this instance may still serve a new hit.
    await this.ctx.storage.deleteAll();
    this.createTables();
  }

  private countFailure(policy: BackoffPolicy, nowMs: number): void {
    const windowMs = policy.windowSeconds * 1000;
    const state = this.backoffState(policy, nowMs);
    let streak: number;
    if (state) {
      streak = state.streak + 1;
    } else {
      this.sql.exec("INSERT INTO failures (at_ms) VALUES (?)", nowMs);
      streak = this.recentFailures(policy, nowMs);
      this.cleanUpAfter(nowMs + windowMs);
      if (streak < policy.freeFailures) return;
    }
    const blockSeconds = Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** (streak - policy.freeFailures));
    // A failure that raced past the check while a block was being set never shortens it.
    const blockedUntilMs = Math.max(state?.blockedUntilMs ?? 0, nowMs + blockSeconds * 1000);
    this.sql.exec("INSERT OR REPLACE INTO backoff (id, streak, blocked_until_ms) VALUES (1, ?, ?)", streak, blockedUntilMs);
    this.cleanUpAfter(blockedUntilMs + windowMs);
  }

  /** The streak in progress, or null once it has been forgotten. */
  private backoffState(policy: BackoffPolicy, nowMs: number): BackoffState | null {
    const row = this.sql.exec<{ streak: number; blocked_until_ms: number }>("SELECT streak, blocked_until_ms FROM backoff").toArray()[0];
    if (!row) return null;
    if (nowMs >= row.blocked_until_ms + policy.windowSeconds * 1000) {
      this.sql.exec("DELETE FROM backoff");
      return null;
    }
    return { streak: row.streak, blockedUntilMs: row.blocked_until_ms };
  }

  private refusalWhileBlocked(policy: BackoffPolicy, nowMs: number): RateDecision | null {
    const state = this.backoffState(policy, nowMs);
    if (!state || state.blockedUntilMs <= nowMs) return null;
    const retryAfterSeconds = secondsUntil(state.blockedUntilMs, nowMs);
    return { allowed: false, limit: policy.freeFailures, remaining: 0, resetSeconds: retryAfterSeconds, retryAfterSeconds };
  }

  /** While backing off there are none: the next failure blocks again. */
  private freeFailuresLeft(policy: BackoffPolicy, nowMs: number): number {
    if (this.backoffState(policy, nowMs)) return 0;
    return Math.max(0, policy.freeFailures - this.recentFailures(policy, nowMs));
  }

  private backoffResetSeconds(policy: BackoffPolicy, nowMs: number): number {
    const windowMs = policy.windowSeconds * 1000;
    const state = this.backoffState(policy, nowMs);
    if (state) return secondsUntil(state.blockedUntilMs + windowMs, nowMs);
    const oldest = this.sql.exec<{ oldest: number | null }>("SELECT min(at_ms) AS oldest FROM failures").one().oldest;
    return oldest === null ? 0 : secondsUntil(oldest + windowMs, nowMs);
  }

  private recentFailures(policy: BackoffPolicy, nowMs: number): number {
    this.sql.exec("DELETE FROM failures WHERE at_ms <= ?", nowMs - policy.windowSeconds * 1000);
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM failures").one().n;
  }

  private expiresAt(): number {
    return this.sql.exec<{ at: number | null }>("SELECT max(at_ms) AS at FROM expiry").one().at ?? 0;
  }

  private cleanUpAfter(atMs: number): void {
    if (atMs <= this.expiresAt()) return;
    this.sql.exec("DELETE FROM expiry");
    this.sql.exec("INSERT INTO expiry (at_ms) VALUES (?)", atMs);
    // Not awaited: the output gate holds our reply until the alarm is stored.
    void this.ctx.storage.setAlarm(atMs);
  }
}

/** Whole seconds until `atMs`, rounded up, at least 1: `Retry-After: 0` would invite a retry storm. */
function secondsUntil(atMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((atMs - nowMs) / 1000));
}

// Policies arrive over RPC; a zero or fractional value would silently disable a limit.
function assertWindowPolicy(policy: WindowPolicy): void {
  if (!isPositiveInteger(policy.limit) || !isPositiveInteger(policy.windowSeconds)) throw new RangeError("A window policy needs a positive integer limit and windowSeconds.");
}

function assertBackoffPolicy(policy: BackoffPolicy): void {
  const { freeFailures, windowSeconds, baseSeconds, maxSeconds } = policy;
  if (![freeFailures, windowSeconds, baseSeconds, maxSeconds].every(isPositiveInteger) || maxSeconds < baseSeconds) {
    throw new RangeError("A back-off policy needs positive integers, with maxSeconds ≥ baseSeconds.");
  }
}

function isPositiveInteger(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) > 0;
}
