import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../worker/env";
import { encodeCursor } from "../worker/lib/cursor";
import { listEventsQuery } from "../worker/schemas/events";
import { listCities, resolveVisitorCity } from "../worker/services/cities";
import { listUpcomingEvents } from "../worker/services/events";
import { cityFeedSql, followingFeedSql } from "../worker/services/feed";
import { listComments } from "../worker/services/comments";
import { listEventMemories, listGroupPosts, listUserPosts } from "../worker/services/posts";
import { listGroupMembers, listGroups } from "../worker/services/groups";
import { followerCount, followingCount, listFollowers, listFollowing } from "../worker/services/social-graph";
import { listNotifications, unreadCountFor } from "../worker/services/notifications";
import { sendNotificationDigests } from "../queues/jobs/notification-mail";
import { search } from "../worker/services/search";
import { getConversation, listInbox } from "../worker/services/conversations";
import { handleChatNotify } from "../queues/jobs/chat-notify";
import { issueTicket, purgeExpiredTickets, redeemTicket } from "../worker/services/chat-tickets";
import { recordPlans } from "./query-plan-recorder";
import { seedWorld } from "./world";

/** Tables that grow with the community; a full scan of one of them is a bug. */
const LARGE_TABLES = ["events", "event_occurrences", "users", "venues", "rsvps", "tickets", "orders"];

async function plansFor(run: (ctx: Ctx) => Promise<unknown>): Promise<{ sql: string; plan: string[] }[]> {
  const plans = await recordPlans(run);
  expect(plans.length).toBeGreaterThan(0);
  return plans;
}

/** Steps that read a whole large table, or sort a list the index should have ordered. */
function fullScans(plan: string[]): string[] {
  return plan.filter(
    (step) =>
      LARGE_TABLES.some((table) => new RegExp(`^SCAN ${table}\\b`).test(step) && !/USING (COVERING )?INDEX/.test(step)) ||
      /USE TEMP B-TREE FOR (ORDER BY|RIGHT PART OF ORDER BY)/.test(step),
  );
}

beforeAll(async () => {
  await seedWorld();
  await env.DB.exec("ANALYZE");
});

