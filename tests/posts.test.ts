import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { PostDto, PostPage } from "../worker/schemas/posts";
import { api, member } from "./accounts";
import { createEvent } from "./event-factory";
import { photoJpeg, photoPng } from "./media-images";
import { block, dancer, follow, grantRole, group, mute, notificationsOf, post, type Member } from "./post-factory";
import { seedWorld } from "./world";

beforeAll(async () => {
  await seedWorld();
});

const read = (id: string, who?: Member) => api(`/posts/${id}`, { token: who?.accessToken });
const idsOf = async (res: Response) => (await res.json<PostPage>()).data.map((p) => p.id);

describe("POST /posts", () => {
  it("creates a public post with the full shape, in the author's home city", async () => {
    const ana = await dancer("ana");
    const res = await api("/posts", { method: "POST", token: ana.accessToken, json: { body: "  What a *tanda* at [La Viruta](https://laviruta.example)  ", visibility: "public" } });
    expect(res.status).toBe(201);
    const created = await res.json<PostDto>();
    expect(res.headers.get("Location")).toBe(`/api/v1/posts/${created.id}`);
    expect(created).toMatchObject({
      author: { handle: ana.user.handle, displayName: "ana", avatarUrl: null },
      body: "What a *tanda* at [La Viruta](https://laviruta.example)",
      visibility: "public",
      group: null,
      event: null,
      media: [],
      reactions: { like: 0, love: 0, fire: 0, applause: 0 },
      myReaction: null,
      commentCount: 0,
      editedAt: null,
    });
    expect(created.bodyHtml).toBe('<p>What a <em>tanda</em> at <a href="https://laviruta.example" rel="nofollow ugc noopener">La Viruta</a></p>');
    const row = await env.DB.prepare("SELECT posts.city_id AS cityId, cities.slug FROM posts JOIN cities ON cities.id = posts.city_id WHERE posts.id = ?").bind(created.id).first<{ slug: string }>();
    expect(row?.slug).toBe("buenos-aires");
  });

  it("refuses visitors (401) and members whose email is not confirmed (403)", async () => {
    expect((await api("/posts", { method: "POST", json: { body: "hi" } })).status).toBe(401);
    const unverified = await member();
    expect((await api("/posts", { method: "POST", token: unverified.accessToken, json: { body: "hi" } })).status).toBe(403);
  });

  it("refuses an empty body without pictures", async () => {
    const ana = await dancer("ana");
    const res = await api("/posts", { method: "POST", token: ana.accessToken, json: { body: "   " } });
    expect(res.status).toBe(400);
    expect((await res.json<{ errors: { path: string }[] }>()).errors[0]!.path).toBe("body");
  });

  it("accepts exactly 5,000 characters and refuses 5,001", async () => {
    const ana = await dancer("ana");
    expect((await api("/posts", { method: "POST", token: ana.accessToken, json: { body: "a".repeat(5000) } })).status).toBe(201);
    const res = await api("/posts", { method: "POST", token: ana.accessToken, json: { body: "a".repeat(5001) } });
    expect(res.status).toBe(400);
    expect((await res.json<{ errors: { path: string }[] }>()).errors[0]!.path).toBe("body");
  });

  it("refuses an unknown visibility", async () => {
    const ana = await dancer("ana");
    const res = await api("/posts", { method: "POST", token: ana.accessToken, json: { body: "hi", visibility: "everyone" } });
    expect(res.status).toBe(400);
    expect((await res.json<{ errors: { path: string }[] }>()).errors[0]!.path).toBe("visibility");
  });

  it("requires groupId for group posts and visibility group with groupId", async () => {
    const ana = await dancer("ana");
    const g = await group([{ account: ana }]);
    const missing = await api("/posts", { method: "POST", token: ana.accessToken, json: { body: "hi", visibility: "group" } });
    expect(missing.status).toBe(400);
    expect((await missing.json<{ errors: { path: string }[] }>()).errors[0]!.path).toBe("groupId");
    const mismatched = await api("/posts", { method: "POST", token: ana.accessToken, json: { body: "hi", visibility: "public", groupId: g.id } });
    expect(mismatched.status).toBe(400);
    expect((await mismatched.json<{ errors: { path: string }[] }>()).errors[0]!.path).toBe("visibility");
  });

  it("lets only active members post in a group", async () => {
    const [member1, pending, outsider] = await Promise.all([dancer("gm"), dancer("gp"), dancer("go")]);
    const g = await group([{ account: member1 }, { account: pending, status: "pending" }]);
    const input = { body: "group news", visibility: "group", groupId: g.id };
    const created = await post(member1, input);
    expect(created.group).toEqual({ slug: g.slug, name: `Group ${g.slug}` });
    expect((await api("/posts", { method: "POST", token: pending.accessToken, json: input })).status).toBe(403);
    expect((await api("/posts", { method: "POST", token: outsider.accessToken, json: input })).status).toBe(403);
    const unknown = await api("/posts", { method: "POST", token: outsider.accessToken, json: { ...input, groupId: crypto.randomUUID() } });
    expect(unknown.status).toBe(400);
  });

  it("makes a memory of an existing event and refuses an unknown event", async () => {
    const { event, organizer } = await createEvent();
    const memory = await post(organizer, { body: "Thank you all", eventId: event.id });
    expect(memory.event).toEqual({ id: event.id, title: event.title });
    const res = await api("/posts", { method: "POST", token: organizer.accessToken, json: { body: "x", eventId: crypto.randomUUID() } });
    expect(res.status).toBe(400);
    expect((await res.json<{ errors: { path: string }[] }>()).errors[0]!.path).toBe("eventId");
  });

  it("refuses someone else's pictures", async () => {
    const ana = await dancer("ana");
    const res = await api("/posts", { method: "POST", token: ana.accessToken, json: { body: "look", mediaIds: [crypto.randomUUID()] } });
    expect(res.status).toBe(400);
    expect((await res.json<{ errors: { path: string }[] }>()).errors[0]!.path).toBe("mediaIds");
  });

  it("attaches uploaded pictures in order, once", async () => {
    const ana = await dancer("ana");
    const upload = async (file: Uint8Array, type: string) => {
      const form = new FormData();
      form.append("file", new File([new Uint8Array(file)], "p", { type }));
      const res = await api("/media", { method: "POST", token: ana.accessToken, body: form });
      expect(res.status).toBe(201);
      return (await res.json<{ id: string }>()).id;
    };
    const ids = [await upload(photoPng, "image/png"), await upload(photoJpeg, "image/jpeg")];
    const created = await post(ana, { body: "", mediaIds: ids });
    expect(created.media.map((m) => m.id)).toEqual(ids);
    expect(created.media[0]).toMatchObject({ url: `/api/v1/media/${ids[0]}`, width: expect.any(Number), height: expect.any(Number) });
    const again = await api("/posts", { method: "POST", token: ana.accessToken, json: { body: "again", mediaIds: [ids[0]] } });
    expect(again.status).toBe(400);
    const bea = await dancer("bea");
    const stolen = await api("/posts", { method: "POST", token: bea.accessToken, json: { body: "mine", mediaIds: [await upload(photoPng, "image/png")] } });
    expect(stolen.status).toBe(400);
  });

  it("refuses more than six pictures", async () => {
    const ana = await dancer("ana");
    const res = await api("/posts", { method: "POST", token: ana.accessToken, json: { body: "look", mediaIds: Array.from({ length: 7 }, () => crypto.randomUUID()) } });
    expect(res.status).toBe(400);
  });
});

