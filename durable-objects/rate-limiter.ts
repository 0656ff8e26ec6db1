import { DurableObject } from "cloudflare:workers";

/** At most `limit` hits in any `windowSeconds`-long window (a sliding window log). */
export interface WindowPolicy {
  limit: number;
  windowSeconds: number;
}

/**
 * Failures are free up to `freeFailures` within `windowSeconds`; each one after that blocks
 * for baseSeconds · 2^(extra − 1), at most `maxSeconds`.
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
  remaining: number;
  /** Seconds until the window has room again (0 when it has room now). */
  retryAfterSeconds: number;
}

/**
 * One object per bucket (`login:ip:<ip>`, `login:account:<id>`, …). Every method runs its
 * reads and writes on the object's SQLite synchronously, with no await in between, so
 * concurrent callers are served one after another: N parallel hits against a limit of k
 * admit exactly k. An alarm wipes the bucket once it has been idle for a whole window.
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
    this.sql.exec("CREATE TABLE IF NOT EXISTS failures (at_ms INTEGER NOT NULL)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS blocked (until_ms INTEGER NOT NULL)");
    // When every row above stops mattering: the alarm then wipes the bucket.
    this.sql.exec("CREATE TABLE IF NOT EXISTS expiry (at_ms INTEGER NOT NULL)");
  }

  async ping(): Promise<"pong"> {
    return "pong";
  }

  /** Records a hit if the window has room. */
  hit(policy: WindowPolicy, nowMs: number = Date.now()): RateDecision {
    const windowMs = policy.windowSeconds * 1000;
    this.sql.exec("DELETE FROM hits WHERE at_ms <= ?", nowMs - windowMs);
    const { n, oldest } = this.sql.exec<{ n: number; oldest: number | null }>("SELECT count(*) AS n, min(at_ms) AS oldest FROM hits").one();
    if (n >= policy.limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil(((oldest ?? nowMs) + windowMs - nowMs) / 1000));
      return { allowed: false, limit: policy.limit, remaining: 0, retryAfterSeconds };
    }
    this.sql.exec("INSERT INTO hits (at_ms) VALUES (?)", nowMs);
    this.cleanUpAfter(nowMs + windowMs);
    return { allowed: true, limit: policy.limit, remaining: policy.limit - n - 1, retryAfterSeconds: 0 };
  }

  /** Whether an attempt may be made now, without counting one. */
  checkBackoff(policy: BackoffPolicy, nowMs: number = Date.now()): RateDecision {
    const until = this.blockedUntil();
    if (until > nowMs) return { allowed: false, limit: policy.freeFailures, remaining: 0, retryAfterSeconds: Math.ceil((until - nowMs) / 1000) };
    return { allowed: true, limit: policy.freeFailures, remaining: Math.max(0, policy.freeFailures - this.recentFailures(policy, nowMs)), retryAfterSeconds: 0 };
  }

  /** Counts a failed attempt and, past the free ones, blocks for an exponentially growing time. */
  recordFailure(policy: BackoffPolicy, nowMs: number = Date.now()): RateDecision {
    this.sql.exec("INSERT INTO failures (at_ms) VALUES (?)", nowMs);
    const failures = this.recentFailures(policy, nowMs);
    const extra = failures - policy.freeFailures;
    this.cleanUpAfter(nowMs + policy.windowSeconds * 1000);
    if (extra <= 0) return { allowed: true, limit: policy.freeFailures, remaining: policy.freeFailures - failures, retryAfterSeconds: 0 };
    const blockSeconds = Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** (extra - 1));
    this.sql.exec("DELETE FROM blocked");
    this.sql.exec("INSERT INTO blocked (until_ms) VALUES (?)", nowMs + blockSeconds * 1000);
    this.cleanUpAfter(nowMs + blockSeconds * 1000);
    return { allowed: false, limit: policy.freeFailures, remaining: 0, retryAfterSeconds: blockSeconds };
  }

  /** A successful attempt forgives the past failures. */
  reset(): void {
    this.sql.exec("DELETE FROM hits");
    this.sql.exec("DELETE FROM failures");
    this.sql.exec("DELETE FROM blocked");
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

  private recentFailures(policy: BackoffPolicy, nowMs: number): number {
    this.sql.exec("DELETE FROM failures WHERE at_ms <= ?", nowMs - policy.windowSeconds * 1000);
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM failures").one().n;
  }

  private blockedUntil(): number {
    return this.sql.exec<{ until: number | null }>("SELECT max(until_ms) AS until FROM blocked").one().until ?? 0;
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
