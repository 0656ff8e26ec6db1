import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createEvent } from "./event-factory";
import { photoJpeg as jpeg, photoPng as png } from "./media-images";
import { page, signIn, submit } from "./pages";
import { block, comment, dancer, follow, group, post } from "./post-factory";
import { seedWorld } from "./world";

beforeAll(async () => {
  await seedWorld();
});

const reactionOf = (postId: string, userId: string) => env.DB.prepare("SELECT type FROM reactions WHERE post_id = ? AND user_id = ?").bind(postId, userId).first<{ type: string }>();

describe("/community", () => {
  it("shows a visitor a city's public posts, without composer, and asks them to sign in", async () => {
    const author = await dancer("ana", "barcelona");
    await post(author, { body: "Visitor-visible milonga barcelonina" });
    const hidden = await post(author, { body: "Only followers may read this", visibility: "followers" });
    const res = await page("/community?tab=city&city=barcelona");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Visitor-visible milonga barcelonina");
    expect(html).not.toContain(hidden.body);
    expect(html).toContain("/login?redirectTo=%2Fcommunity");
    expect(html).not.toContain('name="intent" value="post"');
  });

  it("greets a new member with an empty Following tab that says what to do", async () => {
    const me = await dancer("me");
    const html = await (await page("/community", await signIn(me))).text();
    expect(html).toContain("Follow dancers or join your city");
    expect(html).toContain('href="/community?tab=city"');
    expect(html).toContain('aria-current="page"');
    expect(html).toContain('name="intent" value="post"');
  });

  it("posts from the composer without JavaScript and shows the post in the feed, escaped", async () => {
    const me = await dancer("me");
    const cookie = await signIn(me);
    const res = await submit("/community", { intent: "post", body: "First *tanda* <script>alert(1)</script>", visibility: "public", groupId: "" }, { cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/community?posted=1");
    const html = await (await page("/community?posted=1", cookie)).text();
    expect(html).toContain("Posted.");
    expect(html).toContain("First <em>tanda</em> &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)</script>");
  });

  it("keeps what was typed and names the problem when a post is refused", async () => {
    const me = await dancer("me");
    const cookie = await signIn(me);
    const res = await submit("/community", { intent: "post", body: "group news", visibility: "group", groupId: "" }, { cookie });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("choose the group to post in");
    expect(html).toContain("group news");
  });

  it("posts in a group chosen in the composer", async () => {
    const me = await dancer("me");
    const g = await group([{ account: me }]);
    const cookie = await signIn(me);
    const html = await (await page("/community", cookie)).text();
    expect(html).toContain(`value="${g.id}"`);
    const res = await submit("/community", { intent: "post", body: "for the group", visibility: "group", groupId: g.id }, { cookie });
    expect(res.status).toBe(302);
    const row = await env.DB.prepare("SELECT visibility, group_id AS groupId FROM posts WHERE author_id = ?").bind(me.user.id).first();
    expect(row).toEqual({ visibility: "group", groupId: g.id });
  });

  it("sends a visitor who posts to sign in", async () => {
    const res = await submit("/community", { intent: "post", body: "hi" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2Fcommunity");
  });

  it("offers Load more with a cursor when there are more posts", async () => {
    const me = await dancer("me");
    for (let i = 0; i < 21; i++) await env.DB.prepare("INSERT INTO posts (id, author_id, body, visibility, created_at) VALUES (?, ?, ?, 'public', ?)").bind(`0190000${String(i).padStart(2, "0")}-0000-7000-8000-${me.user.id.slice(-12)}`, me.user.id, `bulk ${i}`, new Date().toISOString()).run();
    const cookie = await signIn(me);
    const html = await (await page("/community", cookie)).text();
    const next = /href="(\/community\?tab=following&amp;cursor=[^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&");
    expect(next).toBeDefined();
    const second = await (await page(next!, cookie)).text();
    expect(second).toContain("bulk 0");
    expect(second).not.toContain("bulk 20");
  });
});

describe("/posts/:id", () => {
  it("shows a public post with its comments and replies to visitors", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana, { body: "Page body text" });
    const top = await comment(bea, p.id, "Top comment text");
    await comment(ana, p.id, "Reply comment text", top.id);
    const res = await page(`/posts/${p.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const text of ["Page body text", "Top comment text", "Reply comment text", "Sign in"]) expect(html).toContain(text);
    expect(html).not.toContain("Delete post");
  });

  it("is a 404 for visitors and non-followers on a followers-only post", async () => {
    const [ana, stranger, fan] = await Promise.all([dancer("ana"), dancer("str"), dancer("fan")]);
    await follow(fan, ana);
    const p = await post(ana, { visibility: "followers" });
    expect((await page(`/posts/${p.id}`)).status).toBe(404);
    expect((await page(`/posts/${p.id}`, await signIn(stranger))).status).toBe(404);
    expect((await page(`/posts/${p.id}`, await signIn(fan))).status).toBe(200);
  });

  it("is a 404 for pending members of the group and across a block", async () => {
    const [ana, pending, blocked] = await Promise.all([dancer("ana"), dancer("pen"), dancer("blk")]);
    const g = await group([{ account: ana }, { account: pending, status: "pending" }]);
    const groupPost = await post(ana, { visibility: "group", groupId: g.id });
    const pub = await post(ana);
    await block(ana, blocked);
    expect((await page(`/posts/${groupPost.id}`, await signIn(pending))).status).toBe(404);
    expect((await page(`/posts/${pub.id}`, await signIn(blocked))).status).toBe(404);
  });

  it("reacts with real buttons: pressed state, change and take back", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana);
    const cookie = await signIn(bea);
    const res = await submit(`/posts/${p.id}`, { intent: "react:love", returnTo: "/community" }, { cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/community");
    expect(await reactionOf(p.id, bea.user.id)).toEqual({ type: "love" });
    const html = await (await page(`/posts/${p.id}`, cookie)).text();
    expect(html).toMatch(/<button[^>]*value="unreact"[^>]*aria-pressed="true"[^>]*aria-label="Love \(1\)"/);
    expect(html).toMatch(/<button[^>]*value="react:fire"[^>]*aria-pressed="false"/);
    await submit(`/posts/${p.id}`, { intent: "unreact" }, { cookie });
    expect(await reactionOf(p.id, bea.user.id)).toBeNull();
  });

  it("never redirects a reaction to another site", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana);
    const res = await submit(`/posts/${p.id}`, { intent: "react:like", returnTo: "https://evil.example/" }, { cookie: await signIn(bea) });
    expect(res.headers.get("location")).toBe(`/posts/${p.id}`);
  });

  it("refuses a form posted from another site", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana);
    const res = await submit(`/posts/${p.id}`, { intent: "react:like" }, { cookie: await signIn(bea), origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(await reactionOf(p.id, bea.user.id)).toBeNull();
  });

  it("comments and replies through forms", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana);
    const cookie = await signIn(bea);
    const res = await submit(`/posts/${p.id}`, { intent: "comment", body: "Form comment" }, { cookie });
    expect(res.status).toBe(302);
    const top = await env.DB.prepare("SELECT id FROM comments WHERE post_id = ?").bind(p.id).first<{ id: string }>();
    await submit(`/posts/${p.id}`, { intent: "comment", body: "Form reply", parentId: top!.id }, { cookie: await signIn(ana) });
    const html = await (await page(`/posts/${p.id}`, cookie)).text();
    expect(html).toContain("Form comment");
    expect(html).toContain("Form reply");
    expect(html).toContain(`name="parentId" value="${top!.id}"`);
  });

  it("lets the author edit the post (marked edited) and delete it", async () => {
    const ana = await dancer("ana");
    const p = await post(ana, { body: "Before edit" });
    const cookie = await signIn(ana);
    const editor = await (await page(`/posts/${p.id}?edit=1`, cookie)).text();
    expect(editor).toContain("Edit your post");
    const res = await submit(`/posts/${p.id}`, { intent: "edit", body: "After edit" }, { cookie });
    expect(res.headers.get("location")).toBe(`/posts/${p.id}?done=edited`);
    const html = await (await page(`/posts/${p.id}?done=edited`, cookie)).text();
    expect(html).toContain("After edit");
    expect(html).toContain(">edited<");
    const deleted = await submit(`/posts/${p.id}`, { intent: "delete" }, { cookie });
    expect(deleted.headers.get("location")).toBe("/community?deleted=1");
    expect((await page(`/posts/${p.id}`)).status).toBe(404);
  });

  it("refuses another member's edit and delete, and shows them no edit controls", async () => {
    const [ana, bea] = await Promise.all([dancer("ana"), dancer("bea")]);
    const p = await post(ana, { body: "Not yours" });
    const cookie = await signIn(bea);
    const html = await (await page(`/posts/${p.id}?edit=1`, cookie)).text();
    expect(html).not.toContain("Edit your post");
    expect(html).not.toContain("Delete post");
    expect((await submit(`/posts/${p.id}`, { intent: "edit", body: "Hijacked" }, { cookie })).status).toBe(403);
    expect((await submit(`/posts/${p.id}`, { intent: "delete" }, { cookie })).status).toBe(403);
    expect(await (await page(`/posts/${p.id}`)).text()).toContain("Not yours");
  });
});

describe("memories on the event page", () => {
  it("shows the memories a viewer may read, and none they may not", async () => {
    const { event, organizer } = await createEvent();
    const fan = await dancer("fan");
    await follow(fan, organizer);
    await post(organizer, { body: "Public memory text", eventId: event.id });
    await post(organizer, { body: "Followers memory text", eventId: event.id, visibility: "followers" });
    const visitorHtml = await (await page(`/events/${event.id}`)).text();
    expect(visitorHtml).toContain('id="memories"');
    expect(visitorHtml).toContain("Public memory text");
    expect(visitorHtml).not.toContain("Followers memory text");
    const fanHtml = await (await page(`/events/${event.id}`, await signIn(fan))).text();
    expect(fanHtml).toContain("Followers memory text");
  });

  it("says what to do when there are no memories yet", async () => {
    const { event } = await createEvent();
    expect(await (await page(`/events/${event.id}`)).text()).toContain("No memories yet.");
  });

  it("posts a memory from the event page and comes back to it", async () => {
    const { event } = await createEvent();
    const me = await dancer("me");
    const cookie = await signIn(me);
    const html = await (await page(`/events/${event.id}`, cookie)).text();
    expect(html).toContain(`name="eventId" value="${event.id}"`);
    const res = await submit("/community", { intent: "post", body: "What a night", visibility: "public", eventId: event.id, returnTo: `/events/${event.id}#memories` }, { cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/events/${event.id}#memories`);
    expect(await (await page(`/events/${event.id}`)).text()).toContain("What a night");
  });
});

describe("pictures in the composer without JavaScript", () => {
  it("stores files sent with the form and shows them on the post", async () => {
    const me = await dancer("me");
    const cookie = await signIn(me);
    const form = new FormData();
    form.set("intent", "post");
    form.set("body", "Look at this floor");
    form.set("visibility", "public");
    form.append("files", new File([new Uint8Array(jpeg)], "floor.jpg", { type: "image/jpeg" }));
    form.append("files", new File([new Uint8Array(png)], "shoes.png", { type: "image/png" }));
    const res = await SELF.fetch(`${env.APP_ORIGIN}/community`, { method: "POST", headers: { Origin: env.APP_ORIGIN, Cookie: cookie }, body: form, redirect: "manual" });
    expect(res.status).toBe(302);
    const created = await env.DB.prepare("SELECT id FROM posts WHERE author_id = ?").bind(me.user.id).first<{ id: string }>();
    const shown = await (await page(`/posts/${created!.id}`)).text();
    expect(shown.match(/<img src="\/api\/v1\/media\/[0-9a-f-]+"/g)).toHaveLength(2);
  });

  it("takes a picture larger than the 1 MiB form limit (the composer's own limit is six pictures)", async () => {
    const me = await dancer("me");
    const cookie = await signIn(me);
    const big = new Uint8Array(3 * 1024 * 1024);
    big.set(jpeg.subarray(0, jpeg.length - 2));
    big.set([0xff, 0xd9], big.length - 2);
    const form = new FormData();
    form.set("intent", "post");
    form.set("body", "A big picture of the floor");
    form.set("visibility", "public");
    form.append("files", new File([big], "floor.jpg", { type: "image/jpeg" }));
    const res = await SELF.fetch(`${env.APP_ORIGIN}/community`, { method: "POST", headers: { Origin: env.APP_ORIGIN, Cookie: cookie }, body: form, redirect: "manual" });
    expect(res.status).toBe(302);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM media WHERE owner_id = ? AND attached_at IS NOT NULL").bind(me.user.id).first<{ n: number }>()).toEqual({ n: 1 });
  });

  it("refuses a file that is not a picture, keeping the text", async () => {
    const me = await dancer("me");
    const cookie = await signIn(me);
    const form = new FormData();
    form.set("intent", "post");
    form.set("body", "Kept text here");
    form.set("visibility", "public");
    form.append("files", new File([new TextEncoder().encode("<html>not an image</html>")], "evil.jpg", { type: "image/jpeg" }));
    const res = await SELF.fetch(`${env.APP_ORIGIN}/community`, { method: "POST", headers: { Origin: env.APP_ORIGIN, Cookie: cookie }, body: form, redirect: "manual" });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await res.text()).toContain("Kept text here");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM posts WHERE author_id = ?").bind(me.user.id).first<{ n: number }>()).toEqual({ n: 0 });
  });
});

describe("posts and memories on the profile", () => {
  it("lists the posts the viewer may read, and memories on their own tab", async () => {
    const { event, organizer } = await createEvent();
    const [fan, blocked] = await Promise.all([dancer("fan"), dancer("blk")]);
    await follow(fan, organizer);
    await block(organizer, blocked);
    await post(organizer, { body: "Profile public text" });
    await post(organizer, { body: "Profile followers text", visibility: "followers" });
    await post(organizer, { body: "Profile memory text", eventId: event.id });
    const path = `/people/${organizer.user.handle}`;
    const visitor = await (await page(path)).text();
    expect(visitor).toContain("Profile public text");
    expect(visitor).toContain("Profile memory text");
    expect(visitor).not.toContain("Profile followers text");
    expect(await (await page(path, await signIn(fan))).text()).toContain("Profile followers text");
    const memories = await (await page(`${path}?posts=memories`)).text();
    expect(memories).toContain("Profile memory text");
    expect(memories).not.toContain("Profile public text");
    const blockedView = await page(path, await signIn(blocked));
    expect(await blockedView.text()).not.toContain("Profile public text");
  });

  it("says so when there is nothing to show", async () => {
    const quiet = await dancer("quiet");
    expect(await (await page(`/people/${quiet.user.handle}`)).text()).toContain("has not posted anything you can see yet.");
  });
});

describe("posts on the group page", () => {
  it("shows posts and a composer to active members only", async () => {
    const [ana, pending, outsider] = await Promise.all([dancer("ana"), dancer("pen"), dancer("out")]);
    const g = await group([{ account: ana }, { account: pending, status: "pending" }], "public");
    await post(ana, { body: "Group only text", visibility: "group", groupId: g.id });
    const memberHtml = await (await page(`/groups/${g.slug}`, await signIn(ana))).text();
    expect(memberHtml).toContain("Group only text");
    expect(memberHtml).toContain(`name="groupId" value="${g.id}"`);
    for (const html of [await (await page(`/groups/${g.slug}`)).text(), await (await page(`/groups/${g.slug}`, await signIn(pending))).text(), await (await page(`/groups/${g.slug}`, await signIn(outsider))).text()]) {
      expect(html).not.toContain("Group only text");
      expect(html).toContain("Only members read and write this group");
    }
  });

  it("posts from the group page and comes back to it", async () => {
    const ana = await dancer("ana");
    const g = await group([{ account: ana }]);
    const cookie = await signIn(ana);
    const res = await submit("/community", { intent: "post", body: "Posted from the group", visibility: "group", groupId: g.id, returnTo: `/groups/${g.slug}` }, { cookie });
    expect(res.headers.get("location")).toBe(`/groups/${g.slug}`);
    expect(await (await page(`/groups/${g.slug}`, cookie)).text()).toContain("Posted from the group");
  });
});

describe("link previews on the post card", () => {
  it("shows a ready preview's words, escaped, without loading the other site's picture", async () => {
    const ana = await dancer("ana");
    const p = await post(ana, { body: "See <https://tickets.example/milonga>" });
    await env.DB.prepare("UPDATE link_previews SET status = 'ready', title = '<b>Tickets</b>', image_url = 'https://tracker.example/pixel.png' WHERE post_id = ?").bind(p.id).run();
    const html = await (await page(`/posts/${p.id}`)).text();
    expect(html).toContain("&lt;b&gt;Tickets&lt;/b&gt;");
    expect(html).not.toMatch(/<img[^>]*tracker\.example/);
  });
});
