import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { PublicProfile } from "../worker/schemas/auth";
import type { FollowState, MemberSummaryPage } from "../worker/schemas/social";
import { api, member } from "./accounts";
import { seedWorld } from "./world";

beforeAll(seedWorld);

type Member = Awaited<ReturnType<typeof member>>;
type Problem = { status: number; detail: string; errors?: { path: string; message: string }[] };

let n = 0;
/** A member with a distinct handle, so concurrent sign-ups never collide. */
const dancer = (name = "Social Dancer") => member({ displayName: name, handle: `sg_${Date.now().toString(36)}_${++n}` });
const follow = (by: Member, who: Member) => api(`/users/${who.user.handle}/follow`, { method: "POST", token: by.accessToken });
const unfollow = (by: Member, who: Member) => api(`/users/${who.user.handle}/follow`, { method: "DELETE", token: by.accessToken });
const block = (by: Member, who: Member) => api(`/users/${who.user.handle}/block`, { method: "POST", token: by.accessToken });
const mute = (by: Member, who: Member) => api(`/users/${who.user.handle}/mute`, { method: "POST", token: by.accessToken });
const profile = async (who: Member, viewer?: Member) => (await api(`/users/${who.user.handle}`, { token: viewer?.accessToken })).json<PublicProfile>();
const followers = async (who: Member, viewer?: Member, query = "") => (await api(`/users/${who.user.handle}/followers${query}`, { token: viewer?.accessToken })).json<MemberSummaryPage>();
const following = async (who: Member, viewer?: Member) => (await api(`/users/${who.user.handle}/following`, { token: viewer?.accessToken })).json<MemberSummaryPage>();
const followNotifications = async (who: Member, actor: Member) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM notifications WHERE user_id = ? AND type = 'follow' AND actor_id = ?").bind(who.user.id, actor.user.id).first<{ n: number }>())!.n;

describe("following", () => {
  it("answers 201 the first time, 200 after, and unfollowing is 204 every time", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    const first = await follow(ana, bea);
    expect(first.status).toBe(201);
    expect(await first.json<FollowState>()).toEqual({ following: true, followerCount: 1 });
    const again = await follow(ana, bea);
    expect(again.status).toBe(200);
    expect(await again.json<FollowState>()).toEqual({ following: true, followerCount: 1 });
    expect((await unfollow(ana, bea)).status).toBe(204);
    expect((await unfollow(ana, bea)).status).toBe(204);
    expect((await profile(bea)).followerCount).toBe(0);
  });

  it("refuses to follow yourself with a 400 naming the reason", async () => {
    const ana = await dancer();
    const res = await follow(ana, ana);
    expect(res.status).toBe(400);
    const problem = await res.json<Problem>();
    expect(problem.errors).toEqual([{ path: "handle", message: "you can't follow yourself" }]);
  });

  it("needs a signed-in member and an existing handle", async () => {
    const bea = await dancer();
    expect((await api(`/users/${bea.user.handle}/follow`, { method: "POST" })).status).toBe(401);
    const ana = await dancer();
    expect((await api("/users/nobody_at_all_here/follow", { method: "POST", token: ana.accessToken })).status).toBe(404);
    expect((await api("/users/NOT%20A%20HANDLE/follow", { method: "POST", token: ana.accessToken })).status).toBe(400);
  });

  it("notifies the followee once, however often they are followed again", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    await follow(ana, bea);
    await unfollow(ana, bea);
    await follow(ana, bea);
    expect(await followNotifications(bea, ana)).toBe(1);
    const row = await env.DB.prepare("SELECT subject_type, subject_id FROM notifications WHERE user_id = ? AND type = 'follow'").bind(bea.user.id).first();
    expect(row).toEqual({ subject_type: "user", subject_id: ana.user.id });
  });

  it("keeps exactly one follow when the same member follows 20 times at once", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    const statuses = (await Promise.all(Array.from({ length: 20 }, () => follow(ana, bea)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM follows WHERE follower_id = ? AND followee_id = ?").bind(ana.user.id, bea.user.id).first<{ n: number }>();
    expect(rows!.n).toBe(1);
    expect((await profile(bea)).followerCount).toBe(1);
    expect(await followNotifications(bea, ana)).toBe(1);
  });

  it("counts 20 followers when 20 members follow at once", async () => {
    const star = await dancer("DJ Star");
    const fans: Member[] = [];
    for (let i = 0; i < 20; i++) fans.push(await dancer(`Fan ${i}`));
    const results = await Promise.all(fans.map((fan) => follow(fan, star)));
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect((await profile(star)).followerCount).toBe(20);
    expect((await profile(fans[0]!)).followingCount).toBe(1);
  });

  it("lists followers and following newest first, in pages that skip and repeat nobody", async () => {
    const star = await dancer("Teacher");
    const fans: Member[] = [];
    for (let i = 0; i < 5; i++) {
      fans.push(await dancer(`Fan ${i}`));
      expect((await follow(fans[i]!, star)).status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: MemberSummaryPage = await followers(star, undefined, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((m) => m.handle));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(fans.map((f) => f.user.handle).reverse());
    const theirs = await following(fans[0]!);
    expect(theirs.data.map((m) => m.handle)).toEqual([star.user.handle]);
    expect(theirs.data[0]).toMatchObject({ displayName: "Teacher", avatarUrl: null });
    expect(typeof theirs.data[0]!.since).toBe("string");
  });

  it("refuses a forged cursor and a bad limit with 400", async () => {
    const star = await dancer();
    const forged = await api(`/users/${star.user.handle}/followers?cursor=${btoa('{"x":1}').replace(/=/g, "")}`);
    expect(forged.status).toBe(400);
    expect((await forged.json<Problem>()).errors?.[0]?.path).toBe("cursor");
    expect((await api(`/users/${star.user.handle}/followers?limit=0`)).status).toBe(400);
    expect((await api(`/users/${star.user.handle}/following?limit=abc`)).status).toBe(400);
  });
});

describe("profiles", () => {
  it("show follower and following counts to visitors, without a relationship", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    await follow(ana, bea);
    const seen = await profile(bea);
    expect(seen).toMatchObject({ followerCount: 1, followingCount: 0, relationship: null });
  });

  it("tell a signed-in viewer how they stand with the member", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    await follow(ana, bea);
    expect((await profile(bea, ana)).relationship).toEqual({ following: true, followedBy: false, blocking: false, muting: false });
    expect((await profile(ana, bea)).relationship).toEqual({ following: false, followedBy: true, blocking: false, muting: false });
    await mute(bea, ana);
    expect((await profile(ana, bea)).relationship).toMatchObject({ muting: true, followedBy: true });
    expect((await profile(ana, ana)).relationship).toBeNull();
  });
});

