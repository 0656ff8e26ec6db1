import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppEnv } from "../worker/env";
import { handleError } from "../worker/middleware/problem";
import { requireSecrets } from "../worker/middleware/require-secrets";

const get = (path: string, init?: RequestInit) => SELF.fetch(`https://mundo.test${path}`, init);

/** A tiny app with the production error handler and a route that throws. */
function boomApp(message = "kaboom") {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.get("/boom", () => {
    throw new Error(message);
  });
  app.onError(handleError);
  return app;
}

describe("every response", () => {
  for (const path of ["/api/health", "/api/v1/events?limit=1", "/", "/api/nope"]) {
    it(`carries security headers: ${path}`, async () => {
      const res = await get(path);
      const csp = res.headers.get("content-security-policy") ?? "";
      const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
      expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
      expect(scriptSrc).not.toContain("unsafe-inline");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(res.headers.get("strict-transport-security")).toMatch(/max-age=\d{8}/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("permissions-policy")).toContain("camera=()");
      expect(res.headers.get("server-timing")).toMatch(/total;dur=/);
      expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    });
  }

  it("uses a fresh CSP nonce per response", async () => {
    const nonce = async () => /'nonce-([^']+)'/.exec((await get("/api/health")).headers.get("content-security-policy")!)?.[1];
    expect(await nonce()).not.toBe(await nonce());
  });

  it("echoes a well-formed incoming X-Request-Id", async () => {
    const res = await get("/api/health", { headers: { "X-Request-Id": "trace-abc-123" } });
    expect(res.headers.get("x-request-id")).toBe("trace-abc-123");
  });

  it("replaces a malformed incoming X-Request-Id instead of reflecting it", async () => {
    const res = await get("/api/nope", { headers: { "X-Request-Id": "<script>alert(1)</script>" } });
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await res.json<{ requestId: string }>()).requestId).toBe(id);
  });
});

describe("an empty database", () => {
  it("shows a welcome page instead of failing", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("npm run db:seed");
  });
});

describe("problem+json errors", () => {
  it("answers 404 for an unknown API path", async () => {
    const res = await get("/api/v1/milongas-of-mars");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const body = await res.json<Record<string, unknown>>();
    expect(body).toMatchObject({ status: 404, title: "Not Found", instance: "/api/v1/milongas-of-mars", type: expect.any(String) });
    expect(body.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("answers 400 for malformed JSON", async () => {
    const res = await get("/api/v1/reports", { method: "POST", headers: { "Content-Type": "application/json" }, body: '[{"type": "csp-violation",' });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 400, detail: expect.stringMatching(/json/i) });
  });

  it("answers 400 naming the fields of an invalid JSON body", async () => {
    const res = await get("/api/v1/reports", {
      method: "POST",
      headers: { "Content-Type": "application/reports+json" },
      body: JSON.stringify([{ type: "csp-violation", url: 42 }]),
    });
    expect(res.status).toBe(400);
    expect((await res.json<{ errors: { path: string }[] }>()).errors).toEqual([expect.objectContaining({ path: "0.url" })]);
  });

  it("accepts a well-formed browser report batch", async () => {
    const res = await get("/api/v1/reports", {
      method: "POST",
      headers: { "Content-Type": "application/reports+json" },
      body: JSON.stringify([{ type: "csp-violation", url: "https://mundo.test/", age: 3, body: { effectiveDirective: "script-src", blockedURL: "inline" } }]),
    });
    expect(res.status).toBe(204);
  });

  it("refuses a body without a JSON content type", async () => {
    const res = await get("/api/v1/reports", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "[]" });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("answers 413 for a body over the size limit", async () => {
    const res = await get("/api/v1/reports", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify([{ type: "x", url: "y".repeat(2 * 1024 * 1024) }]),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("answers 404 for a method the API does not route", async () => {
    const res = await get("/api/v1/events", { method: "DELETE" });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("turns an unexpected exception into a 500 that reveals nothing", async () => {
    const res = await boomApp("SQLITE_ERROR: no such column: secret_password_hash").request("/boom", {}, env);
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const text = await res.text();
    expect(text).not.toContain("SQLITE");
    expect(text).not.toContain("secret_password_hash");
    expect(JSON.parse(text)).toMatchObject({ status: 500, title: "Internal Server Error", requestId: expect.any(String) });
  });
});

describe("Sentry", () => {
  afterEach(() => vi.restoreAllMocks());

  it("reports unhandled errors through toucan-js when SENTRY_DSN is set", async () => {
    const sent: string[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      sent.push(input instanceof Request ? input.url : String(input));
      return new Response("{}", { status: 200 });
    });
    const ctx = createExecutionContext();
    const res = await boomApp().request("/boom", {}, { ...env, SENTRY_DSN: "https://public@sentry.example/42" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(500);
    expect(sent).toEqual([expect.stringContaining("sentry.example/api/42/")]);
  });

  it("stays silent when SENTRY_DSN is empty", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const ctx = createExecutionContext();
    await boomApp().request("/boom", {}, { ...env, SENTRY_DSN: "" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe("CORS", () => {
  it("allows the app's own origin on the API", async () => {
    const res = await get("/api/v1/cities", { headers: { Origin: env.APP_ORIGIN } });
    expect(res.headers.get("access-control-allow-origin")).toBe(env.APP_ORIGIN);
  });

  it("does not allow a foreign origin", async () => {
    const res = await get("/api/v1/cities", { headers: { Origin: "https://evil.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers preflight requests for the API only", async () => {
    const preflight = { method: "OPTIONS", headers: { Origin: env.APP_ORIGIN, "Access-Control-Request-Method": "GET" } };
    expect((await get("/api/v1/events", preflight)).headers.get("access-control-allow-origin")).toBe(env.APP_ORIGIN);
    expect((await get("/events", { headers: { Origin: env.APP_ORIGIN } })).headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("required secrets", () => {
  it("refuses to serve, naming the missing secret, when JWT_SECRET is absent", async () => {
    const app = new Hono<AppEnv>();
    app.use(requestId());
    app.use(requireSecrets);
    app.get("/", (c) => c.text("served"));
    const res = await app.request("/", {}, { ...env, JWT_SECRET: undefined });
    expect(res.status).toBe(503);
    const body = await res.json<{ detail: string }>();
    expect(body.detail).toContain("JWT_SECRET");
    expect(body.detail).not.toContain(env.STRIPE_WEBHOOK_SECRET);
  });

  it("refuses a secret too short to be random", async () => {
    const app = new Hono<AppEnv>();
    app.use(requireSecrets);
    app.get("/", (c) => c.text("served"));
    expect((await app.request("/", {}, { ...env, JWT_SECRET: "changeme" })).status).toBe(503);
  });
});

describe("OpenAPI", () => {
  it("publishes an OpenAPI 3.1 document generated from the validating schemas", async () => {
    const res = await get("/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json<{ openapi: string; paths: Record<string, Record<string, { parameters?: { name: string }[] }>> }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/health", "/api/v1/events", "/api/v1/cities"]));
    const params = doc.paths["/api/v1/events"]!.get!.parameters!.map((p) => p.name);
    expect(params).toEqual(expect.arrayContaining(["city", "from", "to", "type", "limit", "cursor"]));
  });

  it("renders the reference at /api/docs with no external script or stylesheet", async () => {
    const res = await get("/api/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("/api/v1/events");
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/);
    expect(html).not.toMatch(/<link[^>]+href=["']https?:/);
  });
});
