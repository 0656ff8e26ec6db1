import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { PostDto, ReactionResult } from "../worker/schemas/posts";
import { api } from "./accounts";
import { block, dancer, group, notificationsOf, post, uniqueHandle, type Member } from "./post-factory";
import { verifiedMember } from "./event-factory";
import { seedWorld } from "./world";

beforeAll(async () => {
  await seedWorld();
});

const react = (postId: string, who: Member, type: string) => api(`/posts/${postId}/reaction`, { method: "PUT", token: who.accessToken, json: { type } });

describe("PUT /posts/:id/reaction", () => {
  it("reacts, changes the reaction and takes it back", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana);
    const first = await react(p.id, bea, "love");
    expect(first.status).toBe(200);
    expect(await first.json<ReactionResult>()).toEqual({ reactions: { like: 0, love: 1, fire: 0, applause: 0 }, myReaction: "love" });
    expect(await (await react(p.id, bea, "fire")).json<ReactionResult>()).toEqual({ reactions: { like: 0, love: 0, fire: 1, applause: 0 }, myReaction: "fire" });
    const seen = await (await api(`/posts/${p.id}`, { token: bea.accessToken })).json<PostDto>();
    expect(seen).toMatchObject({ reactions: { fire: 1 }, myReaction: "fire" });
    const removed = await api(`/posts/${p.id}/reaction`, { method: "DELETE", token: bea.accessToken });
    expect(await removed.json<ReactionResult>()).toEqual({ reactions: { like: 0, love: 0, fire: 0, applause: 0 }, myReaction: null });
  });

  it("notifies the post's author once per reacting member", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana);
    await react(p.id, bea, "like");
    await react(p.id, bea, "love");
    expect(await notificationsOf(ana)).toEqual([{ type: "reaction", actor_id: bea.user.id, subject_id: p.id, dedupe_key: `reaction:${p.id}:${bea.user.id}` }]);
  });

  it("refuses an unknown reaction type (400)", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana);
    const res = await react(p.id, bea, "angry");
    expect(res.status).toBe(400);
    expect((await res.json<{ errors: { path: string }[] }>()).errors[0]!.path).toBe("type");
  });

  it("refuses reactions across a block: the post is hidden from the blocked member (404, existence not revealed)", async () => {
    const [ana, bea, cid] = await Promise.all([dancer("ana"), dancer("bea"), dancer("cid")]);
    const p = await post(ana);
    await block(ana, bea);
    expect((await react(p.id, bea, "like")).status).toBe(404);
    // The blocker cannot react to the blocked member's posts either, even in a group both belong to.
    const g = await group([{ account: ana }, { account: cid }]);
    const gp = await post(ana, { visibility: "group", groupId: g.id });
    await block(cid, ana);
    expect((await react(gp.id, cid, "like")).status).toBe(404);
  });

  it("refuses visitors and unreadable posts", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana, { visibility: "followers" });
    expect((await api(`/posts/${p.id}/reaction`, { method: "PUT", json: { type: "like" } })).status).toBe(401);
    expect((await react(p.id, bea, "like")).status).toBe(404);
  });

  it("counts exactly 30 reactions when 30 members react at once", async () => {
    const author = await dancer("ana");
    const p = await post(author);
    const members = await Promise.all(Array.from({ length: 30 }, (_, i) => verifiedMember({ handle: uniqueHandle(`r${i}`) })));
    const types = ["like", "love", "fire", "applause"] as const;
    const results = await Promise.all(members.map((m, i) => react(p.id, m, types[i % 4]!)));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
    const after = await (await api(`/posts/${p.id}`)).json<PostDto>();
    expect(after.reactions).toEqual({ like: 8, love: 8, fire: 7, applause: 7 });
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM reactions WHERE post_id = ?").bind(p.id).first<{ n: number }>();
    expect(rows?.n).toBe(30);
    // Signing 30 members up hashes 30 passwords: slow on a shared machine, not what is measured.
  }, 180_000);

  it("keeps one reaction when a member changes it many times at once", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana);
    const types = ["like", "love", "fire", "applause"];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => react(p.id, bea, types[i % 4]!)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const after = await (await api(`/posts/${p.id}`, { token: bea.accessToken })).json<PostDto>();
    const total = Object.values(after.reactions).reduce((a, b) => a + b, 0);
    expect(total).toBe(1);
    expect(after.reactions[after.myReaction!]).toBe(1);
  });

  it("answers 404, never a 500, to reactions racing the post's deletion", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    for (let round = 0; round < 3; round++) {
      const p = await post(ana);
      const [deleted, ...reacted] = await Promise.all([api(`/posts/${p.id}`, { method: "DELETE", token: ana.accessToken }), ...Array.from({ length: 6 }, () => react(p.id, bea, "fire"))]);
      expect(deleted.status).toBe(204);
      for (const res of reacted) expect([200, 404]).toContain(res.status);
    }
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM reactions WHERE user_id = ?").bind(bea.user.id).first<{ n: number }>())!;
    expect(n).toBe(0);
  });
});
