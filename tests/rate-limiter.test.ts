import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { describe, expect, it } from "vitest";
import type { BackoffPolicy } from "../durable-objects/rate-limiter";
import type { AppEnv, Env } from "../worker/env";
import { TooManyRequests } from "../worker/errors";
import {
  BACKOFF_POLICIES,
  backoffPolicyFor,
  DEVELOPMENT_WINDOW_LIMIT,
  envVarFor,
  parseBackoffOverride,
  parseWindowOverride,
  policyFor,
  rateLimitHeaders,
  WINDOW_POLICIES,
} from "../worker/lib/rate-limit-policies";
import { handleError } from "../worker/middleware/problem";
import { rateLimit } from "../worker/middleware/rate-limit";
import { beginLoginAttempt, enforce } from "../worker/services/rate-limit";
import { api, member } from "./accounts";

let bucketCounter = 0;
const freshKey = (prefix = "test") => `${prefix}:${Date.now()}:${++bucketCounter}`;
const bucketNamed = (key: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
const freshBucket = () => bucketNamed(freshKey());

const LOGIN: BackoffPolicy = BACKOFF_POLICIES["login.account"];
const production = { APP_ENV: "production" };

describe("the RateLimiter window", () => {
  it("admits exactly the limit, then refuses with the time until the window has room", async () => {
    const limiter = freshBucket();
    const t0 = Date.now();
    const policy = { limit: 3, windowSeconds: 60 };
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.hit(policy, t0 + i * 1000));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions[3]).toMatchObject({ retryAfterSeconds: 57, resetSeconds: 57, limit: 3 });
  });

  it("says when room comes back while there is still room", async () => {
    const limiter = freshBucket();
    const t0 = Date.now();
    await limiter.hit({ limit: 5, windowSeconds: 60 }, t0);
    const second = await limiter.hit({ limit: 5, windowSeconds: 60 }, t0 + 20_000);
    expect(second).toEqual({ allowed: true, limit: 5, remaining: 3, resetSeconds: 40, retryAfterSeconds: 0 });
  });

  it("slides: a hit older than the window no longer counts", async () => {
    const limiter = freshBucket();
    const t0 = Date.now();
    const policy = { limit: 2, windowSeconds: 10 };
    await limiter.hit(policy, t0);
    await limiter.hit(policy, t0 + 5_000);
    expect((await limiter.hit(policy, t0 + 9_000)).allowed).toBe(false);
    expect((await limiter.hit(policy, t0 + 10_001)).allowed).toBe(true);
    expect((await limiter.hit(policy, t0 + 10_002)).allowed).toBe(false);
  });

  it("does not count refused hits, so hammering does not push the reopening back", async () => {
    const limiter = freshBucket();
    const t0 = Date.now();
    const policy = { limit: 1, windowSeconds: 60 };
    await limiter.hit(policy, t0);
    for (let i = 1; i <= 20; i++) expect((await limiter.hit(policy, t0 + i * 1000)).allowed).toBe(false);
    expect((await limiter.hit(policy, t0 + 60_000)).allowed).toBe(true);
  });

  it("admits exactly 7 of 50 concurrent hits against a limit of 7", async () => {
    const limiter = freshBucket();
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.hit({ limit: 7, windowSeconds: 60 })));
    const admitted = results.filter((r) => r.allowed);
    expect(admitted).toHaveLength(7);
    expect(admitted.map((r) => r.remaining).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(results.filter((r) => !r.allowed).every((r) => r.retryAfterSeconds > 0)).toBe(true);
  });

  it("admits exactly k of concurrent hits coming through separate stubs of one bucket", async () => {
    const key = freshKey();
    const results = await Promise.all(Array.from({ length: 30 }, () => bucketNamed(key).hit({ limit: 4, windowSeconds: 60 })));
    expect(results.filter((r) => r.allowed)).toHaveLength(4);
  });

  it("keeps buckets apart", async () => {
    const [a, b] = [freshBucket(), freshBucket()];
    await a.hit({ limit: 1, windowSeconds: 60 });
    expect((await a.hit({ limit: 1, windowSeconds: 60 })).allowed).toBe(false);
    expect((await b.hit({ limit: 1, windowSeconds: 60 })).allowed).toBe(true);
  });

  it("waits for enough hits to leave when a lowered limit finds the window over-full", async () => {
    const limiter = freshBucket();
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await limiter.hit({ limit: 5, windowSeconds: 60 }, t0 + i * 10_000);
    // Hits at 0, 10, 20, 30, 40 s; a limit of 2 has room once those at 0, 10 and 20 s left.
    const refused = await limiter.hit({ limit: 2, windowSeconds: 60 }, t0 + 45_000);
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 35 });
  });

  it("refuses a policy that would silently disable the limit", async () => {
    const limiter = freshBucket();
    await expect(limiter.hit({ limit: 0, windowSeconds: 60 })).rejects.toThrow(/positive integer/);
    await expect(limiter.hit({ limit: 1.5, windowSeconds: 60 })).rejects.toThrow(/positive integer/);
    await expect(limiter.hit({ limit: Number.NaN, windowSeconds: 60 })).rejects.toThrow(/positive integer/);
  });

  it("still answers the health check's ping", async () => {
    expect(await freshBucket().ping()).toBe("pong");
  });

  it("deletes an idle bucket's storage once everything in it has expired", async () => {
    const limiter = freshBucket();
    await limiter.hit({ limit: 3, windowSeconds: 60 }, Date.now() - 120_000);
    await runDurableObjectAlarm(limiter);
    const left = await runInDurableObject(limiter, async (_instance, state) => ({
      hits: state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM hits").one().n,
      alarm: await state.storage.getAlarm(),
    }));
    expect(left).toEqual({ hits: 0, alarm: null });
    expect((await limiter.hit({ limit: 1, windowSeconds: 60 })).allowed).toBe(true);
  });

  it("keeps an alarm while the bucket still holds hits", async () => {
    const limiter = freshBucket();
    await limiter.hit({ limit: 3, windowSeconds: 600 });
    const alarm = await runInDurableObject(limiter, (_instance, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThan(Date.now() + 500_000);
  });
});

