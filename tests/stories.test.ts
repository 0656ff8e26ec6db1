import { createScheduledController, env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Ctx } from "../worker/env";
import { runScheduled } from "../worker/scheduled";
import { sweepMedia } from "../worker/services/media";
import { expireStories, listStoryGroups } from "../worker/services/stories";
import type { MediaDto } from "../worker/services/media";
import type { StoryDto, StoryGroup } from "../worker/schemas/stories";
import { api, BASE, member } from "./accounts";
import { verifiedMember, type Member } from "./event-factory";
import { photoJpeg } from "./media-images";
import { recordPlans } from "./query-plan-recorder";
import { page, signIn, submit } from "./pages";

let handles = 0;
const nextHandle = (name: string) => `${name}_${Date.now().toString(36).slice(-5)}_${++handles}`;
const dancer = (name: string) => verifiedMember({ handle: nextHandle(name) });

const now = () => new Date().toISOString();
const follow = (a: Member, b: Member) => env.DB.prepare("INSERT INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)").bind(a.user.id, b.user.id, now()).run();
const block = (a: Member, b: Member) => env.DB.prepare("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)").bind(a.user.id, b.user.id, now()).run();
const mute = (a: Member, b: Member) => env.DB.prepare("INSERT INTO mutes (muter_id, muted_id, created_at) VALUES (?, ?, ?)").bind(a.user.id, b.user.id, now()).run();

async function uploadPhoto(account: Member): Promise<MediaDto> {
  const form = new FormData();
  form.append("file", new File([new Uint8Array(photoJpeg)], "night.jpg", { type: "image/jpeg" }));
  const res = await SELF.fetch(`${BASE}/api/v1/media`, { method: "POST", headers: { Authorization: `Bearer ${account.accessToken}` }, body: form });
  expect(res.status).toBe(201);
  return res.json<MediaDto>();
}

async function postStory(account: Member, json: unknown): Promise<StoryDto> {
  const res = await api("/stories", { method: "POST", token: account.accessToken, json });
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json<StoryDto>();
}

const groups = async (account: Member) => {
  const res = await api("/stories", { token: account.accessToken });
  expect(res.status).toBe(200);
  return (await res.json<{ data: StoryGroup[] }>()).data;
};

