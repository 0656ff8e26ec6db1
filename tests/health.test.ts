import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { healthApi } from "../worker/api/health";

describe("GET /api/hello", () => {
  it("answers through the whole middleware stack without touching a binding", async () => {
    const res = await SELF.fetch("https://mundo.test/api/hello");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ hello: "world" });
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });
});

describe("GET /api/health", () => {
  it("answers ok after a real round trip through D1, KV, R2, the queue and a Durable Object", async () => {
    const res = await SELF.fetch("https://mundo.test/api/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      status: "ok",
      checks: { d1: "ok", kv: "ok", r2: "ok", queue: "ok", durableObject: "ok" },
    });
  });

  it("answers 503 and names the check that failed", async () => {
    const brokenD1 = { prepare: () => ({ first: () => Promise.reject(new Error("D1 is down")) }) } as unknown as D1Database;
    const res = await healthApi.request("/health", {}, { ...env, DB: brokenD1 });
    expect(res.status).toBe(503);
    const body = await res.json<{ status: string; checks: Record<string, string> }>();
    expect(body.status).toBe("degraded");
    expect(body.checks.d1).toBe("failed");
    expect(body.checks.kv).toBe("ok");
  });

  it("names a Durable Object that does not answer", async () => {
    const silentObjects = {
      idFromName: () => ({}),
      get: () => ({ ping: () => Promise.reject(new Error("evicted")) }),
    } as unknown as DurableObjectNamespace;
    const res = await healthApi.request("/health", {}, { ...env, RATE_LIMITER: silentObjects });
    expect(res.status).toBe(503);
    expect((await res.json<{ checks: Record<string, string> }>()).checks.durableObject).toBe("failed");
  });
});
