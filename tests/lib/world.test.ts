import { describe, expect, it } from "vitest";
import { eventTypes, tangoRoles } from "../../db/schema";
import { FEED_BENCH_FOLLOWEES, FEED_BENCH_MEMBER_INDEX, generateWorld, toMinorUnits } from "../../db/seed/world";

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

describe("the demo community", () => {
  const world = generateWorld({ scale: 1, today });
  const pairs = (flat: number[], width: number) => Array.from({ length: flat.length / width }, (_, i) => flat.slice(i * width, i * width + width));

  it("has every member following 10–30 others (the bench member many more), never themselves, never twice", () => {
    const follows = pairs(world.follows, 2);
    const byFollower = new Map<number, Set<number>>();
    for (const [a, b] of follows) {
      expect(a).not.toBe(b);
      const set = byFollower.get(a!) ?? new Set();
      expect(set.has(b!)).toBe(false);
      set.add(b!);
      byFollower.set(a!, set);
    }
    for (const [follower, followees] of byFollower) {
      if (follower === FEED_BENCH_MEMBER_INDEX) expect(followees.size).toBe(Math.min(FEED_BENCH_FOLLOWEES, world.users.length - 1));
      else expect(followees.size).toBeGreaterThanOrEqual(8);
      expect(followees.size).toBeLessThanOrEqual(follower === FEED_BENCH_MEMBER_INDEX ? FEED_BENCH_FOLLOWEES : 30);
    }
  });

  it("has a few popular members with many followers", () => {
    const counts = new Map<number, number>();
    for (const [, b] of pairs(world.follows, 2)) counts.set(b!, (counts.get(b!) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    expect(sorted[0]!).toBeGreaterThan(5 * sorted[Math.floor(sorted.length / 2)]!);
  });

  it("has posts of every visibility, memories of seeded events, Spanish text with accents and hashtags", () => {
    expect(new Set(world.posts.map((p) => p.visibility))).toEqual(new Set(["public", "followers", "group"]));
    const eventIds = new Set(world.series.map((e) => e.id));
    const memories = world.posts.filter((p) => p.event_id);
    expect(memories.length).toBeGreaterThan(10);
    for (const m of memories) expect(eventIds.has(m.event_id!)).toBe(true);
    expect(world.posts.some((p) => /[áéíóúñ¡]/.test(p.body))).toBe(true);
    expect(world.posts.some((p) => p.body.includes("#tango"))).toBe(true);
    for (const p of world.posts) expect(Date.parse(p.created_at)).toBeLessThan(today.getTime());
  });

  it("posts to groups only as a member of that group", () => {
    const memberships = new Set(pairs(world.groupMembers, 3).map(([g, u]) => `${world.groups[g!]!.id}|${world.users[u!]!.id}`));
    const groupPosts = world.posts.filter((p) => p.visibility === "group");
    expect(groupPosts.length).toBeGreaterThan(0);
    for (const p of groupPosts) expect(memberships.has(`${p.group_id}|${p.author_id}`)).toBe(true);
    for (const p of world.posts.filter((p) => p.visibility !== "group")) expect(p.group_id).toBeNull();
  });

  it("has public and private interest groups in every city, each with its creator as admin", () => {
    expect(new Set(world.groups.map((g) => g.visibility))).toEqual(new Set(["public", "private"]));
    expect(new Set(world.groups.map((g) => g.city_id)).size).toBe(world.cities.length);
    expect(new Set(world.groups.map((g) => g.slug)).size).toBe(world.groups.length);
    const admins = pairs(world.groupMembers, 3).filter(([, , role]) => role === 0);
    expect(admins).toHaveLength(world.groups.length);
  });

  it("has one reaction per member per post at most, and comments on real posts", () => {
    const keys = pairs(world.reactions, 3).map(([p, u]) => `${p}|${u}`);
    expect(keys.length).toBeGreaterThan(world.posts.length / 2);
    expect(new Set(keys).size).toBe(keys.length);
    const postIds = new Set(world.posts.map((p) => p.id));
    for (const c of world.comments) expect(postIds.has(c.post_id)).toBe(true);
  });
});