describe("mentions", () => {
  it("notifies each mentioned member once, even after edits", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const created = await post(ana, { body: `Dancing with @${bea.user.handle} and @${bea.user.handle}` });
    expect(created.bodyHtml).toContain(`<a href="/people/${bea.user.handle}" class="mention">@${bea.user.handle}</a>`);
    await api(`/posts/${created.id}`, { method: "PATCH", token: ana.accessToken, json: { body: `Edited, still with @${bea.user.handle}` } });
    const mentions = (await notificationsOf(bea)).filter((n) => n.type === "mention");
    expect(mentions).toEqual([{ type: "mention", actor_id: ana.user.id, subject_id: created.id, dedupe_key: `mention:${created.id}` }]);
  });

  it("quotes the post as it reads now: an edit replaces what the notification shows", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const created = await post(ana, { body: `My phone number is 555 0199, call me @${bea.user.handle}` });
    const excerpts = async () => {
      const list = await (await api("/notifications", { token: bea.accessToken })).json<{ data: { type: string; data: { excerpt?: string } }[] }>();
      return list.data.filter((n) => n.type === "mention").map((n) => n.data.excerpt);
    };
    expect((await excerpts())[0]).toContain("555 0199");
    await api(`/posts/${created.id}`, { method: "PATCH", token: ana.accessToken, json: { body: `See you at the milonga @${bea.user.handle}` } });
    expect(await excerpts()).toEqual([`See you at the milonga @${bea.user.handle}`]);
  });

  it("does not notify a member across a block", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    await block(bea, ana);
    await post(ana, { body: `hi @${bea.user.handle}` });
    expect(await notificationsOf(bea)).toEqual([]);
  });

  it("does not notify a member who cannot read the post", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    await post(ana, { body: `secret for followers @${bea.user.handle}`, visibility: "followers" });
    expect(await notificationsOf(bea)).toEqual([]);
  });

  it("links hashtags to post search", async () => {
    const ana = await dancer("ana");
    const created = await post(ana, { body: "Best #milonga ever" });
    expect(created.bodyHtml).toContain('<a href="/search?type=posts&amp;q=%23milonga" class="hashtag">#milonga</a>');
  });

  it("stores hostile HTML as text and renders it escaped", async () => {
    const ana = await dancer("ana");
    const created = await post(ana, { body: '<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="alert(1)">' });
    expect(created.bodyHtml).not.toMatch(/<script|<img|javascript:/i);
  });
});

