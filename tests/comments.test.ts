import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { CommentDto, CommentPage, PostDto } from "../worker/schemas/posts";
import { api, member } from "./accounts";
import { block, comment, dancer, follow, group, mute, notificationsOf, post } from "./post-factory";
import { seedWorld } from "./world";

beforeAll(async () => {
  await seedWorld();
});

const list = (postId: string, token?: string, query = "") => api(`/posts/${postId}/comments${query}`, { token });

describe("POST /posts/:id/comments", () => {
  it("adds a comment, counts it on the post and notifies the post's author", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana);
    const res = await api(`/posts/${p.id}/comments`, { method: "POST", token: bea.accessToken, json: { body: "  So *good*  " } });
    expect(res.status).toBe(201);
    const created = await res.json<CommentDto>();
    expect(created).toMatchObject({ author: { handle: bea.user.handle }, body: "So *good*", bodyHtml: "<p>So <em>good</em></p>", parentId: null, replies: [], editedAt: null });
    expect((await (await api(`/posts/${p.id}`)).json<PostDto>()).commentCount).toBe(1);
    expect((await notificationsOf(ana)).map((n) => n.type)).toEqual(["comment"]);
  });

  it("nests replies one level: a reply to a reply attaches to the top-level comment", async () => {
    const [ana, bea, cid] = await Promise.all([dancer("ana"), dancer("bea"), dancer("cid")]);
    const p = await post(ana);
    const top = await comment(bea, p.id, "top");
    const reply = await comment(cid, p.id, "reply", top.id);
    const replyToReply = await comment(ana, p.id, "reply to reply", reply.id);
    expect(reply.parentId).toBe(top.id);
    expect(replyToReply.parentId).toBe(top.id);
    const page = await (await list(p.id)).json<CommentPage>();
    expect(page.data.map((c) => [c.body, c.replies.map((r) => r.body)])).toEqual([["top", ["reply", "reply to reply"]]]);
  });

  it("notifies the replied-to member with a reply notification", async () => {
    const [ana, bea, cid] = await Promise.all([dancer("ana"), dancer("bea"), dancer("cid")]);
    const p = await post(ana);
    const top = await comment(bea, p.id);
    await comment(cid, p.id, "answer", top.id);
    expect((await notificationsOf(bea)).map((n) => n.type)).toEqual(["reply"]);
    expect((await notificationsOf(ana)).map((n) => n.type)).toEqual(["comment", "comment"]);
  });

  it("notifies members mentioned in a comment who can read the post", async () => {
    const [ana, cid, dan] = await Promise.all([dancer("ana"), dancer("cid"), dancer("dan")]);
    await follow(cid, ana);
    const p = await post(ana, { visibility: "followers" });
    const c = await comment(ana, p.id, `@${cid.user.handle} and @${dan.user.handle}, look`);
    expect(c.bodyHtml).toContain(`href="/people/${cid.user.handle}"`);
    expect((await notificationsOf(cid)).map((n) => [n.type, n.dedupe_key])).toEqual([["mention", `mention:comment:${c.id}`]]);
    expect(await notificationsOf(dan)).toEqual([]);
  });

  it("refuses a parent comment from another post", async () => {
    const ana = await dancer("ana");
    const [p1, p2] = [await post(ana), await post(ana)];
    const other = await comment(ana, p1.id);
    const res = await api(`/posts/${p2.id}/comments`, { method: "POST", token: ana.accessToken, json: { body: "x", parentId: other.id } });
    expect(res.status).toBe(400);
  });

  it("answers 404 to a comment on a post the member cannot read", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const followersOnly = await post(ana, { visibility: "followers" });
    const g = await group([{ account: ana }, { account: bea, status: "pending" }]);
    const groupPost = await post(ana, { visibility: "group", groupId: g.id });
    for (const p of [followersOnly, groupPost]) {
      expect((await api(`/posts/${p.id}/comments`, { method: "POST", token: bea.accessToken, json: { body: "hi" } })).status).toBe(404);
    }
  });

  it("refuses comments across a block", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana);
    const top = await comment(bea, p.id);
    await block(ana, bea);
    expect((await api(`/posts/${p.id}/comments`, { method: "POST", token: bea.accessToken, json: { body: "hi" } })).status).toBe(404);
    // A third member cannot reply to a comment by someone they blocked.
    const cid = await dancer("cid");
    await block(cid, bea);
    expect((await api(`/posts/${p.id}/comments`, { method: "POST", token: cid.accessToken, json: { body: "hi", parentId: top.id } })).status).toBe(403);
  });

  it("refuses visitors, unconfirmed members, empty and too long comments", async () => {
    const ana = await dancer("ana");
    const p = await post(ana);
    expect((await api(`/posts/${p.id}/comments`, { method: "POST", json: { body: "hi" } })).status).toBe(401);
    const unverified = await member();
    expect((await api(`/posts/${p.id}/comments`, { method: "POST", token: unverified.accessToken, json: { body: "hi" } })).status).toBe(403);
    expect((await api(`/posts/${p.id}/comments`, { method: "POST", token: ana.accessToken, json: { body: "  " } })).status).toBe(400);
    expect((await api(`/posts/${p.id}/comments`, { method: "POST", token: ana.accessToken, json: { body: "a".repeat(2001) } })).status).toBe(400);
  });
});

