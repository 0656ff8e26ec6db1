import { env, runInDurableObject } from "cloudflare:test";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../worker/env";
import { LOGIN_BACKOFF, parseOverride, rateLimitHeaders, windowPolicy, WINDOW_POLICIES, type WindowPolicyName } from "../worker/lib/rate-limit-policies";
import { handleError } from "../worker/middleware/problem";
import { enforce } from "../worker/services/rate-limit";
import { api, member } from "./accounts";

let bucketCounter = 0;
const freshBucket = () => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`test:${Date.now()}:${++bucketCounter}`));

describe("the RateLimiter Durable Object", () => {
  it("admits exactly the limit, then refuses with the time until the window has room", async () => {
    const limiter = freshBucket();
    const now = Date.now();
    const policy = { limit: 3, windowSeconds: 60 };
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.hit(policy, now + i * 1000));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions[3]!.retryAfterSeconds).toBe(57);
  });

  it("slides: a hit older than the window no longer counts", async () => {
    const limiter = freshBucket();
    const now = Date.now();
    const policy = { limit: 2, windowSeconds: 10 };
    await limiter.hit(policy, now);
    await limiter.hit(policy, now + 5_000);
    expect((await limiter.hit(policy, now + 9_000)).allowed).toBe(false);
    expect((await limiter.hit(policy, now + 10_001)).allowed).toBe(true);
  });

  it("admits exactly k of 50 concurrent hits against a limit of k", async () => {
    const limiter = freshBucket();
    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.hit({ limit: 7, windowSeconds: 60 })));
    expect(results.filter((r) => r.allowed)).toHaveLength(7);
  });

  it("keeps buckets apart", async () => {
    const [a, b] = [freshBucket(), freshBucket()];
    await a.hit({ limit: 1, windowSeconds: 60 });
    expect((await a.hit({ limit: 1, windowSeconds: 60 })).allowed).toBe(false);
    expect((await b.hit({ limit: 1, windowSeconds: 60 })).allowed).toBe(true);
  });

  it("backs off exponentially after the free failures, up to the cap", async () => {
    const limiter = freshBucket();
    const now = Date.now();
    const policy = { freeFailures: 5, windowSeconds: 900, baseSeconds: 30, maxSeconds: 100 };
    const blocks = [];
    for (let i = 0; i < 9; i++) blocks.push((await limiter.recordFailure(policy, now + i)).retryAfterSeconds);
    expect(blocks).toEqual([0, 0, 0, 0, 0, 30, 60, 100, 100]);
  });

  it("refuses while blocked, and allows again when the block expires", async () => {
    const limiter = freshBucket();
    const now = Date.now();
    for (let i = 0; i < 6; i++) await limiter.recordFailure(LOGIN_BACKOFF, now);
    expect((await limiter.checkBackoff(LOGIN_BACKOFF, now + 29_000)).allowed).toBe(false);
    expect((await limiter.checkBackoff(LOGIN_BACKOFF, now + 30_001)).allowed).toBe(true);
  });

  it("forgets past failures after a success", async () => {
    const limiter = freshBucket();
    for (let i = 0; i < 6; i++) await limiter.recordFailure(LOGIN_BACKOFF);
    await limiter.reset();
    expect((await limiter.checkBackoff(LOGIN_BACKOFF)).allowed).toBe(true);
  });
});

describe("policies", () => {
  it("reads an override of the form <limit>/<seconds>", () => {
    expect(windowPolicy("login.ip", { RATE_LIMIT_LOGIN_IP: "120/30" })).toEqual({ limit: 120, windowSeconds: 30 });
  });

  it.each(["", "abc", "10", "0/60", "10/0", "-1/60", "1e3/60", "10/999999"])("ignores a malformed override %j", (raw) => {
    expect(windowPolicy("login.ip", { RATE_LIMIT_LOGIN_IP: raw })).toEqual(WINDOW_POLICIES["login.ip"]);
    if (raw) expect(parseOverride(raw)).toBeUndefined();
  });

  it("lets a crowded milonga behind one address sign in", () => {
    expect(WINDOW_POLICIES["login.ip"].limit / WINDOW_POLICIES["login.ip"].windowSeconds).toBeGreaterThanOrEqual(1);
  });

  it("formats RateLimit-Policy and RateLimit as structured fields", () => {
    expect(rateLimitHeaders("login.ip", { limit: 60, windowSeconds: 60 }, { remaining: 0, retryAfterSeconds: 42 })).toEqual({
      "RateLimit-Policy": '"login.ip";q=60;w=60',
      RateLimit: '"login.ip";r=0;t=42',
    });
  });
});

