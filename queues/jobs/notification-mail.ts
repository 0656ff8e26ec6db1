import { and, eq, isNull, lte, or, sql } from "drizzle-orm";
import { createDb } from "../../db/client";
import { notificationPreferences, notifications, users } from "../../db/schema";
import type { Ctx, Env } from "../../worker/env";
import { uuidv7 } from "../../worker/lib/ids";
import { log } from "../../worker/lib/log";
import type { NotificationMailItem } from "../../worker/lib/mail/templates";
import { preferencesOf } from "../../worker/services/notification-preferences";
import { notificationToDto, selectNotificationsFor, UNREAD_COUNT_CAP, stillVisibleTo } from "../../worker/services/notifications";
import type { NotificationDto } from "../../worker/schemas/notifications";
import type { Job } from "../jobs";
import { enqueue } from "../producer";
import { mailIdempotencyKey } from "./event-fanout";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Members mailed per cron run: each costs a few queries and one queued mail. */
export const DIGESTS_PER_RUN = 50;
/** Notifications listed in one digest; the rest are counted and wait on /notifications. */
const DIGEST_ITEMS = 20;
const TITLE_MAX_CHARS = 300;

function mailItem(env: { APP_ORIGIN: string }, item: NotificationDto): NotificationMailItem {
  const title = item.data.title ?? item.data.groupName ?? item.data.eventTitle ?? item.data.excerpt ?? null;
  return {
    kind: item.type,
    actorName: item.actor?.displayName ?? null,
    title: title === null ? null : String(title).slice(0, TITLE_MAX_CHARS),
    link: `${env.APP_ORIGIN}${item.subject.url}`,
  };
}

async function recipient(ctx: Ctx, userId: string) {
  return ctx.db.select({ email: users.email, displayName: users.displayName, language: users.language }).from(users).where(eq(users.id, userId)).get();
}

/**
 * Mails one notification right away. It goes out only while it is unread, not yet mailed,
 * still visible to the member (no block since, post still readable) and its type is still
 * one they want by mail; the conditional UPDATE on mailed_at makes a redelivery mail nobody twice.
 */
export async function handleNotificationMail(job: Extract<Job, { type: "notification.mail" }>, env: Cloudflare.Env): Promise<void> {
  const ctx: Ctx = { db: createDb(env.DB), env: env as Env, requestId: uuidv7(), user: null };
  const stored = await ctx.db
    .select({ userId: notifications.userId, type: notifications.type })
    .from(notifications)
    .where(and(eq(notifications.id, job.notificationId), isNull(notifications.mailedAt), isNull(notifications.readAt)))
    .get();
  if (!stored) return;
  const prefs = await preferencesOf(ctx, stored.userId);
  if (!(prefs.emailTypes as string[]).includes(stored.type)) return;
  const [row] = await selectNotificationsFor(ctx, stored.userId, sql`AND notifications.id = ${job.notificationId}`, 1);
  const member = await recipient(ctx, stored.userId);
  if (!row || !member) return;

  const mailedAt = new Date().toISOString();
  const claimed = await ctx.db
    .update(notifications)
    .set({ mailedAt })
    .where(and(eq(notifications.id, job.notificationId), isNull(notifications.mailedAt), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  if (claimed.length === 0) return;
  const item = mailItem(env, notificationToDto(row));
  try {
    await enqueue(env.JOBS, {
      type: "email.send",
      idempotencyKey: job.idempotencyKey,
      to: member.email,
      language: member.language,
      template: { name: "notification", displayName: member.displayName, item, link: item.link },
    });
  } catch (error) {
    await ctx.db.update(notifications).set({ mailedAt: null }).where(and(eq(notifications.id, job.notificationId), eq(notifications.mailedAt, mailedAt)));
    throw error;
  }
}

/**
 * The daily digest, from the cron: members who chose it, were last mailed one 24 h ago or
 * never, and have unread notifications nobody mailed yet, get one summary. Each member is
 * claimed by a conditional UPDATE of last_digest_at (so overlapping runs mail once), their
 * notifications are marked mailed, and a failed enqueue undoes both for the next run.
 */
export async function sendNotificationDigests(ctx: Ctx, now: Date = new Date()): Promise<number> {
  const nowIso = now.toISOString();
  const cutoff = new Date(now.getTime() - DAY_MS).toISOString();
  const due = and(eq(notificationPreferences.digest, "daily"), or(isNull(notificationPreferences.lastDigestAt), lte(notificationPreferences.lastDigestAt, cutoff)));
  const candidates = await ctx.db
    .select({ userId: notificationPreferences.userId, lastDigestAt: notificationPreferences.lastDigestAt })
    .from(notificationPreferences)
    .where(
      and(
        due,
        sql`EXISTS (SELECT 1 FROM notifications WHERE notifications.user_id = ${notificationPreferences.userId} AND notifications.read_at IS NULL AND notifications.mailed_at IS NULL)`,
      ),
    )
    .limit(DIGESTS_PER_RUN);

  let sent = 0;
  for (const candidate of candidates) {
    try {
      if (await sendDigest(ctx, candidate.userId, candidate.lastDigestAt, nowIso, due)) sent += 1;
    } catch (error) {
      log("error", "notification.digest-failed", { userId: candidate.userId, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return sent;
}

async function sendDigest(ctx: Ctx, userId: string, previous: string | null, nowIso: string, due: ReturnType<typeof and>): Promise<boolean> {
  const claimed = await ctx.db
    .update(notificationPreferences)
    .set({ lastDigestAt: nowIso })
    .where(and(eq(notificationPreferences.userId, userId), due))
    .returning({ userId: notificationPreferences.userId });
  if (claimed.length === 0) return false;

  const pending = sql`AND notifications.read_at IS NULL AND notifications.mailed_at IS NULL AND notifications.created_at <= ${nowIso}`;
  const rows = await selectNotificationsFor(ctx, userId, pending, DIGEST_ITEMS);
  const member = await recipient(ctx, userId);
  if (rows.length === 0 || !member) return false;
  const counted = await ctx.db.get<{ n: number }>(sql`
    SELECT COUNT(*) AS n FROM (SELECT 1 FROM notifications WHERE notifications.user_id = ${userId} ${pending} AND ${stillVisibleTo(userId)} LIMIT ${UNREAD_COUNT_CAP})`);

  const unmailed = and(eq(notifications.userId, userId), isNull(notifications.readAt), isNull(notifications.mailedAt), lte(notifications.createdAt, nowIso));
  await ctx.db.update(notifications).set({ mailedAt: nowIso }).where(unmailed);
  try {
    await enqueue(ctx.env.JOBS, {
      type: "email.send",
      idempotencyKey: await mailIdempotencyKey("notification-digest", nowIso, userId),
      to: member.email,
      language: member.language,
      template: {
        name: "notification-digest",
        displayName: member.displayName,
        total: Math.max(counted?.n ?? rows.length, rows.length),
        items: rows.map((row) => mailItem(ctx.env, notificationToDto(row))),
        link: `${ctx.env.APP_ORIGIN}/notifications`,
      },
    });
  } catch (error) {
    await ctx.db
      .update(notifications)
      .set({ mailedAt: null })
      .where(and(eq(notifications.userId, userId), eq(notifications.mailedAt, nowIso)));
    await ctx.db.update(notificationPreferences).set({ lastDigestAt: previous }).where(eq(notificationPreferences.userId, userId));
    throw error;
  }
  return true;
}
