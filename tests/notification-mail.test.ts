import { createMessageBatch, env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { consumeJobs } from "../queues/consumer";
import { sendNotificationDigests } from "../queues/jobs/notification-mail";
import { uuidv7 } from "../worker/lib/ids";
import { renderMail } from "../worker/lib/mail/templates";
import { api, member } from "./accounts";
import { block, insertPost, jobCtx, notifyNow } from "./notification-factory";
import { seedWorld } from "./world";

beforeAll(seedWorld);

type Mail = { subject: string; text: string; html: string };
let n = 0;
const handle = (prefix: string) => `${prefix}${Date.now().toString(36)}${(n += 1)}`.slice(0, 30);

async function mailsTo(email: string): Promise<Mail[]> {
  const { results } = await env.DB.prepare("SELECT subject, text, html FROM dev_mail WHERE to_address = ? ORDER BY sent_at").bind(email).all<Mail>();
  return results;
}

/** Mail leaves through the JOBS queue, whose consumer runs on its own schedule (batches wait up to 5 s). */
function waitForMail(email: string, subject: RegExp): Promise<Mail> {
  return vi.waitFor(
    async () => {
      const match = (await mailsTo(email)).find((m) => subject.test(m.subject));
      if (!match) throw new Error(`no mail to ${email} matching ${subject} yet`);
      return match;
    },
    { timeout: 20_000, interval: 100 },
  );
}

const setPrefs = (token: string, json: { emailTypes: string[]; digest: "off" | "daily" }) => api("/me/notification-preferences", { method: "PUT", token, json });

/** A notification row as notify() stores it, without queuing its mail: the test runs the job itself. */
async function storedNotification(userId: string, actorId: string, type: string, subject: { type: string; id: string }, data: Record<string, string> = {}): Promise<string> {
  const id = uuidv7();
  await env.DB.prepare("INSERT INTO notifications (id, user_id, type, actor_id, subject_type, subject_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
    .bind(id, userId, type, actorId, subject.type, subject.id, JSON.stringify(data), new Date().toISOString())
    .run();
  return id;
}

async function runMailJob(notificationId: string): Promise<void> {
  const batch = createMessageBatch("mundo-tango-jobs", [{ id: notificationId, timestamp: new Date(), attempts: 1, body: { type: "notification.mail", idempotencyKey: `notification:${notificationId}`, notificationId } }]);
  await consumeJobs(batch, env);
}

const mailedAt = async (id: string) => (await env.DB.prepare("SELECT mailed_at FROM notifications WHERE id = ?").bind(id).first<{ mailed_at: string | null }>())?.mailed_at ?? null;

describe("immediate notification mail", () => {
  it("mails a mention right away by default, in the member's language, with the member-written words escaped", async () => {
    const [ana, beto] = await Promise.all([member({ handle: handle("ana") }), member({ displayName: "<img src=x onerror=alert(1)>Beto", handle: handle("beto") })]);
    await api("/me", { method: "PATCH", token: ana.accessToken, json: { language: "es" } });
    const postId = await insertPost(beto.user.id, "public", "Vení a <b>La Viruta</b> @ana");
    await notifyNow({ userId: ana.user.id, type: "mention", actorId: beto.user.id, subject: { type: "post", id: postId }, data: { excerpt: "Vení a <b>La Viruta</b> @ana" } });

    const mail = await waitForMail(ana.email, /te mencionó/);
    expect(mail.subject).toBe("<img src=x onerror=alert(1)>Beto te mencionó.");
    expect(mail.html).not.toContain("<img src=x");
    expect(mail.html).toContain("&lt;img src=x onerror=alert(1)&gt;Beto te mencionó.");
    expect(mail.html).toContain("Vení a &lt;b&gt;La Viruta&lt;/b&gt; @ana");
    expect(mail.text).toContain(`${env.APP_ORIGIN}/posts/${postId}`);
    const [stored] = (await env.DB.prepare("SELECT mailed_at FROM notifications WHERE user_id = ?").bind(ana.user.id).all<{ mailed_at: string | null }>()).results;
    expect(stored?.mailed_at).not.toBeNull();
  });

  it("mails a type the member turned on, such as follows", async () => {
    const [ana, beto] = await Promise.all([member({ handle: handle("ana") }), member({ displayName: "Beto", handle: handle("beto") })]);
    expect((await setPrefs(ana.accessToken, { emailTypes: ["follow"], digest: "off" })).status).toBe(200);
    await notifyNow({ userId: ana.user.id, type: "follow", actorId: beto.user.id, subject: { type: "user", id: beto.user.id } });
    const mail = await waitForMail(ana.email, /started following you/);
    expect(mail.text).toContain(`/people/${beto.user.handle}`);
  });

  it("does not mail follows or reactions by default", async () => {
    const [ana, beto] = await Promise.all([member({ handle: handle("ana") }), member({ handle: handle("beto") })]);
    const id = await storedNotification(ana.user.id, beto.user.id, "follow", { type: "user", id: beto.user.id });
    await runMailJob(id);
    expect(await mailedAt(id)).toBeNull();
  });

  it("does not mail a type the member turned off; the digest can still tell of it", async () => {
    const [ana, beto] = await Promise.all([member({ handle: handle("ana") }), member({ handle: handle("beto") })]);
    await setPrefs(ana.accessToken, { emailTypes: [], digest: "daily" });
    const id = await storedNotification(ana.user.id, beto.user.id, "mention", { type: "post", id: await insertPost(beto.user.id) });
    await runMailJob(id);
    expect(await mailedAt(id)).toBeNull();
  });

  it("does not mail what the member already read", async () => {
    const [ana, beto] = await Promise.all([member({ handle: handle("ana") }), member({ handle: handle("beto") })]);
    const id = await storedNotification(ana.user.id, beto.user.id, "mention", { type: "post", id: await insertPost(beto.user.id) });
    await api("/notifications/read", { method: "POST", token: ana.accessToken, json: { ids: [id] } });
    await runMailJob(id);
    expect(await mailedAt(id)).toBeNull();
  });

  it("does not mail once a block came between them", async () => {
    const [ana, beto] = await Promise.all([member({ handle: handle("ana") }), member({ handle: handle("beto") })]);
    const id = await storedNotification(ana.user.id, beto.user.id, "mention", { type: "post", id: await insertPost(beto.user.id) });
    await block(ana.user.id, beto.user.id);
    await runMailJob(id);
    expect(await mailedAt(id)).toBeNull();
  });

  it("mails once even when the job is delivered twice", async () => {
    const [ana, beto] = await Promise.all([member({ handle: handle("ana") }), member({ displayName: "Beto", handle: handle("beto") })]);
    const id = await storedNotification(ana.user.id, beto.user.id, "reply", { type: "post", id: await insertPost(beto.user.id) }, { excerpt: "¡Gracias!" });
    await Promise.all([runMailJob(id), runMailJob(id)]);
    await runMailJob(id);
    await waitForMail(ana.email, /replied to your comment/);
    // Give a second mail, had one been queued, the same chance to land.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect((await mailsTo(ana.email)).filter((m) => /replied/.test(m.subject))).toHaveLength(1);
  });
});

describe("daily digest", () => {
  it("mails one summary of unread, unmailed notifications, then nothing until a day has passed", async () => {
    const [ana, beto] = await Promise.all([member({ handle: handle("ana") }), member({ displayName: "Beto", handle: handle("beto") })]);
    await setPrefs(ana.accessToken, { emailTypes: [], digest: "daily" });
    const postId = await insertPost(ana.user.id);
    await storedNotification(ana.user.id, beto.user.id, "follow", { type: "user", id: beto.user.id });
    await storedNotification(ana.user.id, beto.user.id, "reaction", { type: "post", id: postId });
    const read = await storedNotification(ana.user.id, beto.user.id, "comment", { type: "post", id: postId });
    await api("/notifications/read", { method: "POST", token: ana.accessToken, json: { ids: [read] } });

    const now = new Date();
    expect(await sendNotificationDigests(jobCtx(), now)).toBeGreaterThanOrEqual(1);
    const digest = await waitForMail(ana.email, /new notifications on Mundo Tango/);
    expect(digest.subject).toBe("2 new notifications on Mundo Tango");
    expect(digest.text).toContain("Beto started following you.");
    expect(digest.text).toContain("Beto reacted to your post.");
    expect(digest.text).not.toContain("commented");
    expect(digest.html).toContain(`href="${env.APP_ORIGIN}/posts/${postId}"`);

    // Overlapping or later runs the same day mail nothing; a day later, only what is new.
    await sendNotificationDigests(jobCtx(), new Date(now.getTime() + 60_000));
    await storedNotification(ana.user.id, beto.user.id, "mention", { type: "post", id: await insertPost(beto.user.id) });
    await sendNotificationDigests(jobCtx(), new Date(now.getTime() + 2 * 60 * 60 * 1000));
    await sendNotificationDigests(jobCtx(), new Date(now.getTime() + 25 * 60 * 60 * 1000));
    const single = await waitForMail(ana.email, /^1 new notification on Mundo Tango$/);
    expect(single.text).toContain("Beto mentioned you.");
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect((await mailsTo(ana.email)).filter((m) => /new notification/.test(m.subject))).toHaveLength(2);
  });

  it("leaves out members without the digest, and notifications already mailed", async () => {
    const [ana, beto] = await Promise.all([member({ handle: handle("ana") }), member({ handle: handle("beto") })]);
    const id = await storedNotification(ana.user.id, beto.user.id, "follow", { type: "user", id: beto.user.id });
    await sendNotificationDigests(jobCtx(), new Date());
    expect(await mailedAt(id)).toBeNull();

    await setPrefs(ana.accessToken, { emailTypes: [], digest: "daily" });
    await env.DB.prepare("UPDATE notifications SET mailed_at = ? WHERE id = ?").bind(new Date().toISOString(), id).run();
    await sendNotificationDigests(jobCtx(), new Date());
    const prefs = await env.DB.prepare("SELECT last_digest_at FROM notification_preferences WHERE user_id = ?").bind(ana.user.id).first<{ last_digest_at: string | null }>();
    expect(prefs?.last_digest_at).toBeNull();
  });
});

describe("notification mail templates", () => {
  const item = { kind: "comment" as const, actorName: "Ana & <Beto>", title: "<script>alert(1)</script>", link: "https://mundotango.life/posts/1" };

  it("escape every member-written word in both languages", () => {
    for (const language of ["en", "es"] as const) {
      const mail = renderMail({ name: "notification", displayName: "<i>Lucía</i>", item, link: item.link }, language);
      expect(mail.html).not.toMatch(/<script>|<Beto>|<i>/);
      expect(mail.html).toContain("&lt;script&gt;");
      const digest = renderMail({ name: "notification-digest", displayName: "Lucía", total: 30, items: [item], link: "https://mundotango.life/notifications" }, language);
      expect(digest.html).not.toMatch(/<script>|<Beto>/);
      expect(digest.text).toContain(item.link);
    }
  });

  it("write each kind as one sentence in English and Spanish", () => {
    expect(renderMail({ name: "notification", displayName: "Lucía", item: { ...item, kind: "rsvp_promotion", actorName: null, title: "Milonga de los Martes" }, link: item.link }, "es").subject).toBe(
      "Se liberó un lugar: vas a Milonga de los Martes.",
    );
    expect(renderMail({ name: "notification-digest", displayName: "Lucía", total: 30, items: [item], link: item.link }, "en").text).toContain("the latest 1 of 30");
  });
});
