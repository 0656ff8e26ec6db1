import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { NotificationDto } from "../worker/schemas/notifications";
import { api, member } from "./accounts";
import { createEvent, localDaysFromNow } from "./event-factory";
import { block, insertPost, mute, notifyNow } from "./notification-factory";
import { comment, dancer, post } from "./post-factory";
import { seedWorld } from "./world";

beforeAll(seedWorld);

type Page = { data: NotificationDto[]; nextCursor: string | null; unreadCount: number };
type Problem = { status: number; errors?: { path: string; message: string }[] };

const list = async (token: string, query = "") => {
  const res = await api(`/notifications${query}`, { token });
  expect(res.status).toBe(200);
  return res.json<Page>();
};
const markRead = (token: string, json: unknown) => api("/notifications/read", { method: "POST", token, json });

let n = 0;
const handle = (prefix: string) => `${prefix}${Date.now().toString(36)}${(n += 1)}`.slice(0, 30);

async function pair() {
  const [ana, beto] = await Promise.all([member({ displayName: "Ana", handle: handle("ana") }), member({ displayName: "Beto <b>", handle: handle("beto") })]);
  return { ana, beto };
}

describe("listing notifications", () => {
  it("lists newest first with the actor, a link to the subject, the data and the unread count", async () => {
    const { ana, beto } = await pair();
    const postId = await insertPost(ana.user.id);
    await notifyNow({ userId: ana.user.id, type: "follow", actorId: beto.user.id, subject: { type: "user", id: beto.user.id } });
    await notifyNow({ userId: ana.user.id, type: "reaction", actorId: beto.user.id, subject: { type: "post", id: postId }, data: { reaction: "fire" } });

    const page = await list(ana.accessToken);
    expect(page.unreadCount).toBe(2);
    expect(page.nextCursor).toBeNull();
    expect(page.data.map((item) => item.type)).toEqual(["reaction", "follow"]);
    expect(page.data[0]).toMatchObject({
      actor: { handle: beto.user.handle, displayName: "Beto <b>", avatarUrl: null },
      subject: { type: "post", id: postId, url: `/posts/${postId}` },
      data: { reaction: "fire" },
      readAt: null,
    });
    expect(page.data[1]!.subject.url).toBe(`/people/${beto.user.handle}`);
  });

  it("pages by cursor with no item twice and none skipped, even while new ones arrive", async () => {
    const { ana, beto } = await pair();
    for (let i = 0; i < 5; i++) {
      await notifyNow({ userId: ana.user.id, type: "mention", actorId: beto.user.id, subject: { type: "post", id: await insertPost(beto.user.id) } });
    }
    const first = await list(ana.accessToken, "?limit=2");
    expect(first.data).toHaveLength(2);
    await notifyNow({ userId: ana.user.id, type: "mention", actorId: beto.user.id, subject: { type: "post", id: await insertPost(beto.user.id) } });
    const second = await list(ana.accessToken, `?limit=2&cursor=${first.nextCursor}`);
    const third = await list(ana.accessToken, `?limit=2&cursor=${second.nextCursor}`);
    const ids = [...first.data, ...second.data, ...third.data].map((item) => item.id);
    expect(new Set(ids).size).toBe(5);
    expect(third.nextCursor).toBeNull();
    expect(ids).toEqual([...ids].sort().reverse());
  });

  it("lists only unread ones with unread=true", async () => {
    const { ana, beto } = await pair();
    await notifyNow({ userId: ana.user.id, type: "follow", actorId: beto.user.id, subject: { type: "user", id: beto.user.id } });
    const [read] = (await list(ana.accessToken)).data;
    await markRead(ana.accessToken, { ids: [read!.id] });
    await notifyNow({ userId: ana.user.id, type: "mention", actorId: beto.user.id, subject: { type: "post", id: await insertPost(beto.user.id) } });
    const unread = await list(ana.accessToken, "?unread=true");
    expect(unread.data.map((item) => item.type)).toEqual(["mention"]);
    expect((await list(ana.accessToken)).data).toHaveLength(2);
  });

  it("hides notifications from a member blocked since, whoever blocked whom", async () => {
    const { ana, beto } = await pair();
    const carla = await member({ handle: handle("carla") });
    await notifyNow({ userId: ana.user.id, type: "follow", actorId: beto.user.id, subject: { type: "user", id: beto.user.id } });
    await notifyNow({ userId: ana.user.id, type: "follow", actorId: carla.user.id, subject: { type: "user", id: carla.user.id } });
    expect((await list(ana.accessToken)).unreadCount).toBe(2);
    await block(ana.user.id, beto.user.id);
    await block(carla.user.id, ana.user.id);
    const page = await list(ana.accessToken);
    expect(page.data).toEqual([]);
    expect(page.unreadCount).toBe(0);
  });

  it("hides notifications about a post that was deleted or is no longer readable", async () => {
    const { ana, beto } = await pair();
    const deleted = await insertPost(beto.user.id);
    const followersOnly = await insertPost(beto.user.id, "followers");
    await env.DB.prepare("INSERT INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)").bind(ana.user.id, beto.user.id, new Date().toISOString()).run();
    await notifyNow({ userId: ana.user.id, type: "mention", actorId: beto.user.id, subject: { type: "post", id: deleted } });
    await notifyNow({ userId: ana.user.id, type: "mention", actorId: beto.user.id, subject: { type: "post", id: followersOnly } });
    expect((await list(ana.accessToken)).data).toHaveLength(2);

    await env.DB.prepare("DELETE FROM posts WHERE id = ?").bind(deleted).run();
    await env.DB.prepare("DELETE FROM follows WHERE follower_id = ? AND followee_id = ?").bind(ana.user.id, beto.user.id).run();
    const page = await list(ana.accessToken);
    expect(page.data).toEqual([]);
    expect(page.unreadCount).toBe(0);
  });

  it("hides a comment's, a reply's and a mention's excerpt once that comment is deleted", async () => {
    const [ana, beto, cata] = await Promise.all([dancer("ana"), dancer("beto"), dancer("cata")]);
    const p = await post(ana);
    const top = await comment(cata, p.id, "first");
    await comment(beto, p.id, `secret words for @${cata.user.handle}`, top.id);
    const excerpts = async (who: { accessToken: string }) => (await list(who.accessToken)).data.map((item) => item.data.excerpt);
    expect(await excerpts(ana)).toContain(`secret words for @${cata.user.handle}`);
    expect((await excerpts(cata)).filter((e) => e?.toString().startsWith("secret"))).toHaveLength(2);

    const reply = (await (await api(`/posts/${p.id}/comments`)).json<{ data: { replies: { id: string }[] }[] }>()).data[0]!.replies[0]!;
    expect((await api(`/posts/${p.id}/comments/${reply.id}`, { method: "DELETE", token: beto.accessToken })).status).toBe(204);
    expect(await excerpts(ana)).not.toContain(`secret words for @${cata.user.handle}`);
    expect((await excerpts(cata)).filter((e) => e?.toString().startsWith("secret"))).toEqual([]);
    expect((await list(cata.accessToken)).unreadCount).toBe(0);
    expect(await excerpts(ana)).toContain("first");
  });

  it("never shows one member's notifications to another", async () => {
    const { ana, beto } = await pair();
    await notifyNow({ userId: ana.user.id, type: "follow", actorId: beto.user.id, subject: { type: "user", id: beto.user.id } });
    expect((await list(beto.accessToken)).data).toEqual([]);
  });

  it("refuses visitors with 401", async () => {
    expect((await api("/notifications")).status).toBe(401);
    expect((await api("/notifications/read", { method: "POST", json: { all: true } })).status).toBe(401);
  });

  it("answers 400 naming the field for a forged cursor, a bad limit or a bad unread flag", async () => {
    const { ana } = await pair();
    for (const [query, field] of [
      ["?cursor=eyJpIjoxfQ", "cursor"],
      ["?cursor=%27%3B%20DROP%20TABLE%20notifications", "cursor"],
      ["?limit=0", "limit"],
      ["?limit=1000", "limit"],
      ["?unread=maybe", "unread"],
    ] as const) {
      const res = await api(`/notifications${query}`, { token: ana.accessToken });
      expect(res.status, query).toBe(400);
      expect((await res.json<Problem>()).errors?.[0]?.path).toBe(field);
    }
  });
});

