import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { seedWorld } from "./world";

beforeAll(seedWorld);

const HOSTILE_VALUES = [
  "",
  " ",
  "%00",
  "\u0000",
  "' OR '1'='1' --",
  "1; DROP TABLE events;",
  "<script>alert(1)</script>",
  "\"><img src=x onerror=alert(1)>",
  "../../../etc/passwd",
  "9".repeat(400),
  "-1",
  "1e309",
  "NaN",
  "null",
  "[]",
  "{}",
  "🎉💃🕺",
  "x".repeat(5000),
];

const HOSTILE_BODIES: [string, string][] = [
  ["application/json", ""],
  ["application/json", "{"],
  ["application/json", "null"],
  ["application/json", "[]"],
  ["application/json", '"just a string"'],
  ["application/json", JSON.stringify([{ type: "<script>", url: "javascript:alert(1)", body: { ["__proto__"]: { admin: true } } }])],
  ["application/json", JSON.stringify(Array.from({ length: 500 }, () => ({ type: "x", url: "y" })))],
  ["application/json", "\uFEFF[]"],
  ["text/plain", "hello"],
  ["application/x-www-form-urlencoded", "a=1&b=2"],
  ["multipart/form-data; boundary=x", "--x--"],
];

async function expectNoServerError(res: Response, what: string) {
  expect(res.status, what).toBeLessThan(500);
  if (res.status >= 400) {
    const type = res.headers.get("content-type") ?? "";
    if (new URL(res.url).pathname.startsWith("/api")) expect(type, what).toBe("application/problem+json");
  }
  await res.body?.cancel();
}

interface OpenApiDoc {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown }>>;
}

describe("no input produces a 500", () => {
  let doc: OpenApiDoc;
  beforeAll(async () => {
    doc = await (await SELF.fetch("https://mundo.test/api/openapi.json")).json<OpenApiDoc>();
  });

  it("every documented query parameter, given hostile values", async () => {
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const param of (op.parameters ?? []).filter((p) => p.in === "query")) {
          for (const value of HOSTILE_VALUES) {
            const url = `https://mundo.test${path}?${param.name}=${encodeURIComponent(value)}`;
            const res = await SELF.fetch(url, { method: method.toUpperCase() });
            await expectNoServerError(res, `${method} ${url.slice(0, 200)}`);
          }
        }
      }
    }
  });

  it("every documented body, given malformed or hostile payloads", async () => {
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!op.requestBody) continue;
        for (const [contentType, body] of HOSTILE_BODIES) {
          const res = await SELF.fetch(`https://mundo.test${path}`, { method: method.toUpperCase(), headers: { "Content-Type": contentType }, body });
          await expectNoServerError(res, `${method} ${path} ${contentType} ${body.slice(0, 60)}`);
        }
      }
    }
  });

  it("every documented path, with methods it does not route", async () => {
    for (const path of Object.keys(doc.paths)) {
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
        const res = await SELF.fetch(`https://mundo.test${path}`, { method, headers: { "Content-Type": "application/json" }, body: method === "GET" ? undefined : "{}" });
        await expectNoServerError(res, `${method} ${path}`);
      }
    }
  });

  it("the pages, given hostile query strings", async () => {
    for (const path of ["/", "/events"]) {
      for (const name of ["city", "type", "cursor", "from", "to", "limit"]) {
        for (const value of HOSTILE_VALUES) {
          const res = await SELF.fetch(`https://mundo.test${path}?${name}=${encodeURIComponent(value)}`);
          await expectNoServerError(res, `${path}?${name}=${value.slice(0, 60)}`);
        }
      }
    }
  });

  it("repeated and malformed query parameters", async () => {
    for (const query of ["?limit=1&limit=2", "?city=berlin&city=paris", "?city=%", "?city=%E0%A4%A", "?cursor=%FF%FE", "?type[]=milonga", "?from=0000-01-01T00:00:00%2B01:00"]) {
      for (const path of ["/api/v1/events", "/events", "/"]) {
        const res = await SELF.fetch(`https://mundo.test${path}${query}`);
        await expectNoServerError(res, `${path}${query}`);
      }
    }
  });

  it("React Router's own data endpoints", async () => {
    for (const path of ["/events.data?cursor=garbage", "/events.data?type=disco", "/_root.data?city=%00", "/__manifest?p=%2Fevents&version=x", "/__manifest?p=" + "x".repeat(3000)]) {
      const res = await SELF.fetch(`https://mundo.test${path}`);
      await expectNoServerError(res, path);
    }
  });

  it("unsafe methods and HEAD on pages", async () => {
    for (const path of ["/", "/events", "/no-such-page"]) {
      for (const method of ["POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]) {
        const res = await SELF.fetch(`https://mundo.test${path}`, { method, body: ["POST", "PUT", "PATCH"].includes(method) ? "x=1" : undefined });
        await expectNoServerError(res, `${method} ${path}`);
      }
    }
  });

  it("a chunked body over the limit, without Content-Length", async () => {
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 2 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await SELF.fetch("https://mundo.test/api/v1/reports", { method: "POST", headers: { "Content-Type": "application/json" }, body });
    expect(res.status).toBe(413);
  });

  it("an Origin of null", async () => {
    const res = await SELF.fetch("https://mundo.test/api/v1/cities", { headers: { Origin: "null" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("hostile paths", async () => {
    for (const path of ["/%2e%2e/%2e%2e/etc/passwd", "/api/v1/%00", "/api/v1/events/..%2f..%2f", "/events/<script>", "/login/", "/events//", "/" + "a/".repeat(500)]) {
      const res = await SELF.fetch(`https://mundo.test${path}`);
      await expectNoServerError(res, path);
    }
  });
});
