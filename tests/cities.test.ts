import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../db/client";
import { resolveVisitorCity, visitorLocation } from "../worker/services/cities";
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

describe("the visitor's city", () => {
  const ctx = () => ({ db: createDb(env.DB), env, requestId: "test", user: null });
  const slugOf = async (input: Parameters<typeof resolveVisitorCity>[1]) => (await resolveVisitorCity(ctx(), input))?.slug;

  it("is the one the visitor chose", async () => {
    expect(await slugOf({ chosenSlug: "tokyo", visitor: { cityName: "Berlin", countryCode: "DE" } })).toBe("tokyo");
  });

  it("is the nearest city to Cloudflare's coordinates, suburbs included", async () => {
    // San Isidro, about 20 km north of central Buenos Aires.
    expect(await slugOf({ visitor: { cityName: "San Isidro", countryCode: "AR", latitude: -34.47, longitude: -58.51 } })).toBe("buenos-aires");
  });

  it("matches a city name without caring for accents", async () => {
    expect(await slugOf({ visitor: { cityName: "Montreal", countryCode: "CA" } })).toBe("montreal");
  });

  it("does not confuse Paris, Texas with Paris, France", async () => {
    expect(await slugOf({ visitor: { cityName: "Paris", countryCode: "US", latitude: 33.66, longitude: -95.55 } })).toBe(env.DEFAULT_CITY);
  });

  it("falls back to the default city with no geolocation (offline)", async () => {
    expect(await slugOf({})).toBe(env.DEFAULT_CITY);
    expect(await slugOf({ chosenSlug: "atlantis" })).toBe(env.DEFAULT_CITY);
  });
});

describe("reading request.cf", () => {
  it("keeps well-formed fields", () => {
    expect(visitorLocation({ city: "Berlin", country: "DE", latitude: "52.52", longitude: "13.40" })).toEqual({
      cityName: "Berlin",
      countryCode: "DE",
      latitude: 52.52,
      longitude: 13.4,
    });
  });

  it("drops anything malformed instead of trusting it", () => {
    expect(visitorLocation({ city: 42, country: "", latitude: "north", longitude: "999" })).toEqual({
      cityName: undefined,
      countryCode: undefined,
      latitude: undefined,
      longitude: undefined,
    });
    expect(visitorLocation(undefined)).toEqual({});
  });
});