describe("the RateLimiter back-off", () => {
  /** Records a failure just after each block ends; returns each failure's block in seconds. */
  async function blocksOf(policy: BackoffPolicy, failures: number): Promise<number[]> {
    const limiter = freshBucket();
    let now = Date.now();
    const blocks = [];
    for (let i = 0; i < failures; i++) {
      const decision = await limiter.recordFailure(policy, now);
      blocks.push(decision.retryAfterSeconds);
      now += decision.retryAfterSeconds * 1000 + 1000;
    }
    return blocks;
  }

  it("lets 4 failures pass and blocks 30 s at the 5th, doubling up to 1 h", async () => {
    expect(await blocksOf(LOGIN, 14)).toEqual([0, 0, 0, 0, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
  });

  it("caps the block at maxSeconds", async () => {
    expect(await blocksOf({ freeFailures: 2, windowSeconds: 60, baseSeconds: 10, maxSeconds: 25 }, 5)).toEqual([0, 10, 20, 25, 25]);
  });

  it("refuses while blocked, however right the next password, and allows again when the block ends", async () => {
    const limiter = freshBucket();
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await limiter.recordFailure(LOGIN, t0);
    expect(await limiter.checkBackoff(LOGIN, t0 + 29_000)).toMatchObject({ allowed: false, retryAfterSeconds: 1, remaining: 0 });
    expect(await limiter.attempt(LOGIN, t0 + 29_999)).toMatchObject({ allowed: false });
    expect((await limiter.checkBackoff(LOGIN, t0 + 30_000)).allowed).toBe(true);
  });

  it("does not let the failures of a long back-off age out and restart the schedule", async () => {
    const limiter = freshBucket();
    let now = Date.now();
    for (let i = 0; i < 9; i++) now += (await limiter.recordFailure(LOGIN, now)).retryAfterSeconds * 1000 + 1000;
    // 930 s have passed: the first failures are older than the 15-minute window.
    expect((await limiter.recordFailure(LOGIN, now)).retryAfterSeconds).toBe(960);
  });

  it("forgets the back-off after a quiet window once the block has ended", async () => {
    const limiter = freshBucket();
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) await limiter.recordFailure(LOGIN, t0);
    const quietAfter = t0 + 30_000 + 900_000;
    expect(await limiter.checkBackoff(LOGIN, quietAfter)).toMatchObject({ allowed: true, remaining: 5 });
    expect((await limiter.recordFailure(LOGIN, quietAfter)).retryAfterSeconds).toBe(0);
  });

  it("does not count failures older than the window towards the free ones", async () => {
    const limiter = freshBucket();
    const t0 = Date.now();
    for (let i = 0; i < 4; i++) await limiter.recordFailure(LOGIN, t0);
    expect((await limiter.recordFailure(LOGIN, t0 + 900_000)).allowed).toBe(true);
  });

  it("counts down the free failures left", async () => {
    const limiter = freshBucket();
    const remaining = [];
    for (let i = 0; i < 5; i++) remaining.push((await limiter.recordFailure(LOGIN)).remaining);
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
  });

  it("admits exactly the free attempts when 50 arrive at once", async () => {
    const limiter = freshBucket();
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.attempt(LOGIN)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(results.filter((r) => !r.allowed).every((r) => r.retryAfterSeconds === 30)).toBe(true);
  });

  it("forgets every failure after a success", async () => {
    const limiter = freshBucket();
    for (let i = 0; i < 6; i++) await limiter.recordFailure(LOGIN);
    await limiter.reset();
    expect(await limiter.checkBackoff(LOGIN)).toMatchObject({ allowed: true, remaining: 5 });
  });

  it("refuses a back-off policy whose cap is below its first block", async () => {
    await expect(freshBucket().recordFailure({ ...LOGIN, maxSeconds: 10 })).rejects.toThrow(RangeError);
  });
});

describe("policies", () => {
  it("names each override variable after its policy", () => {
    expect(envVarFor("login.ip")).toBe("RATE_LIMIT_LOGIN_IP");
    expect(envVarFor("login.account")).toBe("RATE_LIMIT_LOGIN_ACCOUNT");
    expect(envVarFor("write.user")).toBe("RATE_LIMIT_WRITE_USER");
  });

  it("uses the default when no override is set", () => {
    expect(policyFor("read.ip", production)).toEqual(WINDOW_POLICIES["read.ip"]);
    expect(backoffPolicyFor("login.account", production)).toEqual(BACKOFF_POLICIES["login.account"]);
  });

  it("reads an override of the form <limit>/<seconds>", () => {
    expect(policyFor("login.ip", { ...production, RATE_LIMIT_LOGIN_IP: "120/30" })).toEqual({ limit: 120, windowSeconds: 30 });
  });

  it.each(["abc", "10", "0/60", "10/0", "-1/60", "+5/60", "1e3/60", "10.5/60", "010/60", "10/60/5", "10 / 60", "10/999999", "10/86401", "0x10/60", "10/60s"])(
    "ignores the malformed override %j and keeps the default",
    (raw) => {
      expect(parseWindowOverride(raw)).toBeUndefined();
      expect(policyFor("login.ip", { ...production, RATE_LIMIT_LOGIN_IP: raw })).toEqual(WINDOW_POLICIES["login.ip"]);
    },
  );

  it("treats an empty override as absent", () => {
    expect(policyFor("login.ip", { ...production, RATE_LIMIT_LOGIN_IP: "" })).toEqual(WINDOW_POLICIES["login.ip"]);
  });

  it("raises window limits out of reach in local development, keeping their windows", () => {
    expect(policyFor("write.user", { APP_ENV: "development" })).toEqual({ limit: DEVELOPMENT_WINDOW_LIMIT, windowSeconds: 60 });
  });

  it("lets an explicit override win in local development, so tests can meet a limit", () => {
    expect(policyFor("register.ip", { APP_ENV: "development", RATE_LIMIT_REGISTER_IP: "1/60" })).toEqual({ limit: 1, windowSeconds: 60 });
  });

  it("keeps the real sign-in back-off in local development", () => {
    expect(backoffPolicyFor("login.account", { APP_ENV: "development" })).toEqual(BACKOFF_POLICIES["login.account"]);
  });

  it("reads a back-off override with or without block lengths", () => {
    const defaults = BACKOFF_POLICIES["login.account"];
    expect(parseBackoffOverride("10/600", defaults)).toEqual({ freeFailures: 10, windowSeconds: 600, baseSeconds: 30, maxSeconds: 3600 });
    expect(backoffPolicyFor("login.account", { RATE_LIMIT_LOGIN_ACCOUNT: "3/60/5/40" })).toEqual({ freeFailures: 3, windowSeconds: 60, baseSeconds: 5, maxSeconds: 40 });
  });

  it.each(["5", "5/900/30", "5/900/60/30", "0/900", "5/900/0/30", "five/900"])("ignores the malformed back-off override %j", (raw) => {
    expect(backoffPolicyFor("login.account", { RATE_LIMIT_LOGIN_ACCOUNT: raw })).toEqual(BACKOFF_POLICIES["login.account"]);
  });

  it("lets a crowded milonga behind one address sign in: at least 60 attempts a minute", () => {
    const { limit, windowSeconds } = WINDOW_POLICIES["login.ip"];
    expect((limit * 60) / windowSeconds).toBeGreaterThanOrEqual(60);
  });

  it("formats RateLimit-Policy and RateLimit as structured fields (draft-ietf-httpapi-ratelimit-headers-11)", () => {
    expect(rateLimitHeaders("login.ip", { limit: 60, windowSeconds: 60 }, { remaining: 0, resetSeconds: 42 })).toEqual({
      "RateLimit-Policy": '"login.ip";q=60;w=60',
      RateLimit: '"login.ip";r=0;t=42',
    });
  });
});

/** A tiny app with the production error handler, limited in a fresh bucket at "1/60". */
function limitedApp(route: (app: Hono<AppEnv>) => void) {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  route(app);
  app.onError(handleError);
  return app;
}
const onePerMinute: Env = { ...env, RATE_LIMIT_REGISTER_IP: "1/60", RATE_LIMIT_READ_IP: "2/60" };

describe("429 answers", () => {
  it("are problem+json with Retry-After and the RateLimit fields", async () => {
    const key = freshKey("register:ip");
    const app = limitedApp((a) =>
      a.get("/", async (c) => {
        await enforce(c.env, "register.ip", key);
        return c.text("ok");
      }),
    );
    expect((await app.request("/", {}, onePerMinute)).status).toBe(200);
    const res = await app.request("/", {}, onePerMinute);
    expect(res.status).toBe(429);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.headers.get("ratelimit-policy")).toBe('"register.ip";q=1;w=60');
    expect(res.headers.get("ratelimit")).toBe(`"register.ip";r=0;t=${retryAfter}`);
    expect(await res.json()).toMatchObject({ status: 429, title: "Too Many Requests", type: "/problems/too-many-requests" });
  });

  it("name the sign-in back-off when an account is blocked", async () => {
    const accountId = freshKey("account");
    const attempts = await Promise.allSettled(Array.from({ length: 20 }, () => beginLoginAttempt(env, accountId)));
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(5);
    const refusal = attempts.find((a) => a.status === "rejected")!.reason as unknown;
    expect(refusal).toBeInstanceOf(TooManyRequests);
    expect(refusal).toMatchObject({ retryAfterSeconds: 30, headers: { "RateLimit-Policy": '"login.account";q=5;w=900', RateLimit: '"login.account";r=0;t=30' } });
  });
});