describe("storing notifications", () => {
  it("notifies once per dedupe key, never of your own acts, and not from someone you muted", async () => {
    const { ana, beto } = await pair();
    const carla = await member({ handle: handle("carla") });
    await mute(ana.user.id, carla.user.id);
    await Promise.all([1, 2, 3].map(() => notifyNow({ userId: ana.user.id, type: "follow", actorId: beto.user.id, subject: { type: "user", id: beto.user.id }, dedupeKey: `follow:${beto.user.id}` })));
    await notifyNow({ userId: ana.user.id, type: "follow", actorId: ana.user.id, subject: { type: "user", id: ana.user.id } });
    await notifyNow({ userId: ana.user.id, type: "follow", actorId: carla.user.id, subject: { type: "user", id: carla.user.id } });
    const page = await list(ana.accessToken);
    expect(page.data.map((item) => item.actor?.handle)).toEqual([beto.user.handle]);
  });

  it("stores nothing across a block", async () => {
    const { ana, beto } = await pair();
    await block(beto.user.id, ana.user.id);
    await notifyNow({ userId: ana.user.id, type: "follow", actorId: beto.user.id, subject: { type: "user", id: beto.user.id } });
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM notifications WHERE user_id = ?").bind(ana.user.id).first<{ n: number }>();
    expect(row?.n).toBe(0);
  });

  it("tells of system news with no actor", async () => {
    const { ana } = await pair();
    await notifyNow({ userId: ana.user.id, type: "event_change", actorId: null, subject: { type: "event", id: "01890000-0000-7000-8000-000000000000" }, data: { title: "Milonga <script>" } });
    const [item] = (await list(ana.accessToken)).data;
    expect(item).toMatchObject({ actor: null, type: "event_change", subject: { type: "event", url: "/events/01890000-0000-7000-8000-000000000000" }, data: { title: "Milonga <script>" } });
  });
});