describe("GET /posts/:id/comments", () => {
  it("pages top-level comments oldest first", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana);
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await comment(bea, p.id, `c${i}`)).id);
    const first = await (await list(p.id, undefined, "?limit=3")).json<CommentPage>();
    expect(first.data.map((c) => c.id)).toEqual(made.slice(0, 3));
    const second = await (await list(p.id, undefined, `?limit=3&cursor=${first.nextCursor}`)).json<CommentPage>();
    expect(second.data.map((c) => c.id)).toEqual(made.slice(3));
    expect(second.nextCursor).toBeNull();
  });

  it("answers 404 to visitors and non-followers for a followers-only post's comments", async () => {
    const [ana, fan, stranger] = await Promise.all([dancer("ana"), dancer("fan"), dancer("str")]);
    await follow(fan, ana);
    const p = await post(ana, { visibility: "followers" });
    await comment(fan, p.id);
    expect((await list(p.id)).status).toBe(404);
    expect((await list(p.id, stranger.accessToken)).status).toBe(404);
    expect((await (await list(p.id, fan.accessToken)).json<CommentPage>()).data).toHaveLength(1);
  });

  it("answers 404 to non-members and pending members for a group post's comments", async () => {
    const [ana, pending, outsider] = await Promise.all([dancer("ana"), dancer("pen"), dancer("out")]);
    const g = await group([{ account: ana }, { account: pending, status: "pending" }]);
    const p = await post(ana, { visibility: "group", groupId: g.id });
    expect((await list(p.id, pending.accessToken)).status).toBe(404);
    expect((await list(p.id, outsider.accessToken)).status).toBe(404);
  });

  it("hides comments and replies by members blocked either way, and by muted members from the muter", async () => {
    const [ana, viewer, blockedByViewer, blockerOfViewer, muted, friend] = await Promise.all([
      dancer("ana"),
      dancer("vie"),
      dancer("bbv"),
      dancer("bov"),
      dancer("mut"),
      dancer("fri"),
    ]);
    const p = await post(ana);
    const top = await comment(friend, p.id, "visible");
    await comment(blockedByViewer, p.id, "from blocked");
    await comment(blockerOfViewer, p.id, "from blocker");
    await comment(muted, p.id, "from muted");
    await comment(blockedByViewer, p.id, "reply from blocked", top.id);
    await comment(muted, p.id, "reply from muted", top.id);
    await block(viewer, blockedByViewer);
    await block(blockerOfViewer, viewer);
    await mute(viewer, muted);
    const seen = await (await list(p.id, viewer.accessToken)).json<CommentPage>();
    expect(seen.data.map((c) => [c.body, c.replies.map((r) => r.body)])).toEqual([["visible", []]]);
    const byOthers = await (await list(p.id, friend.accessToken)).json<CommentPage>();
    expect(byOthers.data).toHaveLength(4);
    expect(byOthers.data[0]!.replies).toHaveLength(2);
  });
});