describe("the rateLimit middleware", () => {
  it("tells an admitted client what is left", async () => {
    const key = freshKey("read:ip");
    const app = limitedApp((a) => a.get("/", rateLimit("read.ip", () => key), (c) => c.text("ok")));
    const res = await app.request("/", {}, onePerMinute);
    expect(res.status).toBe(200);
    expect(res.headers.get("ratelimit-policy")).toBe('"read.ip";q=2;w=60');
    expect(res.headers.get("ratelimit")).toBe('"read.ip";r=1;t=60');
  });

  it("answers 429 once the bucket is full, without running the handler", async () => {
    const key = freshKey("read:ip");
    let handled = 0;
    const app = limitedApp((a) =>
      a.get("/", rateLimit("read.ip", () => key), (c) => {
        handled += 1;
        return c.text("ok");
      }),
    );
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.request("/", {}, onePerMinute)).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect(handled).toBe(2);
  });

  it("skips the limit when the key function returns null", async () => {
    const app = limitedApp((a) => a.get("/", rateLimit("read.ip", () => null), (c) => c.text("ok")));
    for (let i = 0; i < 3; i++) expect((await app.request("/", {}, onePerMinute)).status).toBe(200);
  });

  it("adds its fields next to those of a limit hit inside the route", async () => {
    const [outer, inner] = [freshKey("read:ip"), freshKey("register:ip")];
    const app = limitedApp((a) =>
      a.get("/", rateLimit("read.ip", () => outer), async (c) => {
        await enforce(c.env, "register.ip", inner);
        return c.text("ok");
      }),
    );
    await app.request("/", {}, onePerMinute);
    const res = await app.request("/", {}, onePerMinute);
    expect(res.status).toBe(429);
    expect(res.headers.get("ratelimit-policy")).toBe('"register.ip";q=1;w=60, "read.ip";q=2;w=60');
  });
});