describe("stories", () => {
  it("are posted with a text, a picture or both, and expire after 24 hours", async () => {
    const ana = await dancer("ana");
    const picture = await uploadPhoto(ana);
    const story = await postStory(ana, { text: "  ¡Qué milonga!  ", mediaId: picture.id });
    expect(story).toMatchObject({ text: "¡Qué milonga!", media: picture, author: { handle: ana.user.handle } });
    expect(Date.parse(story.expiresAt) - Date.parse(story.createdAt)).toBe(24 * 3600_000);
    const textOnly = await postStory(ana, { text: "Tonight at Salon Canning" });
    expect(textOnly.media).toBeNull();
    const pictureOnly = await postStory(ana, { mediaId: (await uploadPhoto(ana)).id });
    expect(pictureOnly.text).toBeNull();
  });

  it("refuse an empty story, a long text, someone else's picture and a picture used twice", async () => {
    const ana = await dancer("ana");
    const ben = await dancer("ben");
    const cases: [unknown, string][] = [
      [{}, "text"],
      [{ text: "   " }, "text"],
      [{ text: "x".repeat(281) }, "text"],
      [{ text: "ok", mediaId: (await uploadPhoto(ben)).id }, "mediaId"],
      [{ text: "ok", mediaId: "not-an-id" }, "mediaId"],
      [{ text: 42 }, "text"],
    ];
    for (const [json, path] of cases) {
      const res = await api("/stories", { method: "POST", token: ana.accessToken, json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect((await res.json<{ errors: { path: string }[] }>()).errors.map((e) => e.path)).toContain(path);
    }
    expect((await postStory(ana, { text: "🎉".repeat(280) })).text).toHaveLength(560);
    const picture = await uploadPhoto(ana);
    await postStory(ana, { mediaId: picture.id });
    const again = await api("/stories", { method: "POST", token: ana.accessToken, json: { mediaId: picture.id } });
    expect(again.status).toBe(400);
  });

  it("are at most 30 at a time per member", async () => {
    const ana = await dancer("ana");
    for (let i = 0; i < 30; i++) await postStory(ana, { text: `story ${i}` });
    const res = await api("/stories", { method: "POST", token: ana.accessToken, json: { text: "one too many" } });
    expect(res.status).toBe(409);
    expect((await res.json<{ detail: string }>()).detail).toMatch(/30 stories/);
  });

  it("stay at 30 when stories are posted at the same moment, and a refused story gives its picture back", async () => {
    const ana = await dancer("ana");
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await env.DB.batch(
      Array.from({ length: 29 }, (_, i) =>
        env.DB.prepare("INSERT INTO stories (id, author_id, text, created_at, expires_at) VALUES (?, ?, ?, ?, ?)").bind(crypto.randomUUID(), ana.user.id, `old ${i}`, now(), later),
      ),
    );
    const pictures = await Promise.all([uploadPhoto(ana), uploadPhoto(ana)]);
    const bodies = [{ mediaId: pictures[0]!.id }, { mediaId: pictures[1]!.id }, ...Array.from({ length: 4 }, (_, i) => ({ text: `racing ${i}` }))];
    const answers = await Promise.all(bodies.map((json) => api("/stories", { method: "POST", token: ana.accessToken, json })));
    expect(answers.map((res) => res.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const active = await env.DB.prepare("SELECT count(*) AS n FROM stories WHERE author_id = ?").bind(ana.user.id).first<{ n: number }>();
    expect(active).toEqual({ n: 30 });
    // Every picture not in a story is free again, none is left attached to nothing.
    const attached = await env.DB.prepare("SELECT count(*) AS n FROM media WHERE owner_id = ? AND attached_at IS NOT NULL").bind(ana.user.id).first<{ n: number }>();
    const inStories = await env.DB.prepare("SELECT count(*) AS n FROM stories WHERE author_id = ? AND media_id IS NOT NULL").bind(ana.user.id).first<{ n: number }>();
    expect(attached).toEqual(inStories);
  });

  it("need a confirmed email to post", async () => {
    const unverified = await member({ handle: nextHandle("new") });
    const res = await api("/stories", { method: "POST", token: unverified.accessToken, json: { text: "hola" } });
    expect(res.status).toBe(403);
    expect((await api("/stories", { method: "POST", json: { text: "hola" } })).status).toBe(401);
  });

  it("are shown to followers and the author, grouped by author, most recent poster first", async () => {
    const ana = await dancer("ana");
    const ben = await dancer("ben");
    const cai = await dancer("cai");
    const stranger = await dancer("dee");
    await follow(ana, ben);
    await follow(ana, cai);
    const b1 = await postStory(ben, { text: "ben one" });
    const b2 = await postStory(ben, { text: "ben two" });
    const c1 = await postStory(cai, { text: "cai one" });
    const mine = await postStory(ana, { text: "ana one" });
    await postStory(stranger, { text: "nobody follows me" });

    const seen = await groups(ana);
    expect(seen.map((g) => g.author.handle)).toEqual([ana.user.handle, cai.user.handle, ben.user.handle]);
    expect(seen[2]!.stories.map((s) => s.id)).toEqual([b1.id, b2.id]);
    expect(seen[1]!.stories.map((s) => s.id)).toEqual([c1.id]);
    expect(seen[0]!.stories.map((s) => s.id)).toEqual([mine.id]);

    // Ben does not follow Ana: he sees only his own.
    expect((await groups(ben)).map((g) => g.author.handle)).toEqual([ben.user.handle]);
  });

  it("page through authors without repeating or skipping one", async () => {
    const ana = await dancer("ana");
    const followed: Member[] = [];
    for (let i = 0; i < 5; i++) {
      const other = await dancer(`p${i}`);
      await follow(ana, other);
      await postStory(other, { text: `story ${i}` });
      followed.push(other);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api(`/stories?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: ana.accessToken });
      const page = await res.json<{ data: StoryGroup[]; nextCursor: string | null }>();
      seen.push(...page.data.map((g) => g.author.handle));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(followed.map((m) => m.user.handle).reverse());
    const bad = await api("/stories?cursor=eyJub3BlIjoxfQ", { token: ana.accessToken });
    expect(bad.status).toBe(400);
  });

  it("are never shown across a block, and muted members are left out", async () => {
    const ana = await dancer("ana");
    const ben = await dancer("ben");
    const cai = await dancer("cai");
    await follow(ana, ben);
    await follow(ana, cai);
    await postStory(ben, { text: "ben" });
    await postStory(cai, { text: "cai" });
    await block(ben, ana);
    await mute(ana, cai);
    expect(await groups(ana)).toEqual([]);
    const res = await api(`/users/${ben.user.handle}/stories`, { token: ana.accessToken });
    expect(res.status).toBe(404);
  });

  it("of one member are for them and their followers", async () => {
    const ana = await dancer("ana");
    const ben = await dancer("ben");
    const story = await postStory(ben, { text: "ben" });
    const path = `/users/${ben.user.handle}/stories`;
    expect((await api(path)).status).toBe(401);
    expect((await api(path, { token: ana.accessToken })).status).toBe(403);
    await follow(ana, ben);
    const res = await api(path, { token: ana.accessToken });
    expect((await res.json<{ data: StoryDto[] }>()).data.map((s) => s.id)).toEqual([story.id]);
    expect((await (await api(path, { token: ben.accessToken })).json<{ data: StoryDto[] }>()).data).toHaveLength(1);
    expect((await api("/users/nobody_here_at_all/stories", { token: ana.accessToken })).status).toBe(404);
  });

  it("are deleted by their author only, with their picture", async () => {
    const ana = await dancer("ana");
    const ben = await dancer("ben");
    await follow(ben, ana);
    const picture = await uploadPhoto(ana);
    const story = await postStory(ana, { text: "bye", mediaId: picture.id });
    expect((await api(`/stories/${story.id}`, { method: "DELETE", token: ben.accessToken })).status).toBe(403);
    const stranger = await dancer("cai");
    expect((await api(`/stories/${story.id}`, { method: "DELETE", token: stranger.accessToken })).status).toBe(404);
    expect((await api(`/stories/${story.id}`, { method: "DELETE", token: ana.accessToken })).status).toBe(204);
    expect((await api(`/stories/${story.id}`, { method: "DELETE", token: ana.accessToken })).status).toBe(404);
    expect((await SELF.fetch(`${BASE}${picture.url}`)).status).toBe(404);
    expect(await env.DB.prepare("SELECT id FROM media WHERE id = ?").bind(picture.id).first()).toBeNull();
    expect((await api(`/stories/not-a-story`, { method: "DELETE", token: ana.accessToken })).status).toBe(404);
  });

  it("are deleted by the cron when they expire, with their R2 objects", async () => {
    const ana = await dancer("ana");
    const picture = await uploadPhoto(ana);
    const old = await postStory(ana, { text: "yesterday", mediaId: picture.id });
    const fresh = await postStory(ana, { text: "today" });
    const { key } = (await env.DB.prepare("SELECT key FROM media WHERE id = ?").bind(picture.id).first<{ key: string }>())!;
    const past = new Date(Date.now() - 25 * 3600_000);
    await env.DB.prepare("UPDATE stories SET created_at = ?, expires_at = ? WHERE id = ?").bind(past.toISOString(), new Date(past.getTime() + 24 * 3600_000).toISOString(), old.id).run();
    // Expired but not yet swept: already invisible.
    expect((await groups(ana))[0]!.stories.map((s) => s.id)).toEqual([fresh.id]);

    await runScheduled(createScheduledController({ cron: "*/15 * * * *" }), env);

    expect(await env.DB.prepare("SELECT id FROM stories WHERE id = ?").bind(old.id).first()).toBeNull();
    expect(await env.DB.prepare("SELECT id FROM stories WHERE id = ?").bind(fresh.id).first()).not.toBeNull();
    expect(await env.DB.prepare("SELECT id FROM media WHERE id = ?").bind(picture.id).first()).toBeNull();
    expect(await env.MEDIA.head(key)).toBeNull();
  });
});

describe("the /stories page", () => {
  const postForm = (cookie: string, form: FormData) =>
    SELF.fetch(`${env.APP_ORIGIN}/stories`, { method: "POST", headers: { Cookie: cookie, Origin: env.APP_ORIGIN }, body: form, redirect: "manual" });

  it("sends visitors to sign in", async () => {
    const res = await page("/stories");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=/stories");
  });

  it("shows followed members' stories, escaped, with an empty state otherwise", async () => {
    const ana = await dancer("ana");
    const ben = await dancer("ben");
    const cookie = await signIn(ana);
    const empty = await (await page("/stories", cookie)).text();
    expect(empty).toContain("No stories right now");
    // The story form: a plain file input for the four types, so it works without JavaScript.
    expect(empty).toContain('enctype="multipart/form-data"'.replace("enctype", "encType"));
    expect(empty).toMatch(/<input[^>]*type="file"[^>]*accept="image\/jpeg,image\/png,image\/webp,image\/gif"[^>]*name="files"/);
    await follow(ana, ben);
    const picture = await uploadPhoto(ben);
    await postStory(ben, { text: "<script>alert(1)</script> milonga", mediaId: picture.id });
    const html = await (await page("/stories", cookie)).text();
    expect(html).toContain(`id="${ben.user.handle}"`);
    expect(html).toContain(picture.url);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; milonga");
    expect(html).not.toContain("<script>alert(1)</script>");
  });

  it("posts a story with a picture without JavaScript, and deletes it", async () => {
    const ana = await dancer("ana");
    const cookie = await signIn(ana);
    const form = new FormData();
    form.append("intent", "post");
    form.append("text", "Desde la pista");
    form.append("files", new File([new Uint8Array(photoJpeg)], "pista.jpg", { type: "image/jpeg" }));
    const res = await postForm(cookie, form);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/stories?posted=1#${ana.user.handle}`);
    const [story] = (await (await api(`/users/${ana.user.handle}/stories`, { token: ana.accessToken })).json<{ data: StoryDto[] }>()).data;
    expect(story).toMatchObject({ text: "Desde la pista", media: { width: 640, height: 480 } });

    const bad = new FormData();
    bad.append("intent", "post");
    bad.append("files", new File([new TextEncoder().encode("<svg onload=alert(1)>")], "x.png", { type: "image/png" }));
    const refused = await postForm(cookie, bad);
    expect(refused.status).toBe(415);
    expect(await refused.text()).toContain("must be a JPEG, PNG, WebP or GIF picture");

    const two = new FormData();
    two.append("intent", "post");
    for (const name of ["a.jpg", "b.jpg"]) two.append("files", new File([new Uint8Array(photoJpeg)], name, { type: "image/jpeg" }));
    const tooMany = await postForm(cookie, two);
    expect(tooMany.status).toBe(400);
    expect(await tooMany.text()).toContain("files can hold one picture");

    const remove = await submit("/stories", { intent: "delete", storyId: story!.id }, { cookie });
    expect(remove.status).toBe(302);
    expect(await env.DB.prepare("SELECT id FROM stories WHERE id = ?").bind(story!.id).first()).toBeNull();
  });

  it("refuses a form from another site", async () => {
    const ana = await dancer("ana");
    const cookie = await signIn(ana);
    const res = await submit("/stories", { intent: "post", text: "csrf" }, { cookie, origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(await env.DB.prepare("SELECT id FROM stories WHERE author_id = ?").bind(ana.user.id).first()).toBeNull();
  });
});

describe("query plans (docs/media.md)", () => {
  /** The plans of the reads `run` makes, as `user`. */
  async function plansFor(run: (ctx: Ctx) => Promise<unknown>, user: Ctx["user"] = null) {
    const reads = (await recordPlans(run, user)).filter(({ sql }) => /^\s*select/i.test(sql));
    expect(reads.length).toBeGreaterThan(0);
    return reads;
  }
  const scans = (plan: string[]) => plan.filter((step) => /^SCAN (stories|media|follows|blocks|mutes|post_media)\b/.test(step) && !/USING (COVERING )?INDEX/.test(step));

  it("stories, the cron's expiry and the media sweep never read a table whole", async () => {
    const ana = await dancer("ana");
    const ben = await dancer("ben");
    await follow(ana, ben);
    await postStory(ben, { text: "plan" });
    const user = { id: ana.user.id, handle: ana.user.handle, displayName: "Ana", roles: [], emailVerified: true, sessionId: "" };
    const plans = [
      ...(await plansFor((ctx) => listStoryGroups(ctx, { limit: 20 }), user)),
      ...(await plansFor((ctx) => expireStories(ctx))),
      ...(await plansFor((ctx) => sweepMedia(ctx))),
    ];
    for (const { sql, plan } of plans) expect(scans(plan), `${sql}\n${plan.join("\n")}`).toEqual([]);
    const all = plans.flatMap((p) => p.plan).join("\n");
    for (const index of ["stories_author_idx (author_id=? AND expires_at>?)", "stories_expires_idx (expires_at<?)", "media_unattached_idx (attached_at=? AND created_at<?)", "stories_media_idx (media_id=?)", "post_media_media_idx (media_id=?)"]) {
      expect(all).toContain(index);
    }
  });
});

describe("the stories strip on /community", () => {
  it("shows followed members with stories up, linking to /stories#handle, and nothing to visitors", async () => {
    const ana = await dancer("ana");
    const ben = await dancer("ben");
    const cai = await dancer("cai");
    await follow(ana, ben);
    await postStory(ben, { text: "strip" });
    await postStory(cai, { text: "not followed" });
    const html = await (await page("/community", await signIn(ana))).text();
    expect(html).toContain(`href="/stories#${ben.user.handle}"`);
    expect(html).not.toContain(`href="/stories#${cai.user.handle}"`);
    const visitor = await (await page("/community")).text();
    expect(visitor).not.toContain('href="/stories#');
  });
});