describe("link previews", () => {
  it("queues a preview for the first link and shows it only once it is ready", async () => {
    const ana = await dancer("ana");
    const created = await post(ana, { body: "Tickets at <https://tickets.example/milonga>" });
    const row = await env.DB.prepare("SELECT url, status FROM link_previews WHERE post_id = ?").bind(created.id).first();
    expect(row).toMatchObject({ url: "https://tickets.example/milonga" });
    expect(created.linkPreview).toBeNull();
    await env.DB.prepare("UPDATE link_previews SET status = 'ready', title = 'Milonga tickets', description = 'Buy here', site_name = 'Tickets' WHERE post_id = ?").bind(created.id).run();
    const shown = await (await read(created.id)).json<PostDto>();
    expect(shown.linkPreview).toEqual({ url: "https://tickets.example/milonga", title: "Milonga tickets", description: "Buy here", imageUrl: null, siteName: "Tickets" });
  });
});

describe("GET /posts/:id visibility", () => {
  it("shows a public post to visitors", async () => {
    const ana = await dancer("ana");
    const p = await post(ana);
    expect((await read(p.id)).status).toBe(200);
  });

  it("hides a followers-only post from visitors and non-followers, shows it to followers and the author", async () => {
    const [ana, fan, stranger] = await Promise.all([dancer("ana"), dancer("fan"), dancer("str")]);
    await follow(fan, ana);
    const p = await post(ana, { visibility: "followers" });
    expect((await read(p.id)).status).toBe(404);
    expect((await read(p.id, stranger)).status).toBe(404);
    expect((await read(p.id, fan)).status).toBe(200);
    expect((await read(p.id, ana)).status).toBe(200);
  });

  it("hides a group post from non-members and pending members", async () => {
    const [ana, pending, outsider, fan] = await Promise.all([dancer("ana"), dancer("pen"), dancer("out"), dancer("fan")]);
    await follow(fan, ana);
    const g = await group([{ account: ana }, { account: pending, status: "pending" }]);
    const p = await post(ana, { visibility: "group", groupId: g.id });
    expect((await read(p.id)).status).toBe(404);
    expect((await read(p.id, outsider)).status).toBe(404);
    expect((await read(p.id, pending)).status).toBe(404);
    expect((await read(p.id, fan)).status).toBe(404);
  });

  it("hides posts across a block, both ways", async () => {
    const [ana, bea, cid] = await Promise.all([dancer("ana"), dancer("bea"), dancer("cid")]);
    await block(ana, bea);
    await block(cid, ana);
    const p = await post(ana);
    expect((await read(p.id, bea)).status).toBe(404);
    expect((await read(p.id, cid)).status).toBe(404);
  });

  it("answers 404 for an unknown or malformed id", async () => {
    expect((await read(crypto.randomUUID())).status).toBe(404);
    expect((await read("not-an-id")).status).toBe(404);
  });
});

