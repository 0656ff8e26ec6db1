import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { seedWorld } from "./world";

beforeAll(seedWorld);

describe("GET /api/v1/cities", () => {
  it("lists every city with its slug, country and IANA time zone, by name", async () => {
    const res = await SELF.fetch("https://mundo.test/api/v1/cities");
    expect(res.status).toBe(200);
    const { data } = await res.json<{ data: { slug: string; name: string; country: string; timeZone: string }[] }>();
    expect(data.length).toBeGreaterThanOrEqual(20);
    expect(data).toContainEqual(expect.objectContaining({ slug: "buenos-aires", name: "Buenos Aires", country: "Argentina", timeZone: "America/Argentina/Buenos_Aires" }));
    expect(data).toContainEqual(expect.objectContaining({ slug: "tokyo", timeZone: "Asia/Tokyo" }));
    const names = data.map((c) => c.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    for (const city of data) expect(() => new Intl.DateTimeFormat("en", { timeZone: city.timeZone })).not.toThrow();
  });
});