describe("failed sign-ins", () => {
  const login = (email: string, password: string) => api("/auth/login", { method: "POST", json: { email, password } });

  it("are answered 401 for the first 5, then 429 even for the right password", async () => {
    const account = await member();
    for (let i = 0; i < 5; i++) expect((await login(account.email, `wrong-password-${i}`)).status).toBe(401);
    const rightButBlocked = await login(account.email, account.password);
    expect(rightButBlocked.status).toBe(429);
    expect(rightButBlocked.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(rightButBlocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(rightButBlocked.headers.get("ratelimit-policy")).toBe('"login.account";q=5;w=900');
    expect(rightButBlocked.headers.get("ratelimit")).toMatch(/^"login\.account";r=0;t=\d+$/);
  });

  it("are forgiven by a successful sign-in before the 5th", async () => {
    const account = await member();
    for (let i = 0; i < 4; i++) await login(account.email, `wrong-password-${i}`);
    expect((await login(account.email, account.password)).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login(account.email, `wrong-again-${i}`)).status).toBe(401);
    expect((await login(account.email, account.password)).status).toBe(200);
  });

  it("do not lock anyone else's account", async () => {
    const victim = await member();
    const bystander = await member();
    for (let i = 0; i < 7; i++) await login(victim.email, "nope-nope-nope");
    expect((await login(bystander.email, bystander.password)).status).toBe(200);
  });
});