describe("PATCH and DELETE comments", () => {
  it("lets the author edit, marking it edited; nobody else", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana);
    const c = await comment(bea, p.id);
    const path = `/posts/${p.id}/comments/${c.id}`;
    expect((await api(path, { method: "PATCH", token: ana.accessToken, json: { body: "hijacked" } })).status).toBe(403);
    const res = await api(path, { method: "PATCH", token: bea.accessToken, json: { body: "better" } });
    expect(res.status).toBe(200);
    expect(await res.json<CommentDto>()).toMatchObject({ body: "better", editedAt: expect.any(String) });
  });

  it("lets the comment's author and the post's author delete, not a third member", async () => {
    const [ana, bea, cid] = await Promise.all([dancer("ana"), dancer("bea"), dancer("cid")]);
    const p = await post(ana);
    const first = await comment(bea, p.id);
    const second = await comment(bea, p.id);
    expect((await api(`/posts/${p.id}/comments/${first.id}`, { method: "DELETE", token: cid.accessToken })).status).toBe(403);
    expect((await api(`/posts/${p.id}/comments/${first.id}`, { method: "DELETE", token: bea.accessToken })).status).toBe(204);
    expect((await api(`/posts/${p.id}/comments/${second.id}`, { method: "DELETE", token: ana.accessToken })).status).toBe(204);
    expect((await (await list(p.id)).json<CommentPage>()).data).toEqual([]);
  });

  it("lets the post's author delete a comment by a member blocked either way (404 for a third member)", async () => {
    const [ana, bea, cid, dan] = await Promise.all([dancer("ana"), dancer("bea"), dancer("cid"), dancer("dan")]);
    const p = await post(ana);
    const byBlocked = await comment(bea, p.id, "harassing words");
    const byBlocker = await comment(cid, p.id, "more harassing words");
    await Promise.all([block(ana, bea), block(cid, ana), block(dan, bea)]);
    expect((await api(`/posts/${p.id}/comments/${byBlocked.id}`, { method: "DELETE", token: dan.accessToken })).status).toBe(404);
    expect((await api(`/posts/${p.id}/comments/${byBlocked.id}`, { method: "DELETE", token: ana.accessToken })).status).toBe(204);
    expect((await api(`/posts/${p.id}/comments/${byBlocker.id}`, { method: "DELETE", token: ana.accessToken })).status).toBe(204);
    expect((await (await list(p.id)).json<CommentPage>()).data).toEqual([]);
  });

  it("takes a top-level comment's replies with it", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana);
    const top = await comment(bea, p.id);
    await comment(ana, p.id, "reply", top.id);
    await api(`/posts/${p.id}/comments/${top.id}`, { method: "DELETE", token: bea.accessToken });
    expect((await (await api(`/posts/${p.id}`)).json<PostDto>()).commentCount).toBe(0);
  });

  it("answers 404 (or 400 for the parent), never a 500 or an orphan reply, to comments racing a deletion", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    for (let round = 0; round < 3; round++) {
      const p = await post(ana);
      const top = await comment(bea, p.id);
      const write = (json: Record<string, unknown>) => api(`/posts/${p.id}/comments`, { method: "POST", token: bea.accessToken, json });
      const [deletedComment, ...replies] = await Promise.all([
        api(`/posts/${p.id}/comments/${top.id}`, { method: "DELETE", token: ana.accessToken }),
        ...Array.from({ length: 4 }, () => write({ body: "reply", parentId: top.id })),
      ]);
      expect(deletedComment.status).toBe(204);
      for (const res of replies) expect([201, 400]).toContain(res.status);
      const [deletedPost, ...comments] = await Promise.all([api(`/posts/${p.id}`, { method: "DELETE", token: ana.accessToken }), ...Array.from({ length: 4 }, () => write({ body: "late" }))]);
      expect(deletedPost.status).toBe(204);
      for (const res of comments) expect([201, 404]).toContain(res.status);
    }
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM comments WHERE author_id = ?").bind(bea.user.id).first<{ n: number }>())!;
    expect(n).toBe(0);
  });

  it("answers 404 for a comment id of another post", async () => {
    const ana = await dancer("ana");
    const [p1, p2] = [await post(ana), await post(ana)];
    const c = await comment(ana, p1.id);
    expect((await api(`/posts/${p2.id}/comments/${c.id}`, { method: "DELETE", token: ana.accessToken })).status).toBe(404);
  });
});