describe("blocking", () => {
  it("removes follows both ways and refuses new ones both ways with 403", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    await follow(ana, bea);
    await follow(bea, ana);
    const res = await block(ana, bea);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ blocking: true });
    expect((await block(ana, bea)).status).toBe(200);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM follows WHERE follower_id IN (?, ?) AND followee_id IN (?, ?)").bind(ana.user.id, bea.user.id, ana.user.id, bea.user.id).first<{ n: number }>();
    expect(left!.n).toBe(0);
    expect((await follow(ana, bea)).status).toBe(403);
    const refused = await follow(bea, ana);
    expect(refused.status).toBe(403);
    expect((await refused.json<Problem>()).detail).toMatch(/can't interact/);
    expect((await profile(bea, ana)).relationship).toMatchObject({ blocking: true, following: false, followedBy: false });
  });

  it("never leaves a follow behind when a follow and a block race", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    await Promise.all([...Array.from({ length: 5 }, () => follow(bea, ana)), block(ana, bea), ...Array.from({ length: 5 }, () => follow(bea, ana))]);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM follows WHERE follower_id = ? AND followee_id = ?").bind(bea.user.id, ana.user.id).first<{ n: number }>();
    expect(left!.n).toBe(0);
  });

  it("hides members blocked either way from follower and following lists", async () => {
    const [star, ana, bea, cara] = await Promise.all([dancer("Maestra"), dancer("Ana"), dancer("Bea"), dancer("Cara")]);
    await follow(ana, star);
    await follow(bea, star);
    await follow(cara, star);
    await block(cara, bea); // Bea is blocked by Cara: Cara no longer sees Bea, and Bea no longer sees Cara.
    expect((await followers(star, cara)).data.map((m) => m.handle).sort()).toEqual([ana.user.handle, cara.user.handle].sort());
    expect((await followers(star, bea)).data.map((m) => m.handle).sort()).toEqual([ana.user.handle, bea.user.handle].sort());
    expect((await followers(star)).data).toHaveLength(3);
  });

  it("can be undone, and the follows it removed stay removed", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    await follow(bea, ana);
    await block(ana, bea);
    expect((await api(`/users/${bea.user.handle}/block`, { method: "DELETE", token: ana.accessToken })).status).toBe(204);
    expect((await api(`/users/${bea.user.handle}/block`, { method: "DELETE", token: ana.accessToken })).status).toBe(204);
    expect((await profile(ana)).followerCount).toBe(0);
    expect((await follow(bea, ana)).status).toBe(201);
  });

  it("can't target yourself", async () => {
    const ana = await dancer();
    expect((await block(ana, ana)).status).toBe(400);
    expect((await mute(ana, ana)).status).toBe(400);
  });
});

describe("muting", () => {
  it("only hides: follows stay and following still works", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    await follow(bea, ana);
    expect((await mute(ana, bea)).status).toBe(201);
    expect((await mute(ana, bea)).status).toBe(200);
    expect((await profile(ana)).followerCount).toBe(1);
    expect((await follow(ana, bea)).status).toBe(201);
    expect((await api(`/users/${bea.user.handle}/mute`, { method: "DELETE", token: ana.accessToken })).status).toBe(204);
    expect((await profile(bea, ana)).relationship).toMatchObject({ muting: false, following: true });
  });
});

describe("my blocks and mutes", () => {
  it("list whom I blocked and muted, newest first, and only mine", async () => {
    const [me, x, y, z, other] = await Promise.all([dancer(), dancer(), dancer(), dancer(), dancer()]);
    await block(me, x);
    await block(me, y);
    await mute(me, z);
    await block(other, me);
    const blocks = await (await api("/me/blocks", { token: me.accessToken })).json<MemberSummaryPage>();
    expect(blocks.data.map((m) => m.handle)).toEqual([y.user.handle, x.user.handle]);
    const mutes = await (await api("/me/mutes", { token: me.accessToken })).json<MemberSummaryPage>();
    expect(mutes.data.map((m) => m.handle)).toEqual([z.user.handle]);
    expect((await api("/me/blocks")).status).toBe(401);
    expect((await api("/me/mutes")).status).toBe(401);
  });
});
