import { describe, expect, it } from "vitest";
import { eventTypes, tangoRoles } from "../../db/schema";
import { generateWorld, toMinorUnits } from "../../db/seed/world";

const today = new Date("2026-11-22T00:00:00Z");

describe("the demo world", () => {
  const world = generateWorld({ scale: 1, today });

  it("is the same on every run", () => {
    expect(generateWorld({ scale: 1, today })).toEqual(world);
  });

  it("spans at least 20 cities on every inhabited continent", () => {
    expect(world.cities.length).toBeGreaterThanOrEqual(20);
    expect(new Set(world.cities.map((c) => c.continent))).toEqual(
      new Set(["South America", "North America", "Europe", "Asia", "Oceania", "Africa"]),
    );
    for (const slug of ["buenos-aires", "montevideo", "berlin", "paris", "istanbul", "new-york", "tokyo"]) {
      expect(world.cities.map((c) => c.slug)).toContain(slug);
    }
  });

  it("has at least 200 members of every tango role, with unique handles and emails", () => {
    expect(world.users.length).toBeGreaterThanOrEqual(200);
    expect(new Set(world.users.map((u) => u.tango_role))).toEqual(new Set(tangoRoles));
    expect(new Set(world.users.map((u) => u.handle)).size).toBe(world.users.length);
    expect(new Set(world.users.map((u) => u.email)).size).toBe(world.users.length);
    for (const u of world.users) expect(u.handle).toMatch(/^[a-z0-9_]{3,30}$/);
  });

  it("has at least 300 events of every type within the next 90 days", () => {
    expect(world.events.length).toBeGreaterThanOrEqual(300);
    expect(new Set(world.events.map((e) => e.type))).toEqual(new Set(eventTypes));
    const horizon = today.getTime() + 91 * 86_400_000;
    for (const e of world.events) {
      expect(Date.parse(e.starts_at)).toBeGreaterThanOrEqual(today.getTime() - 86_400_000);
      expect(Date.parse(e.starts_at)).toBeLessThan(horizon);
      expect(Date.parse(e.ends_at)).toBeGreaterThan(Date.parse(e.starts_at));
    }
  });

  it("starts milongas in the evening of the venue's own time zone", () => {
    for (const e of world.events.filter((e) => e.type === "milonga")) {
      const hour = Number(new Intl.DateTimeFormat("en-GB", { hour: "2-digit", hourCycle: "h23", timeZone: e.time_zone }).format(new Date(e.starts_at)));
      expect(hour).toBeGreaterThanOrEqual(19);
      expect(hour).toBeLessThanOrEqual(22);
    }
  });

  it("has two weekly milongas in every city, at the same local hour on every date", () => {
    expect(world.series).toHaveLength(world.cities.length * 2);
    for (const series of world.series) {
      expect(series.recurrence_rule).toMatch(/^FREQ=WEEKLY;BYDAY=(MO|TU|WE|TH|FR|SA|SU)$/);
      const dates = world.occurrences.filter((o) => o.event_id === series.id);
      expect(dates.length).toBeGreaterThan(50);
      const hours = new Set(dates.map((d) => new Intl.DateTimeFormat("en-GB", { hour: "2-digit", hourCycle: "h23", timeZone: series.time_zone }).format(new Date(d.starts_at))));
      expect(hours.size).toBe(1);
    }
  });

  it("scales members and events linearly", () => {
    const big = generateWorld({ scale: 3, today });
    expect(big.users.length).toBe(world.users.length * 3);
    expect(big.events.length).toBe(world.events.length * 3);
  });

  it("stores prices in each currency's minor units", () => {
    expect(toMinorUnits(12, "EUR")).toBe(1200);
    expect(toMinorUnits(3000, "JPY")).toBe(3000);
  });
});
