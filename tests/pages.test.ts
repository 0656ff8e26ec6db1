import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { insertEvent, seedWorld } from "./world";

beforeAll(seedWorld);

const page = (path: string) => SELF.fetch(`https://mundo.test${path}`);

describe("home page", () => {
  it("renders upcoming events of the default city at the edge, with the site's navigation", async () => {
    const res = await page("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toMatch(/Upcoming in (<!-- -->)?Buenos Aires/);
    const { results } = await env.DB.prepare(
      "SELECT title FROM events WHERE city_id = (SELECT id FROM cities WHERE slug = 'buenos-aires') AND starts_at >= ? ORDER BY starts_at, id LIMIT 1",
    )
      .bind(new Date().toISOString())
      .all<{ title: string }>();
    expect(html).toContain(escapeHtml(results[0]!.title));
    for (const label of ["Events", "Community", "Messages", "Housing", "Sign in"]) expect(html).toContain(`>${label}</a>`);
    expect(html).toContain('href="#main"');
    expect(html).toContain('id="main"');
  });

  it("puts the response's CSP nonce on every script", async () => {
    const res = await page("/");
    const nonce = /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy")!)![1];
    const scripts = [...(await res.text()).matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("switches city with a plain GET form", async () => {
    const html = await (await page("/?city=berlin")).text();
    expect(html).toMatch(/Upcoming in (<!-- -->)?Berlin/);
    const form = /<form[^>]*aria-label="Choose a city"[^>]*>/.exec(html)?.[0] ?? "";
    expect(form).toContain('method="get"');
    expect(form).toContain('action="/"');
    expect(html).toContain('<option value="tokyo"');
  });

  it("falls back to the default city for an unknown city", async () => {
    const res = await page("/?city=atlantis");
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/Upcoming in (<!-- -->)?Buenos Aires/);
  });

  it("escapes what organizers wrote", async () => {
    await insertEvent({
      citySlug: "montevideo",
      title: `<script>alert("x")</script><img src=x onerror=alert(1)>`,
      startsAt: new Date(Date.now() + 60_000).toISOString(),
    });
    const html = await (await page("/?city=montevideo")).text();
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x onerror");
    expect(html).toContain("&lt;script&gt;alert");
  });
});

describe("events page", () => {
  it("lists a city's events", async () => {
    const html = await (await page("/events?city=berlin")).text();
    expect(html).toMatch(/Tango in (<!-- -->)?Berlin/);
    const cards = html.split("<article").slice(1);
    expect(cards.length).toBeGreaterThan(0);
    for (const card of cards) expect(card).toMatch(/(<!-- -->)?Berlin<\/p>/);
  });

  it("links to the next page", async () => {
    const html = await (await page("/events?type=milonga")).text();
    expect(html).toMatch(/<a[^>]*href="\/events\?type=milonga&amp;cursor=[A-Za-z0-9_-]+"[^>]*>Next page/);
  });

  it("serves page 2 through the cursor link, without repeating page 1", async () => {
    const first = await (await page("/events")).text();
    const next = /href="(\/events\?cursor=[A-Za-z0-9_-]+)"/.exec(first)![1]!.replace(/&amp;/g, "&");
    const second = await (await page(next)).text();
    expect(second).toContain("First page");
    const titlesWithTimes = (html: string) => [...html.matchAll(/<time dateTime="([^"]+)"/g)].map((m) => m[1]);
    const lastOfFirst = titlesWithTimes(first).at(-1)!;
    const firstOfSecond = titlesWithTimes(second)[0]!;
    expect(firstOfSecond >= lastOfFirst).toBe(true);
  });

  it("explains a bad cursor instead of failing", async () => {
    const res = await page("/events?cursor=garbage");
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain("cursor is not a cursor");
  });

  it("explains an unknown event type", async () => {
    const res = await page("/events?type=disco");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("type must be one of");
  });

  it("shows an empty state when nothing matches", async () => {
    const res = await page("/events?city=berlin&type=marathon&from=2099-01-01T00:00:00Z");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("No upcoming events match these filters.");
  });
});

describe("other pages", () => {
  it("answers 404 with a way back for an unknown page", async () => {
    const res = await page("/no-such-page");
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("Page not found");
    expect(html).toContain('href="/events"');
  });

  it("answers /housing with the site chrome", async () => {
    const res = await page("/housing");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Find a milonga meanwhile");
  });

  it("sends visitors from /messages to sign in first (tests/chat-pages.test.ts covers the page)", async () => {
    const res = await SELF.fetch("https://mundo.test/messages", { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login?redirectTo=%2Fmessages");
  });
});

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
}
