import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { PostPage } from "../worker/schemas/posts";
import { api } from "./accounts";
import { createEvent } from "./event-factory";
import { block, dancer, follow, group, mute, post, type Member } from "./post-factory";
import { seedWorld } from "./world";

beforeAll(async () => {
  await seedWorld();
});

const feed = async (who: Member | undefined, query = "") => {
  const res = await api(`/feed${query}`, { token: who?.accessToken });
  expect(res.status).toBe(200);
  return res.json<PostPage & { city: { slug: string } | null }>();
};
const ids = (page: PostPage) => page.data.map((p) => p.id);

describe("GET /feed?tab=following", () => {
  it("has my posts, posts of people I follow and posts in my groups, newest first", async () => {
    const [me, followed, groupmate, stranger] = await Promise.all([dancer("me"), dancer("fol"), dancer("gm"), dancer("str")]);
    await follow(me, followed);
    const g = await group([{ account: me }, { account: groupmate }]);
    const mine = await post(me);
    const theirs = await post(followed);
    const theirsFollowersOnly = await post(followed, { visibility: "followers" });
    const inGroup = await post(groupmate, { visibility: "group", groupId: g.id });
    const myGroupPost = await post(me, { visibility: "group", groupId: g.id });
    await post(stranger);
    await post(groupmate);
    expect(ids(await feed(me))).toEqual([myGroupPost.id, inGroup.id, theirsFollowersOnly.id, theirs.id, mine.id]);
  });

  it("leaves out followees' posts in groups I am not in, and groups where I am only pending", async () => {
    const [me, followed] = await Promise.all([dancer("me"), dancer("fol")]);
    await follow(me, followed);
    const closed = await group([{ account: followed }]);
    const pending = await group([{ account: followed }, { account: me, status: "pending" }]);
    await post(followed, { visibility: "group", groupId: closed.id });
    await post(followed, { visibility: "group", groupId: pending.id });
    expect(ids(await feed(me))).toEqual([]);
  });

  it("hides muted members' posts, and posts across a block either way", async () => {
    const [me, muted, blocked, blocker] = await Promise.all([dancer("me"), dancer("mut"), dancer("blk"), dancer("bkr")]);
    for (const other of [muted, blocked, blocker]) await follow(me, other);
    const g = await group([{ account: me }, { account: muted }, { account: blocked }, { account: blocker }]);
    await mute(me, muted);
    await block(me, blocked);
    await block(blocker, me);
    for (const other of [muted, blocked, blocker]) {
      await post(other);
      await post(other, { visibility: "group", groupId: g.id });
    }
    expect(ids(await feed(me))).toEqual([]);
  });

  it("needs a signed-in member", async () => {
    expect((await api("/feed")).status).toBe(401);
  });

  it("pages without duplicates or gaps while new posts arrive", async () => {
    const [me, followed] = await Promise.all([dancer("me"), dancer("fol")]);
    await follow(me, followed);
    const before: string[] = [];
    for (let i = 0; i < 7; i++) before.push((await post(i % 2 ? me : followed, { body: `old ${i}` })).id);
    const newestFirst = [...before].sort().reverse();
    const page1 = await feed(me, "?limit=3");
    expect(ids(page1)).toEqual(newestFirst.slice(0, 3));
    const arrived = [];
    for (let i = 0; i < 4; i++) arrived.push((await post(followed, { body: `new ${i}` })).id);
    const page2 = await feed(me, `?limit=3&cursor=${page1.nextCursor}`);
    const page3 = await feed(me, `?limit=3&cursor=${page2.nextCursor}`);
    expect([...ids(page1), ...ids(page2), ...ids(page3)]).toEqual(newestFirst);
    expect(page3.nextCursor).toBeNull();
    expect(ids(await feed(me, "?limit=4"))).toEqual(arrived.sort().reverse());
  });

  it("rejects a forged cursor and bad limits", async () => {
    const me = await dancer("me");
    expect((await api("/feed?cursor=not-ours", { token: me.accessToken })).status).toBe(400);
    expect((await api("/feed?limit=0", { token: me.accessToken })).status).toBe(400);
    expect((await api("/feed?tab=everything", { token: me.accessToken })).status).toBe(400);
  });
});

describe("GET /feed?tab=city", () => {
  it("shows public posts and memories from my home city only", async () => {
    const [me, neighbour, traveller] = await Promise.all([dancer("me", "montevideo"), dancer("nei", "montevideo"), dancer("tra", "berlin")]);
    const g = await group([{ account: neighbour }, { account: me }]);
    const { event } = await createEvent();
    const pub = await post(neighbour);
    const memory = await post(neighbour, { eventId: event.id });
    const followersOnly = await post(neighbour, { visibility: "followers" });
    const inGroup = await post(neighbour, { visibility: "group", groupId: g.id });
    const elsewhere = await post(traveller);
    const page = await feed(me, "?tab=city");
    expect(page.city?.slug).toBe("montevideo");
    expect(ids(page)).toContain(pub.id);
    expect(ids(page)).toContain(memory.id);
    expect(ids(page).indexOf(memory.id)).toBeLessThan(ids(page).indexOf(pub.id));
    for (const hidden of [followersOnly, inGroup, elsewhere]) expect(ids(page)).not.toContain(hidden.id);
  });

  it("lets visitors read a named city's tab, and asks them to choose one otherwise", async () => {
    const neighbour = await dancer("nei", "lisbon");
    const pub = await post(neighbour);
    expect(ids(await feed(undefined, "?tab=city&city=lisbon"))).toContain(pub.id);
    const res = await api("/feed?tab=city");
    expect(res.status).toBe(400);
    expect((await res.json<{ errors: { path: string }[] }>()).errors[0]!.path).toBe("city");
    expect((await api("/feed?tab=city&city=atlantis")).status).toBe(404);
  });

  it("hides muted and blocked members from the city tab", async () => {
    const [me, muted, blocked] = await Promise.all([dancer("me", "paris"), dancer("mut", "paris"), dancer("blk", "paris")]);
    const a = await post(muted);
    const b = await post(blocked);
    await mute(me, muted);
    await block(blocked, me);
    const page = ids(await feed(me, "?tab=city&limit=100"));
    expect(page).not.toContain(a.id);
    expect(page).not.toContain(b.id);
    expect(ids(await feed(undefined, "?tab=city&city=paris&limit=100"))).toEqual(expect.arrayContaining([a.id, b.id]));
  });

  it("pages the city tab with the same stable cursor", async () => {
    const author = await dancer("aut", "rome");
    await env.DB.prepare("DELETE FROM posts WHERE city_id = (SELECT id FROM cities WHERE slug = 'rome') AND author_id != ?").bind(author.user.id).run();
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await post(author, { body: `p${i}` })).id);
    const first = await feed(undefined, "?tab=city&city=rome&limit=2");
    await post(author, { body: "late" });
    const second = await feed(undefined, `?tab=city&city=rome&limit=2&cursor=${first.nextCursor}`);
    const third = await feed(undefined, `?tab=city&city=rome&limit=2&cursor=${second.nextCursor}`);
    expect([...ids(first), ...ids(second), ...ids(third)]).toEqual([...made].sort().reverse());
  });
});
