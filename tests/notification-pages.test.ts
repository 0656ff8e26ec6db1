import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, member } from "./accounts";
import { insertPost, notifyNow } from "./notification-factory";
import { page, signIn, submit } from "./pages";
import { seedWorld } from "./world";

beforeAll(seedWorld);

let n = 0;
const handle = (prefix: string) => `${prefix}${Date.now().toString(36)}${(n += 1)}`.slice(0, 30);
const unread = async (token: string) => (await (await api("/notifications", { token })).json<{ unreadCount: number }>()).unreadCount;

async function signedInMember() {
  const account = await member({ displayName: "Ana", handle: handle("ana") });
  return { ...account, cookie: await signIn(account) };
}

describe("the header", () => {
  it("shows signed-in members the bell with their unread count, and links to Community, Groups and Search", async () => {
    const ana = await signedInMember();
    const beto = await member({ handle: handle("beto") });
    await notifyNow({ userId: ana.user.id, type: "follow", actorId: beto.user.id, subject: { type: "user", id: beto.user.id } });
    const html = await (await page("/events", ana.cookie)).text();
    expect(html).toContain('aria-label="Notifications, 1 unread"');
    expect(html).toMatch(/href="\/notifications"/);
    for (const path of ["/community", "/groups", "/search"]) expect(html).toContain(`href="${path}"`);
    expect(html).toContain('aria-live="polite"');
  });

  it("shows visitors no bell", async () => {
    const html = await (await page("/events")).text();
    expect(html).not.toContain('href="/notifications"');
    expect(html).toContain('href="/search"');
  });
});

describe("the notifications page", () => {
  it("sends visitors to sign in first", async () => {
    for (const path of ["/notifications", "/settings/notifications"]) {
      const res = await page(path);
      expect(res.status).toBe(302);
      expect(res.headers.get("Location")).toBe(`/login?redirectTo=${path}`);
    }
  });

  it("says what to do when there is nothing yet", async () => {
    const ana = await signedInMember();
    const html = await (await page("/notifications", ana.cookie)).text();
    expect(html).toContain("No notifications yet");
    expect(html).toContain('href="/community"');
    expect(html).not.toContain("Mark all as read");
  });

  it("groups alike notifications into one line that links to the subject, with every name escaped", async () => {
    const ana = await signedInMember();
    const postId = await insertPost(ana.user.id);
    const reactors = await Promise.all(["<script>alert(1)</script>", "Beto", "Carla", "Dani", "Eva"].map((displayName, i) => member({ displayName, handle: handle(`r${i}`) })));
    for (const reactor of reactors) await notifyNow({ userId: ana.user.id, type: "reaction", actorId: reactor.user.id, subject: { type: "post", id: postId } });
    const res = await page("/notifications", ana.cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Eva and 4 others reacted to your post");
    expect(html).toContain(`href="/posts/${postId}"`);
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("5 unread.");
  });

  it("marks everything read through a plain form, and the bell follows", async () => {
    const ana = await signedInMember();
    const beto = await member({ handle: handle("beto") });
    await notifyNow({ userId: ana.user.id, type: "follow", actorId: beto.user.id, subject: { type: "user", id: beto.user.id } });
    await notifyNow({ userId: ana.user.id, type: "mention", actorId: beto.user.id, subject: { type: "post", id: await insertPost(beto.user.id, "public", "Nos vemos <b>hoy</b>") }, data: { excerpt: "Nos vemos <b>hoy</b>" } });
    const before = await (await page("/notifications", ana.cookie)).text();
    expect(before).toContain("Mark all as read");
    expect(before).toContain("Nos vemos &lt;b&gt;hoy&lt;/b&gt;");

    const res = await submit("/notifications", { intent: "read-all" }, { cookie: ana.cookie });
    expect(res.status).toBe(302);
    expect(await unread(ana.accessToken)).toBe(0);
    const after = await (await page("/notifications", ana.cookie)).text();
    expect(after).toContain("You&#x27;re all caught up.");
    expect(after).not.toContain('aria-label="Notifications, ');
  });

  it("marks one line read, and ignores ids that are not the member's", async () => {
    const ana = await signedInMember();
    const beto = await member({ handle: handle("beto") });
    await notifyNow({ userId: ana.user.id, type: "follow", actorId: beto.user.id, subject: { type: "user", id: beto.user.id } });
    await notifyNow({ userId: beto.user.id, type: "follow", actorId: ana.user.id, subject: { type: "user", id: ana.user.id } });
    const [anas] = (await (await api("/notifications", { token: ana.accessToken })).json<{ data: { id: string }[] }>()).data;
    const [betos] = (await (await api("/notifications", { token: beto.accessToken })).json<{ data: { id: string }[] }>()).data;
    expect((await submit("/notifications", { ids: `${anas!.id},${betos!.id},not-an-id` }, { cookie: ana.cookie })).status).toBe(302);
    expect(await unread(ana.accessToken)).toBe(0);
    expect(await unread(beto.accessToken)).toBe(1);
  });

  it("refuses a form posted from another site", async () => {
    const ana = await signedInMember();
    const beto = await member({ handle: handle("beto") });
    await notifyNow({ userId: ana.user.id, type: "follow", actorId: beto.user.id, subject: { type: "user", id: beto.user.id } });
    const res = await submit("/notifications", { intent: "read-all" }, { cookie: ana.cookie, origin: "https://evil.example" });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await unread(ana.accessToken)).toBe(1);
  });

  it("starts over from the newest on a forged cursor", async () => {
    const ana = await signedInMember();
    const res = await page("/notifications?cursor=%27%20OR%201%3D1", ana.cookie);
    expect(res.status).toBe(200);
  });
});

describe("the notification settings page", () => {
  it("shows the current choices as labelled checkboxes and a digest radio", async () => {
    const ana = await signedInMember();
    const html = await (await page("/settings/notifications", ana.cookie)).text();
    expect(html).toMatch(/<input id="email-mention" type="checkbox"[^>]*checked=""[^>]*value="mention"/);
    expect(html).not.toMatch(/<input id="email-follow" type="checkbox"[^>]*checked/);
    expect(html).toContain('<label for="email-follow"');
    expect(html).toMatch(/<input type="radio"[^>]*name="digest" checked="" value="off"/);
  });

  it("saves the choices through a plain form", async () => {
    const ana = await signedInMember();
    const body = new URLSearchParams([
      ["emailTypes", "follow"],
      ["emailTypes", "mention"],
      ["digest", "daily"],
    ]);
    const res = await SELF.fetch(`${env.APP_ORIGIN}/settings/notifications`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: env.APP_ORIGIN, Cookie: ana.cookie },
      body,
      redirect: "manual",
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Saved.");
    expect(await (await api("/me/notification-preferences", { token: ana.accessToken })).json()).toEqual({ emailTypes: ["follow", "mention"], digest: "daily" });
  });

  it("answers 400 with a message for a forged choice, and saves nothing", async () => {
    const ana = await signedInMember();
    const res = await submit("/settings/notifications", { emailTypes: "spam", digest: "hourly" }, { cookie: ana.cookie });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Choose from the listed notification types");
    expect((await (await api("/me/notification-preferences", { token: ana.accessToken })).json<{ digest: string }>()).digest).toBe("off");
  });
});