describe("marking notifications read", () => {
  it("marks the ids given and answers the new unread count", async () => {
    const { ana, beto } = await pair();
    for (let i = 0; i < 3; i++) await notifyNow({ userId: ana.user.id, type: "mention", actorId: beto.user.id, subject: { type: "post", id: await insertPost(beto.user.id) } });
    const [a, b] = (await list(ana.accessToken)).data;
    const res = await markRead(ana.accessToken, { ids: [a!.id, b!.id, a!.id] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ marked: 2, unreadCount: 1 });
    const again = await markRead(ana.accessToken, { ids: [a!.id] });
    expect(await again.json()).toEqual({ marked: 0, unreadCount: 1 });
    const page = await list(ana.accessToken);
    expect(page.data.find((item) => item.id === a!.id)?.readAt).not.toBeNull();
  });

  it("silently leaves other members' notifications alone, and says so in `marked`", async () => {
    const { ana, beto } = await pair();
    await notifyNow({ userId: beto.user.id, type: "follow", actorId: ana.user.id, subject: { type: "user", id: ana.user.id } });
    const [betos] = (await list(beto.accessToken)).data;
    const res = await markRead(ana.accessToken, { ids: [betos!.id] });
    expect(res.status).toBe(200);
    expect((await res.json<{ marked: number }>()).marked).toBe(0);
    expect((await list(beto.accessToken)).unreadCount).toBe(1);
  });

  it("marks everything read with {all: true}", async () => {
    const { ana, beto } = await pair();
    for (let i = 0; i < 3; i++) await notifyNow({ userId: ana.user.id, type: "mention", actorId: beto.user.id, subject: { type: "post", id: await insertPost(beto.user.id) } });
    await notifyNow({ userId: beto.user.id, type: "follow", actorId: ana.user.id, subject: { type: "user", id: ana.user.id } });
    const res = await markRead(ana.accessToken, { all: true });
    expect(await res.json()).toEqual({ marked: 3, unreadCount: 0 });
    expect((await list(beto.accessToken)).unreadCount).toBe(1);
  });

  it("refuses more than 100 ids, none, non-ids and mixed bodies with 400", async () => {
    const { ana } = await pair();
    const many = Array.from({ length: 101 }, () => "01890000-0000-7000-8000-000000000000");
    for (const body of [{ ids: many }, { ids: [] }, { ids: ["1 OR 1=1"] }, { all: false }, { ids: ["01890000-0000-7000-8000-000000000000"], all: true }, {}, "all"]) {
      const res = await markRead(ana.accessToken, body);
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
  });

  it("takes exactly 100 ids (more than D1 binds in one statement)", async () => {
    const { ana } = await pair();
    const ids = Array.from({ length: 100 }, (_, i) => `01890000-0000-7000-8000-${String(i).padStart(12, "0")}`);
    const res = await markRead(ana.accessToken, { ids });
    expect(res.status).toBe(200);
    expect((await res.json<{ marked: number }>()).marked).toBe(0);
  });
});

describe("mail preferences", () => {
  it("starts with the defaults: what was said to you and what changes your plans, no digest", async () => {
    const { ana } = await pair();
    const res = await api("/me/notification-preferences", { token: ana.accessToken });
    expect(await res.json()).toEqual({ emailTypes: ["mention", "reply", "comment", "rsvp_promotion", "event_cancellation", "group_join_approved"], digest: "off" });
  });

  it("replaces the choices, collapsing duplicates", async () => {
    const { ana } = await pair();
    const res = await api("/me/notification-preferences", { method: "PUT", token: ana.accessToken, json: { emailTypes: ["follow", "reaction", "follow"], digest: "daily" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ emailTypes: ["follow", "reaction"], digest: "daily" });
    expect(await (await api("/me/notification-preferences", { token: ana.accessToken })).json()).toEqual({ emailTypes: ["follow", "reaction"], digest: "daily" });
  });

  it("refuses unknown types, digests and fields with 400 naming the field", async () => {
    const { ana } = await pair();
    for (const [json, field] of [
      [{ emailTypes: ["spam"], digest: "off" }, "emailTypes.0"],
      [{ emailTypes: [], digest: "hourly" }, "digest"],
      [{ emailTypes: "all", digest: "off" }, "emailTypes"],
    ] as const) {
      const res = await api("/me/notification-preferences", { method: "PUT", token: ana.accessToken, json });
      expect(res.status).toBe(400);
      expect((await res.json<Problem>()).errors?.[0]?.path).toBe(field);
    }
    expect((await api("/me/notification-preferences")).status).toBe(401);
  });
});

describe("event news reaches the bell", () => {
  const waitForType = (token: string, type: string) =>
    vi.waitFor(
      async () => {
        const item = (await list(token)).data.find((i) => i.type === type);
        if (!item) throw new Error(`no ${type} notification yet`);
        return item;
      },
      { timeout: 20_000, interval: 200 },
    );

  it("tells a dancer promoted from the waitlist, once, without a second mail", async () => {
    const { event, organizer } = await createEvent({ title: "Práctica <Chica>", capacity: 1 });
    const [first, second] = await Promise.all([member({ handle: handle("first") }), member({ handle: handle("second") })]);
    expect((await api(`/events/${event.id}/rsvp`, { method: "POST", token: first.accessToken, json: { status: "going" } })).status).toBe(200);
    expect((await api(`/events/${event.id}/rsvp`, { method: "POST", token: second.accessToken, json: { status: "going" } })).status).toBe(200);
    expect((await api(`/events/${event.id}/rsvp`, { method: "DELETE", token: first.accessToken })).status).toBeLessThan(300);
    const [item] = (await list(second.accessToken)).data;
    expect(item).toMatchObject({ type: "rsvp_promotion", actor: null, subject: { type: "event", id: event.id, url: `/events/${event.id}` }, data: { title: "Práctica <Chica>" } });
    const row = await env.DB.prepare("SELECT mailed_at FROM notifications WHERE id = ?").bind(item!.id).first<{ mailed_at: string | null }>();
    expect(row?.mailed_at).not.toBeNull();
    expect((await list(organizer.accessToken)).data).toEqual([]);
  });

  it("tells everyone registered when the organizers move the event, then when they cancel it", async () => {
    const { event, organizer } = await createEvent({ title: "Milonga del Centro" });
    const dancer = await member({ handle: handle("dancer") });
    expect((await api(`/events/${event.id}/rsvp`, { method: "POST", token: dancer.accessToken, json: { status: "going" } })).status).toBe(200);
    const moved = await api(`/events/${event.id}`, { method: "PATCH", token: organizer.accessToken, json: { start: localDaysFromNow(12, "22:00"), end: localDaysFromNow(13, "02:00") } });
    expect(moved.status).toBe(200);
    expect(await waitForType(dancer.accessToken, "event_change")).toMatchObject({ actor: null, subject: { url: `/events/${event.id}` }, data: { title: "Milonga del Centro" } });

    expect((await api(`/events/${event.id}`, { method: "DELETE", token: organizer.accessToken })).status).toBe(204);
    const cancelled = await waitForType(dancer.accessToken, "event_cancellation");
    const row = await env.DB.prepare("SELECT mailed_at FROM notifications WHERE id = ?").bind(cancelled.id).first<{ mailed_at: string | null }>();
    expect(row?.mailed_at).not.toBeNull();
    expect((await list(dancer.accessToken)).data.filter((i) => i.type === "event_cancellation")).toHaveLength(1);
  });
});