describe("429 answers", () => {
  it("are problem+json with Retry-After and the RateLimit fields", async () => {
    const app = new Hono<AppEnv>();
    const key = `register:ip:test-${Date.now()}`;
    app.use(requestId());
    app.get("/", async (c) => {
      await enforce(c.env, "register.ip", key);
      return c.text("ok");
    });
    app.onError(handleError);
    const limited = { ...env, RATE_LIMIT_REGISTER_IP: "1/60" };
    expect((await app.request("/", {}, limited)).status).toBe(200);
    const res = await app.request("/", {}, limited);
    expect(res.status).toBe(429);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.headers.get("ratelimit-policy")).toBe('"register.ip";q=1;w=60');
    expect(res.headers.get("ratelimit")).toMatch(/^"register.ip";r=0;t=\d+$/);
  });
});

describe("failed sign-ins", () => {
  it("lock an account after 5 failures, even against the right password", async () => {
    const account = await member();
    const attempt = (password: string) => api("/auth/login", { method: "POST", json: { email: account.email, password } });
    for (let i = 0; i < 5; i++) expect((await attempt("wrong-password-" + i)).status).toBe(401);
    const sixth = await attempt("wrong-password-6");
    expect(sixth.status).toBe(401);
    const rightButBlocked = await attempt(account.password);
    expect(rightButBlocked.status).toBe(429);
    expect(Number(rightButBlocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(rightButBlocked.headers.get("ratelimit-policy")).toContain("login.account");
  });

  it("do not lock anyone else's account", async () => {
    const victim = await member();
    const bystander = await member();
    for (let i = 0; i < 7; i++) await api("/auth/login", { method: "POST", json: { email: victim.email, password: "nope-nope-nope" } });
    expect((await api("/auth/login", { method: "POST", json: { email: bystander.email, password: bystander.password } })).status).toBe(200);
  });
});

/**
 * Puts a bucket at its limit as if that many requests had just been counted. Locally the
 * limits are raised out of reach (wrangler.toml), and sending 10,000 real requests would
 * only make the suite slow: the requests under test are then the first ones over it.
 */
async function fillBucket(key: string, policyName: WindowPolicyName): Promise<{ limit: number; windowSeconds: number }> {
  const policy = windowPolicy(policyName, env);
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(key));
  await runInDurableObject(stub, (_limiter, state) => {
    state.storage.sql.exec(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) INSERT INTO hits (at_ms) SELECT ? FROM n",
      policy.limit,
      Date.now(),
    );
  });
  return policy;
}

describe("API limits", () => {
  it("refuse a member's write over write.user with 429 and the RateLimit fields, changing nothing", async () => {
    const busy = await member({ displayName: "Busy Bee" });
    const policy = await fillBucket(`write:user:${busy.user.id}`, "write.user");
    const res = await api("/me", { method: "PATCH", token: busy.accessToken, json: { displayName: "Too Many" } });
    expect(res.status).toBe(429);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.headers.get("ratelimit-policy")).toBe(`"write.user";q=${policy.limit};w=${policy.windowSeconds}`);
    expect(res.headers.get("ratelimit")).toMatch(/^"write.user";r=0;t=\d+$/);
    expect((await (await api("/me", { token: busy.accessToken })).json<{ displayName: string }>()).displayName).toBe("Busy Bee");
  });

  it("leave another member's writes alone when one member is over write.user", async () => {
    const busy = await member();
    const other = await member();
    await fillBucket(`write:user:${busy.user.id}`, "write.user");
    expect((await api("/me", { method: "PATCH", token: busy.accessToken, json: { bio: "a" } })).status).toBe(429);
    expect((await api("/me", { method: "PATCH", token: other.accessToken, json: { bio: "b" } })).status).toBe(200);
  });

  it("do not count a member's reads", async () => {
    const busy = await member();
    await fillBucket(`write:user:${busy.user.id}`, "write.user");
    expect((await api("/me", { token: busy.accessToken })).status).toBe(200);
  });

  it("refuse a visitor's requests over read.ip from that address only", async () => {
    const policy = await fillBucket("read:ip:203.0.113.7", "read.ip");
    const res = await api("/cities", { ip: "203.0.113.7" });
    expect(res.status).toBe(429);
    expect(res.headers.get("ratelimit-policy")).toBe(`"read.ip";q=${policy.limit};w=${policy.windowSeconds}`);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await api("/cities", { ip: "203.0.113.8" })).status).toBe(200);
  });

  it("do not count a signed-in member's reads against their address", async () => {
    const account = await member();
    await fillBucket("read:ip:203.0.113.9", "read.ip");
    expect((await api("/me", { token: account.accessToken, ip: "203.0.113.9" })).status).toBe(200);
  });

  it("leave sign-in to its own limits rather than counting it twice", async () => {
    const account = await member();
    await fillBucket("read:ip:203.0.113.10", "read.ip");
    const res = await api("/auth/login", { method: "POST", ip: "203.0.113.10", json: { email: account.email, password: account.password } });
    expect(res.status).toBe(200);
  });
});