const cursor = encodeCursor({ s: new Date().toISOString(), i: "0", k: "0" });
const listings: Record<string, Record<string, string>> = {
  "all upcoming events": {},
  "events in a city": { city: "berlin" },
  "events of a type": { type: "festival" },
  "events in a city of a type": { city: "berlin", type: "milonga" },
  "events in a window": { from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z" },
  "the next page of a city": { city: "berlin", cursor },
  "the next page of everything": { cursor },
  "words in a city": { city: "berlin", q: "milonga" },
  "near a point": { near: "52.52,13.405", radiusKm: "30" },
  "near a point, of a type": { near: "-34.6037,-58.3816", type: "milonga" },
};

describe("every list query is served by an index", () => {
  for (const [name, query] of Object.entries(listings)) {
    it(name, async () => {
      const plans = await plansFor((ctx) => listUpcomingEvents(ctx, listEventsQuery.parse(query)));
      for (const { sql, plan } of plans) expect(fullScans(plan), `${sql}\n${plan.join("\n")}`).toEqual([]);
    });
  }

  it("the city list and the visitor's city (a small table, read whole on purpose)", async () => {
    const plans = await plansFor(async (ctx) => {
      await listCities(ctx);
      await resolveVisitorCity(ctx, { chosenSlug: "paris", visitor: { cityName: "Paris", countryCode: "FR" } });
    });
    for (const { sql, plan } of plans) expect(fullScans(plan), `${sql}\n${plan.join("\n")}`).toEqual([]);
  });

  it("flags a full scan when one happens (the check itself works)", async () => {
    const { results } = await env.DB.prepare("EXPLAIN QUERY PLAN SELECT * FROM events WHERE description LIKE '%tango%'").all<{ detail: string }>();
    expect(fullScans(results.map((r) => r.detail))).not.toEqual([]);
  });

  it("flags a sort the index does not serve (the check itself works)", async () => {
    const { results } = await env.DB.prepare("EXPLAIN QUERY PLAN SELECT * FROM events WHERE city_id = 'x' ORDER BY title").all<{ detail: string }>();
    expect(fullScans(results.map((r) => r.detail))).not.toEqual([]);
  });
});

describe("the feed and post lists are served by indexes (docs/posts-and-feed.md)", () => {
  /** The community tables a list must never read whole. */
  const COMMUNITY = ["posts", "follows", "group_members", "comments", "reactions", "blocks", "mutes"];
  const scansOfCommunity = (plan: string[]) => plan.filter((step) => COMMUNITY.some((table) => new RegExp(`^SCAN ${table}\\b`).test(step) && !/USING (COVERING )?INDEX/.test(step)));
  const someone = () => env.DB.prepare("SELECT id, handle FROM users LIMIT 1").first<{ id: string; handle: string }>();

  it("the following tab: one index range per source; the merge sorts at most a page per followee and group", async () => {
    const viewer = (await someone())!;
    const plans = await plansFor(async (ctx) => {
      await ctx.db.all(followingFeedSql(viewer.id, undefined, 21));
      await ctx.db.all(followingFeedSql(viewer.id, "01900000-0000-7000-8000-000000000000", 21));
    });
    for (const { sql, plan } of plans) {
      expect(scansOfCommunity(plan), `${sql}\n${plan.join("\n")}`).toEqual([]);
      for (const index of ["posts_author_idx (author_id=?", "posts_group_idx (group_id=?", "group_members_user_idx (user_id=? AND status=?)"]) {
        expect(plan.some((step) => step.includes(index)), `${index} in\n${plan.join("\n")}`).toBe(true);
      }
    }
  });

  it("the city tab: one range of posts_city_idx, no sort", async () => {
    const city = await env.DB.prepare("SELECT id FROM cities WHERE slug = 'berlin'").first<{ id: string }>();
    const viewer = (await someone())!;
    const plans = await plansFor(async (ctx) => {
      await ctx.db.all(cityFeedSql(viewer.id, city!.id, "01900000-0000-7000-8000-000000000000", 21));
      await ctx.db.all(cityFeedSql(null, city!.id, undefined, 21));
    });
    for (const { sql, plan } of plans) {
      expect(fullScans(plan).concat(scansOfCommunity(plan)), `${sql}\n${plan.join("\n")}`).toEqual([]);
      expect(plan.some((step) => step.includes("posts_city_idx (city_id=? AND visibility=?"))).toBe(true);
    }
  });

  it("a member's posts, a group's posts, an event's memories and a post's comments", async () => {
    const member = (await someone())!;
    const group = await env.DB.prepare("SELECT slug FROM groups LIMIT 1").first<{ slug: string }>();
    const event = await env.DB.prepare("SELECT id FROM events LIMIT 1").first<{ id: string }>();
    const postId = crypto.randomUUID();
    await env.DB.prepare("INSERT INTO posts (id, author_id, body, visibility, created_at) VALUES (?, ?, 'plan', 'public', ?)").bind(postId, member.id, new Date().toISOString()).run();
    const plans = await plansFor(async (ctx) => {
      await listUserPosts(ctx, member.handle, { limit: 20 });
      await listGroupPosts(ctx, group!.slug, { limit: 20 });
      await listEventMemories(ctx, event!.id, { limit: 20 });
      await listComments(ctx, postId, { limit: 20 });
    });
    for (const { sql, plan } of plans) expect(fullScans(plan).concat(scansOfCommunity(plan)), `${sql}\n${plan.join("\n")}`).toEqual([]);
  });
});

describe("the social graph and group lists are served by indexes (docs/social-graph.md)", () => {
  const GRAPH = ["follows", "blocks", "mutes", "group_members"];
  const graphScans = (plan: string[]) => plan.filter((step) => GRAPH.some((table) => new RegExp(`^SCAN ${table}\\b`).test(step) && !/USING (COVERING )?INDEX/.test(step)));

  it("followers and following, newest first, hiding blocked members, with exact counts", async () => {
    const [a, b] = (await env.DB.prepare("SELECT id, handle FROM users LIMIT 2").all<{ id: string; handle: string }>()).results;
    const next = encodeCursor({ at: new Date().toISOString(), id: "0" });
    const plans = await plansFor(async (ctx) => {
      const viewer = { ...ctx, user: { id: b!.id, handle: b!.handle, displayName: "", roles: [], emailVerified: true, sessionId: "" } };
      await listFollowers(viewer, a!.handle, { limit: 20 });
      await listFollowers(viewer, a!.handle, { limit: 20, cursor: next });
      await listFollowing(viewer, a!.handle, { limit: 20, cursor: next });
      await followerCount(ctx, a!.id);
      await followingCount(ctx, a!.id);
    });
    for (const { sql, plan } of plans) expect(fullScans(plan).concat(graphScans(plan)), `${sql}\n${plan.join("\n")}`).toEqual([]);
    const all = plans.flatMap((p) => p.plan).join("\n");
    expect(all).toContain("follows_followee_idx (followee_id=?");
    expect(all).toContain("follows_follower_created_idx (follower_id=?");
  });

  it("a group's members: one range of group_members_group_status_idx (ties on created_at are the only sort)", async () => {
    const group = await env.DB.prepare("SELECT slug FROM groups WHERE kind = 'city' LIMIT 1").first<{ slug: string }>();
    const plans = await plansFor((ctx) => listGroupMembers(ctx, group!.slug, { status: "active", limit: 20 }));
    for (const { sql, plan } of plans) expect(graphScans(plan), `${sql}\n${plan.join("\n")}`).toEqual([]);
    expect(plans.flatMap((p) => p.plan).join("\n")).toContain("group_members_group_status_idx (group_id=? AND status=?");
  });

  it("my groups: the memberships come from group_members_user_idx (groups itself is small and may be scanned)", async () => {
    const someone = await env.DB.prepare("SELECT id, handle FROM users LIMIT 1").first<{ id: string; handle: string }>();
    const plans = await plansFor((ctx) => listGroups({ ...ctx, user: { id: someone!.id, handle: someone!.handle, displayName: "", roles: [], emailVerified: true, sessionId: "" } }, { mine: true, limit: 20 }));
    const all = plans.flatMap((p) => p.plan).join("\n");
    expect(all).toContain("group_members_user_idx (user_id=?)");
    for (const { sql, plan } of plans) expect(graphScans(plan), `${sql}\n${plan.join("\n")}`).toEqual([]);
  });
});

describe("notifications are served by indexes (docs/notifications.md)", () => {
  const NOTIFY = ["notifications", "posts", "comments", "blocks", "follows", "group_members"];
  const notifyScans = (plan: string[]) => plan.filter((step) => NOTIFY.some((table) => new RegExp(`^SCAN ${table}\\b`).test(step) && !/USING (COVERING )?INDEX/.test(step)));

  it("a member's list, its next page, the unread filter, the bell's count and the digest", async () => {
    const someone = await env.DB.prepare("SELECT id, handle FROM users LIMIT 1").first<{ id: string; handle: string }>();
    const plans = await plansFor(async (ctx) => {
      const viewer = { ...ctx, user: { id: someone!.id, handle: someone!.handle, displayName: "", roles: [], emailVerified: true, sessionId: "" } };
      await listNotifications(viewer, { limit: 20 });
      await listNotifications(viewer, { limit: 20, unread: true, cursor: encodeCursor({ i: "ffffffff-ffff-7fff-bfff-ffffffffffff" }) });
      await unreadCountFor(ctx, someone!.id);
      await sendNotificationDigests(ctx, new Date());
    });
    for (const { sql, plan } of plans) expect(fullScans(plan).concat(notifyScans(plan)), `${sql}\n${plan.join("\n")}`).toEqual([]);
    const all = plans.flatMap((p) => p.plan).join("\n");
    expect(all).toMatch(/notifications_(user|unread)_idx \(user_id=\?/);
  });
});

describe("search starts from its full-text index and joins back by rowid (docs/search.md)", () => {
  const TABLES = [...LARGE_TABLES, "posts", "follows", "group_members", "groups", "blocks", "mutes"];
  const scans = (plan: string[]) => plan.filter((step) => TABLES.some((table) => new RegExp(`^SCAN ${table}\\b`).test(step) && !/USING (COVERING )?INDEX/.test(step)));
  const sources = { people: ["search_people", "users"], events: ["search_events", "events"], posts: ["search_posts", "posts"], groups: ["search_groups", "groups"] } as const;

  for (const [type, [fts, table]] of Object.entries(sources)) {
    it(`${type}, for a visitor and for a member, on the first and a later page`, async () => {
      const viewer = await env.DB.prepare("SELECT id FROM users LIMIT 1").first<{ id: string }>();
      const plans = await plansFor(async (ctx) => {
        const query = { q: "milonga tango", type: type as keyof typeof sources, limit: 20 };
        await search(ctx, query);
        await search({ ...ctx, user: { id: viewer!.id } as Ctx["user"] }, { ...query, cursor: encodeCursor({ o: 40 }) });
      });
      expect(plans).toHaveLength(2);
      for (const { sql, plan } of plans) {
        const detail = `${sql}\n${plan.join("\n")}`;
        expect(scans(plan), detail).toEqual([]);
        expect(plan.some((step) => new RegExp(`^SCAN ${fts} VIRTUAL TABLE INDEX`).test(step)), detail).toBe(true);
        expect(plan.some((step) => new RegExp(`^SEARCH ${table} USING INTEGER PRIMARY KEY \\(rowid=\\?\\)`).test(step)), detail).toBe(true);
      }
    });
  }
});

describe("chat tickets and the chat.notify job stay on their indexes (docs/chat.md)", () => {
  const CHAT = [...LARGE_TABLES, "chat_tickets", "conversation_members", "conversations", "blocks", "mutes"];
  const scans = (plan: string[]) => plan.filter((step) => CHAT.some((table) => new RegExp(`^SCAN ${table}\\b`).test(step) && !/USING (COVERING )?INDEX/.test(step)));

  it("issue (the per-member cap counts unexpired tickets on the expiry index), redeem, purge, and one notify run", async () => {
    const [a, b] = (await env.DB.prepare("SELECT id, handle FROM users ORDER BY id LIMIT 2").all<{ id: string; handle: string }>()).results;
    const conversationId = "0190f5a2-0000-7000-8000-00000000c4a7";
    const at = new Date().toISOString();
    await env.DB.batch([
      env.DB.prepare("INSERT OR IGNORE INTO conversations (id, type, title, created_at, last_activity_at, last_seq, message_count) VALUES (?, 'group', 'Plans', ?, ?, 1, 1)").bind(conversationId, at, at),
      env.DB.prepare("INSERT OR IGNORE INTO conversation_members (conversation_id, user_id, role, joined_at) VALUES (?, ?, 'admin', ?), (?, ?, 'member', ?)").bind(conversationId, a!.id, at, conversationId, b!.id, at),
    ]);
    const me = { id: a!.id, handle: a!.handle, displayName: "", roles: [], emailVerified: true, sessionId: "" } as unknown as Ctx["user"];
    const plans = await plansFor(async (ctx) => {
      const { ticket } = await issueTicket({ ...ctx, user: me }, conversationId);
      await redeemTicket(ctx, conversationId, ticket);
      await purgeExpiredTickets(ctx, new Date());
      await handleChatNotify({ type: "chat.notify", idempotencyKey: "plans", conversationId, seq: 1, senderId: a!.id, online: [] }, env as unknown as Cloudflare.Env, ctx);
    });
    for (const { sql, plan } of plans) expect(fullScans(plan).concat(scans(plan)), `${sql}\n${plan.join("\n")}`).toEqual([]);
    const all = plans.flatMap((p) => p.plan).join("\n");
    expect(all).toMatch(/chat_tickets_expiry_idx \(expires_at>\?\)/);
    expect(all).toMatch(/SEARCH conversation_members USING (COVERING )?INDEX sqlite_autoindex_conversation_members_1 \(conversation_id=\? AND user_id>\?\)/);
  });
});

describe("the chat inbox is served by conversation_members_user_idx (docs/conversations.md)", () => {
  const CHAT = [...LARGE_TABLES, "conversations", "conversation_members", "blocks"];
  const chatScans = (plan: string[]) => plan.filter((step) => CHAT.some((table) => new RegExp(`^SCAN ${table}\\b`).test(step) && !/USING (COVERING )?INDEX/.test(step)));

  it("a member's inbox, its next page, the unread count and one conversation with its members (the sort covers one member's conversations only)", async () => {
    const [a, b] = (await env.DB.prepare("SELECT id, handle FROM users LIMIT 2").all<{ id: string; handle: string }>()).results;
    const now = new Date().toISOString();
    const conversationId = crypto.randomUUID();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO conversations (id, type, direct_key, created_at, last_activity_at) VALUES (?, 'direct', ?, ?, ?)").bind(conversationId, [a!.id, b!.id].sort().join(":"), now, now),
      env.DB.prepare("INSERT INTO conversation_members (conversation_id, user_id, joined_at) VALUES (?, ?, ?), (?, ?, ?)").bind(conversationId, a!.id, now, conversationId, b!.id, now),
    ]);
    const viewer = { id: a!.id, handle: a!.handle, displayName: "", roles: [], emailVerified: true, sessionId: "" };
    const plans = await plansFor(async (ctx) => {
      const me = { ...ctx, user: viewer };
      await listInbox(me, { limit: 20 });
      await listInbox(me, { limit: 20, cursor: encodeCursor({ at: now, id: "ffffffff" }) });
      await getConversation(me, conversationId);
    });
    for (const { sql, plan } of plans) expect(chatScans(plan), `${sql}\n${plan.join("\n")}`).toEqual([]);
    const all = plans.flatMap((p) => p.plan).join("\n");
    expect(all).toContain("conversation_members_user_idx (user_id=?)");
  });
});