describe("PATCH and DELETE /posts/:id", () => {
  it("lets the author edit and marks the post edited", async () => {
    const ana = await dancer("ana");
    const p = await post(ana);
    const res = await api(`/posts/${p.id}`, { method: "PATCH", token: ana.accessToken, json: { body: "Edited **text**" } });
    expect(res.status).toBe(200);
    const edited = await res.json<PostDto>();
    expect(edited.body).toBe("Edited **text**");
    expect(edited.bodyHtml).toBe("<p>Edited <strong>text</strong></p>");
    expect(edited.editedAt).not.toBeNull();
  });

  it("refuses edits and deletes of another member's post (403)", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana);
    expect((await api(`/posts/${p.id}`, { method: "PATCH", token: bea.accessToken, json: { body: "mine now" } })).status).toBe(403);
    expect((await api(`/posts/${p.id}`, { method: "DELETE", token: bea.accessToken })).status).toBe(403);
    expect((await read(p.id)).status).toBe(200);
  });

  it("refuses an empty or too long edit", async () => {
    const ana = await dancer("ana");
    const p = await post(ana);
    expect((await api(`/posts/${p.id}`, { method: "PATCH", token: ana.accessToken, json: { body: "  " } })).status).toBe(400);
    expect((await api(`/posts/${p.id}`, { method: "PATCH", token: ana.accessToken, json: { body: "a".repeat(5001) } })).status).toBe(400);
  });

  it("answers 404, not 403, to edits of a post the member cannot read", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana, { visibility: "followers" });
    expect((await api(`/posts/${p.id}`, { method: "PATCH", token: bea.accessToken, json: { body: "x" } })).status).toBe(404);
    expect((await api(`/posts/${p.id}`, { method: "DELETE", token: bea.accessToken })).status).toBe(404);
  });

  it("lets the author delete", async () => {
    const ana = await dancer("ana");
    const p = await post(ana);
    expect((await api(`/posts/${p.id}`, { method: "DELETE", token: ana.accessToken })).status).toBe(204);
    expect((await read(p.id)).status).toBe(404);
  });

  it("lets group admins and moderators delete group posts, not plain members", async () => {
    const [author, admin, moderator, plain] = await Promise.all([dancer("aut"), dancer("adm"), dancer("mod"), dancer("pla")]);
    const g = await group([{ account: author }, { account: admin, role: "admin" }, { account: moderator, role: "moderator" }, { account: plain }]);
    const first = await post(author, { visibility: "group", groupId: g.id });
    const second = await post(author, { visibility: "group", groupId: g.id });
    expect((await api(`/posts/${first.id}`, { method: "DELETE", token: plain.accessToken })).status).toBe(403);
    expect((await api(`/posts/${first.id}`, { method: "DELETE", token: admin.accessToken })).status).toBe(204);
    expect((await api(`/posts/${second.id}`, { method: "DELETE", token: moderator.accessToken })).status).toBe(204);
  });

  it("lets site moderators delete any post they can read", async () => {
    const [ana, mod] = await Promise.all([dancer("ana"), dancer("smod")]);
    await grantRole(mod, "moderator");
    const p = await post(ana);
    expect((await api(`/posts/${p.id}`, { method: "DELETE", token: mod.accessToken })).status).toBe(204);
  });

  it("lets group and site moderators delete the posts of a member who blocked them; others still get 404", async () => {
    const [author, groupMod, siteMod, other] = await Promise.all([dancer("aut"), dancer("gmod"), dancer("smod"), dancer("oth")]);
    await grantRole(siteMod, "moderator");
    const g = await group([{ account: author }, { account: groupMod, role: "moderator" }, { account: other }]);
    const inGroup = await post(author, { visibility: "group", groupId: g.id });
    const inPublic = await post(author);
    await Promise.all([block(author, groupMod), block(author, siteMod), block(author, other)]);
    expect((await api(`/posts/${inGroup.id}`, { method: "DELETE", token: other.accessToken })).status).toBe(404);
    expect((await api(`/posts/${inGroup.id}`, { method: "DELETE", token: groupMod.accessToken })).status).toBe(204);
    expect((await api(`/posts/${inPublic.id}`, { method: "DELETE", token: siteMod.accessToken })).status).toBe(204);
  });

  it("answers 404, never a 500, to edits (with a link) racing the post's deletion", async () => {
    const ana = await dancer("ana");
    for (let round = 0; round < 3; round++) {
      const p = await post(ana);
      const [deleted, ...edits] = await Promise.all([
        api(`/posts/${p.id}`, { method: "DELETE", token: ana.accessToken }),
        ...Array.from({ length: 4 }, (_, i) => api(`/posts/${p.id}`, { method: "PATCH", token: ana.accessToken, json: { body: `see https://example.com/${i}` } })),
      ]);
      expect(deleted.status).toBe(204);
      for (const res of edits) expect([200, 404]).toContain(res.status);
    }
  });

  it("answers 400 naming groupId, never a 500, to group posts racing the group's deletion", async () => {
    const ana = await dancer("ana");
    for (let round = 0; round < 3; round++) {
      const g = await group([{ account: ana, role: "admin" }], "public");
      const [deleted, ...posted] = await Promise.all([
        api(`/groups/${g.slug}`, { method: "DELETE", token: ana.accessToken }),
        ...Array.from({ length: 4 }, () => api("/posts", { method: "POST", token: ana.accessToken, json: { body: "x", visibility: "group", groupId: g.id } })),
      ]);
      expect(deleted.status).toBe(204);
      for (const res of posted) {
        expect([201, 400, 403]).toContain(res.status);
        if (res.status === 400) expect((await res.json<{ errors: { path: string }[] }>()).errors[0]!.path).toBe("groupId");
      }
    }
  });
});

