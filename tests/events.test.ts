import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { EventDto, EventPage } from "../worker/schemas/events";
import { encodeCursor } from "../worker/lib/cursor";
import { insertEvent, seedWorld, today } from "./world";

beforeAll(seedWorld);

const api = (query: string) => SELF.fetch(`https://mundo.test/api/v1/events${query}`);

async function page(query: string): Promise<EventPage> {
  const res = await api(query);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<EventPage>();
}

async function problem(query: string) {
  const res = await api(query);
  expect(res.status).toBe(400);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return res.json<{ status: number; detail: string; requestId: string; errors: { path: string; message: string }[] }>();
}

async function collectAll(query: string): Promise<EventDto[]> {
  const all: EventDto[] = [];
  let cursor: string | null = null;
  do {
    const sep = query ? "&" : "?";
    const next: EventPage = await page(`${query}${cursor ? `${sep}cursor=${cursor}` : ""}`);
    all.push(...next.data);
    cursor = next.nextCursor;
  } while (cursor);
  return all;
}

describe("GET /api/v1/events", () => {
  it("lists events still running or yet to start, soonest first, 20 by default", async () => {
    const { data, nextCursor } = await page("");
    expect(data).toHaveLength(20);
    expect(nextCursor).toEqual(expect.any(String));
    const starts = data.map((e) => e.startsAt);
    expect(starts).toEqual([...starts].sort());
    for (const event of data) expect(Date.parse(event.endsAt)).toBeGreaterThan(Date.now() - 1000);
  });

  it("keeps a festival listed while it runs, and drops it once it has ended", async () => {
    const day = 86_400_000;
    const running = await insertEvent({ citySlug: "lisbon", title: "Running festival", startsAt: new Date(Date.now() - 2 * day).toISOString(), endsAt: new Date(Date.now() + day).toISOString() });
    const over = await insertEvent({ citySlug: "lisbon", title: "Finished milonga", startsAt: new Date(Date.now() - 2 * day).toISOString(), endsAt: new Date(Date.now() - day).toISOString() });
    const ids = (await collectAll("?city=lisbon&limit=100")).map((e) => e.id);
    expect(ids[0]).toBe(running);
    expect(ids).not.toContain(over);
  });

  it("describes each event with its venue, city, local time zone and price in minor units", async () => {
    const { data } = await page("?city=tokyo&limit=50");
    const paid = data.find((e) => e.price);
    expect(paid?.price).toEqual({ amountMinor: expect.any(Number), currency: "JPY" });
    expect(data[0]).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      timeZone: "Asia/Tokyo",
      city: { slug: "tokyo", name: "Tokyo", country: "Japan" },
      venue: { name: expect.any(String), address: expect.any(String) },
    });
  });

  it("filters by city", async () => {
    const { data } = await page("?city=berlin&limit=100");
    expect(data.length).toBeGreaterThan(0);
    expect(new Set(data.map((e) => e.city.slug))).toEqual(new Set(["berlin"]));
  });

  it("filters by type", async () => {
    const { data } = await page("?type=festival&limit=100");
    expect(data.length).toBeGreaterThan(0);
    expect(data.every((e) => e.type === "festival")).toBe(true);
  });

  it("filters by a from/to window, from inclusive and to exclusive", async () => {
    const from = new Date(today().getTime() + 10 * 86_400_000).toISOString();
    const to = new Date(today().getTime() + 17 * 86_400_000).toISOString();
    const events = await collectAll(`?from=${from}&to=${to}&limit=100`);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.startsAt >= from).toBe(true);
      expect(e.startsAt < to).toBe(true);
    }
  });

  it("accepts from/to with a UTC offset", async () => {
    const { data } = await page(`?from=${encodeURIComponent("2026-01-01T00:00:00+02:00")}&limit=1`);
    expect(data).toHaveLength(1);
  });

  it("pages through a city without gaps or duplicates", async () => {
    const all = await collectAll("?city=berlin&limit=7");
    // Each date of a weekly series is its own row: (eventId, occurrenceKey) names one.
    const ids = all.map((e) => `${e.eventId}/${e.occurrenceKey}`);
    expect(new Set(ids).size).toBe(ids.length);
    const expected = await env.DB.prepare(
      "SELECT count(*) AS n FROM event_occurrences JOIN cities ON cities.id = event_occurrences.city_id WHERE cities.slug = 'berlin' AND ends_at > ?",
    )
      .bind(new Date().toISOString())
      .first<{ n: number }>();
    expect(ids.length).toBe(expected?.n);
    expect(all.map((e) => e.startsAt)).toEqual(all.map((e) => e.startsAt).sort());
  });

  it("keeps events that share a start time apart across a page boundary", async () => {
    const { data } = await page("?city=paris&limit=1");
    const first = data[0]!;
    const twin = await insertEvent({ citySlug: "paris", title: "Twin milonga", startsAt: first.startsAt, endsAt: first.endsAt });
    const all = await collectAll("?city=paris&limit=1");
    const atThatTime = all.filter((e) => e.startsAt === first.startsAt).map((e) => e.id);
    expect(atThatTime).toContain(twin);
    expect(atThatTime).toContain(first.id);
    expect(new Set(all.map((e) => `${e.eventId}/${e.occurrenceKey}`)).size).toBe(all.length);
  });

  it("answers an empty page, not an error, when nothing matches", async () => {
    expect(await page("?from=2099-01-01T00:00:00Z")).toEqual({ data: [], nextCursor: null });
  });

  describe("refuses bad input with a problem naming the field", () => {
    for (const limit of ["0", "101", "-5", "abc", "1.5", "1e3", "", "0x10", " 5 ", "+5"]) {
      it(`limit=${JSON.stringify(limit)}`, async () => {
        const body = await problem(`?limit=${limit}`);
        expect(body.errors.map((e) => e.path)).toEqual(["limit"]);
        expect(body.requestId).toEqual(expect.any(String));
      });
    }

    const cursors: Record<string, string> = {
      "random text": "not-a-cursor",
      "base64 of other JSON": encodeCursor({ a: 1 }),
      "base64 of non-JSON": btoa("hello world").replace(/=+$/, ""),
      "a SQL injection attempt": encodeURIComponent("' OR 1=1 --"),
      "an oversized value": "A".repeat(5000),
      "a cursor with a bad date": encodeCursor({ s: "yesterday", i: "x" }),
    };
    for (const [name, cursor] of Object.entries(cursors)) {
      it(`cursor: ${name}`, async () => {
        const body = await problem(`?cursor=${cursor}`);
        expect(body.errors.map((e) => e.path)).toEqual(["cursor"]);
      });
    }

    it("an unknown city", async () => {
      const body = await problem("?city=atlantis");
      expect(body.errors).toEqual([{ path: "city", message: expect.stringContaining("atlantis") }]);
    });

    it("a city that is not a slug", async () => {
      const body = await problem(`?city=${encodeURIComponent("berlin' OR '1'='1")}`);
      expect(body.errors.map((e) => e.path)).toEqual(["city"]);
    });

    it("an unknown type", async () => {
      const body = await problem("?type=disco");
      expect(body.errors.map((e) => e.path)).toEqual(["type"]);
    });

    it("a date before 1970", async () => {
      const body = await problem(`?from=${encodeURIComponent("0000-01-01T00:00:00+01:00")}`);
      expect(body.errors.map((e) => e.path)).toEqual(["from"]);
    });

    it("a repeated parameter", async () => {
      const body = await problem("?limit=1&limit=2&city=berlin&city=paris");
      expect(body.errors.map((e) => e.path).sort()).toEqual(["city", "limit"]);
      expect(body.errors.find((e) => e.path === "limit")?.message).toContain("whole number");
    });

    it("a date that is not ISO 8601", async () => {
      const body = await problem("?from=next-tuesday");
      expect(body.errors.map((e) => e.path)).toEqual(["from"]);
    });

    it("a window that ends before it starts", async () => {
      const body = await problem("?from=2027-01-02T00:00:00Z&to=2027-01-01T00:00:00Z");
      expect(body.errors.map((e) => e.path)).toEqual(["to"]);
    });

    it("several bad fields at once, each named", async () => {
      const body = await problem("?limit=0&type=disco");
      expect(body.errors.map((e) => e.path).sort()).toEqual(["limit", "type"]);
    });
  });
});