describe("user posts, group posts and memories", () => {
  it("lists a member's posts as the viewer may see them", async () => {
    const [ana, fan, stranger, blocked] = await Promise.all([dancer("ana"), dancer("fan"), dancer("str"), dancer("blk")]);
    await follow(fan, ana);
    await block(ana, blocked);
    const g = await group([{ account: ana }]);
    const pub = await post(ana);
    const fol = await post(ana, { visibility: "followers" });
    const grp = await post(ana, { visibility: "group", groupId: g.id });
    const path = `/users/${ana.user.handle}/posts`;
    expect(await idsOf(await api(path))).toEqual([pub.id]);
    expect(await idsOf(await api(path, { token: stranger.accessToken }))).toEqual([pub.id]);
    expect(await idsOf(await api(path, { token: fan.accessToken }))).toEqual([fol.id, pub.id]);
    expect(await idsOf(await api(path, { token: ana.accessToken }))).toEqual([grp.id, fol.id, pub.id]);
    expect(await idsOf(await api(path, { token: blocked.accessToken }))).toEqual([]);
  });

  it("pages a member's posts with a cursor", async () => {
    const ana = await dancer("ana");
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await post(ana, { body: `post ${i}` })).id);
    const first = await (await api(`/users/${ana.user.handle}/posts?limit=3`)).json<PostPage>();
    expect(first.data.map((p) => p.id)).toEqual(made.slice(2).reverse());
    const second = await (await api(`/users/${ana.user.handle}/posts?limit=3&cursor=${first.nextCursor}`)).json<PostPage>();
    expect(second.data.map((p) => p.id)).toEqual(made.slice(0, 2).reverse());
    expect(second.nextCursor).toBeNull();
    expect((await api(`/users/${ana.user.handle}/posts?cursor=forged`)).status).toBe(400);
  });

  it("lists only memories with memories=true", async () => {
    const { event, organizer } = await createEvent();
    await post(organizer);
    const memory = await post(organizer, { eventId: event.id });
    expect(await idsOf(await api(`/users/${organizer.user.handle}/posts?memories=true`))).toEqual([memory.id]);
  });

  it("answers 404 for an unknown member", async () => {
    expect((await api("/users/nobody_here_42/posts")).status).toBe(404);
  });

  it("shows group posts to active members only", async () => {
    const [ana, pending, outsider] = await Promise.all([dancer("ana"), dancer("pen"), dancer("out")]);
    const g = await group([{ account: ana }, { account: pending, status: "pending" }], "public");
    const p = await post(ana, { visibility: "group", groupId: g.id });
    expect(await idsOf(await api(`/groups/${g.slug}/posts`, { token: ana.accessToken }))).toEqual([p.id]);
    expect(await idsOf(await api(`/groups/${g.slug}/posts`, { token: pending.accessToken }))).toEqual([]);
    expect(await idsOf(await api(`/groups/${g.slug}/posts`, { token: outsider.accessToken }))).toEqual([]);
    expect(await idsOf(await api(`/groups/${g.slug}/posts`))).toEqual([]);
    expect((await api("/groups/no-such-group/posts")).status).toBe(404);
  });

  it("hides a blocked member's group posts from the other", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const g = await group([{ account: ana }, { account: bea }]);
    const p = await post(ana, { visibility: "group", groupId: g.id });
    await block(bea, ana);
    expect(await idsOf(await api(`/groups/${g.slug}/posts`, { token: bea.accessToken }))).toEqual([]);
    expect(await idsOf(await api(`/groups/${g.slug}/posts`, { token: ana.accessToken }))).toEqual([p.id]);
  });

  it("hides a muted member's group posts and memories from the muter only", async () => {
    const [ana, muter, other] = await Promise.all([dancer("ana"), dancer("mtr"), dancer("oth")]);
    const g = await group([{ account: ana }, { account: muter }, { account: other }]);
    const { event } = await createEvent();
    const groupPost = await post(ana, { visibility: "group", groupId: g.id });
    const memory = await post(ana, { eventId: event.id });
    await mute(muter, ana);
    expect(await idsOf(await api(`/groups/${g.slug}/posts`, { token: muter.accessToken }))).toEqual([]);
    expect(await idsOf(await api(`/events/${event.id}/memories`, { token: muter.accessToken }))).toEqual([]);
    expect(await idsOf(await api(`/groups/${g.slug}/posts`, { token: other.accessToken }))).toEqual([groupPost.id]);
    expect(await idsOf(await api(`/events/${event.id}/memories`, { token: other.accessToken }))).toEqual([memory.id]);
  });

  it("lists an event's memories as the viewer may see them", async () => {
    const { event, organizer } = await createEvent();
    const [fan, stranger, blocked] = await Promise.all([dancer("fan"), dancer("str"), dancer("blk")]);
    await follow(fan, organizer);
    await block(blocked, organizer);
    const pub = await post(organizer, { eventId: event.id });
    const fol = await post(organizer, { eventId: event.id, visibility: "followers" });
    const path = `/events/${event.id}/memories`;
    expect(await idsOf(await api(path))).toEqual([pub.id]);
    expect(await idsOf(await api(path, { token: stranger.accessToken }))).toEqual([pub.id]);
    expect(await idsOf(await api(path, { token: fan.accessToken }))).toEqual([fol.id, pub.id]);
    expect(await idsOf(await api(path, { token: blocked.accessToken }))).toEqual([]);
    expect((await api(`/events/${crypto.randomUUID()}/memories`)).status).toBe(404);
  });
});
