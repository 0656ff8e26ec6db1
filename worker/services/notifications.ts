import { and, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { mutes, notificationPreferences, notifications, type NotificationType } from "../../db/schema";
import { enqueue } from "../../queues/producer";
import type { LiveMessage } from "../../durable-objects/notification-hub";
import type { Ctx } from "../env";
import { Invalid } from "../errors";
import { decodeCursor, keysetPage } from "../lib/cursor";
import { uuidv7 } from "../lib/ids";
import { log } from "../lib/log";
import { postExcerpt } from "../lib/post-excerpt";
import type { NotificationDto } from "../schemas/notifications";
import { blockedEitherWay, notBlockedWith, postReadableBy } from "./audience";
import { avatarUrl } from "./avatars";
import { DEFAULT_EMAIL_TYPES, emailTypesFrom, wantsImmediateMail } from "./notification-preferences";
import { requireSignedIn } from "./users";

export type NotificationSubjectType = (typeof notifications.$inferInsert)["subjectType"];

export interface NotifyInput {
  /** Who is told. */
  userId: string;
  type: NotificationType;
  /** Who did it; null for the system (event changes, moderation). */
  actorId: string | null;
  subject: { type: NotificationSubjectType; id: string };
  /**
   * Small facts the text needs, escaped wherever shown: `title` (an event or group name),
   * `excerpt` (the start of a post or comment), `postId` (for a comment subject: its post).
   */
  data?: Record<string, string | number | null>;
  /** The same key for the same recipient notifies once (e.g. `follow:<actorId>`). */
  dedupeKey?: string;
  /**
   * The caller already mails this news itself (waitlist promotions, event cancellations):
   * stored as mailed, so neither the immediate mail nor the digest repeats it.
   */
  alreadyMailed?: boolean;
}

/** How long notify() waits for the member's hub when nothing can keep the Worker alive after the answer. */
const LIVE_PUSH_TIMEOUT_MS = 1_000;
/** The bell counts at most this many; beyond it says "999+" and the work stays bounded. */
export const UNREAD_COUNT_CAP = 1000;
/** D1 binds at most 100 parameters per statement. */
const IDS_PER_QUERY = 90;

/**
 * Tells a member something happened. Nobody is notified of their own acts, across a block,
 * or by someone they muted. Never throws for delivery problems: the act that caused it stands.
 * Once stored, the member's open tabs hear of it through their NotificationHub, and it is
 * queued for mail when their preferences ask for this type right away.
 */
export async function notify(ctx: Ctx, input: NotifyInput): Promise<void> {
  if (input.actorId) {
    if (input.actorId === input.userId) return;
    if (await blockedEitherWay(ctx, input.userId, input.actorId)) return;
    const muted = await ctx.db.get<{ one: number }>(sql`SELECT 1 AS one FROM ${mutes} WHERE ${mutes.muterId} = ${input.userId} AND ${mutes.mutedId} = ${input.actorId}`);
    if (muted) return;
  }
  const createdAt = new Date().toISOString();
  const inserted = await ctx.db
    .insert(notifications)
    .values(notificationRow(input.userId, input.actorId, input, createdAt))
    .onConflictDoNothing()
    .returning({ id: notifications.id });
  const id = inserted[0]?.id;
  // A repeated dedupeKey stored nothing new: nothing to push or mail either.
  if (!id) return;
  const delivery = deliver(ctx, input.userId, id, input.type, input.alreadyMailed === true);
  if (ctx.waitUntil) ctx.waitUntil(delivery);
  else await delivery;
}

export interface SystemNotifyInput {
  type: NotificationType;
  subject: { type: NotificationSubjectType; id: string };
  data?: Record<string, string | number | null>;
  /** The same key for the same recipient notifies once (e.g. `event_cancellation:<eventId>`). */
  dedupeKey?: string;
  alreadyMailed?: boolean;
}

/** The stored row of one notification to `userId`; `actorId` null means Mundo Tango itself. */
function notificationRow(userId: string, actorId: string | null, input: SystemNotifyInput, createdAt: string) {
  return {
    id: uuidv7(),
    userId,
    type: input.type,
    actorId,
    subjectType: input.subject.type,
    subjectId: input.subject.id,
    data: JSON.stringify(input.data ?? {}),
    dedupeKey: input.dedupeKey ?? null,
    createdAt,
    mailedAt: input.alreadyMailed ? createdAt : null,
  };
}

/** Rows per INSERT: 11 columns each, and D1 binds at most 100 parameters per statement. */
const ROWS_PER_INSERT = 9;

/**
 * The same news from Mundo Tango itself (no actor, so no block or mute applies) to many
 * members at once, for fan-outs such as an event change: a few statements per hundred
 * members instead of a handful each, so one queue invocation stays inside its query budget.
 */
export async function notifySystem(ctx: Ctx, userIds: string[], input: SystemNotifyInput): Promise<number> {
  const recipients = [...new Set(userIds)];
  if (recipients.length === 0) return 0;
  const createdAt = new Date().toISOString();
  const inserted: { id: string; userId: string }[] = [];
  for (let i = 0; i < recipients.length; i += ROWS_PER_INSERT) {
    const rows = recipients.slice(i, i + ROWS_PER_INSERT).map((userId) => notificationRow(userId, null, input, createdAt));
    inserted.push(...(await ctx.db.insert(notifications).values(rows).onConflictDoNothing().returning({ id: notifications.id, userId: notifications.userId })));
  }
  if (inserted.length === 0) return 0;
  const delivery = deliverMany(ctx, inserted, input).catch((error: unknown) => log("error", "notification.fan-out-delivery-failed", { error: String(error) }));
  if (ctx.waitUntil) ctx.waitUntil(delivery);
  else await delivery;
  return inserted.length;
}

async function deliverMany(ctx: Ctx, inserted: { id: string; userId: string }[], input: SystemNotifyInput): Promise<void> {
  const [sample] = await selectNotifications(ctx, inserted[0]!.userId, sql`AND ${notifications.id} = ${inserted[0]!.id}`, 1);
  const counts = new Map<string, number>();
  const prefs = new Map<string, string>();
  for (let i = 0; i < inserted.length; i += IDS_PER_QUERY) {
    const chunk = inserted.slice(i, i + IDS_PER_QUERY).map((row) => row.userId);
    // System news has no actor to block: a plain count of unread rows is the bell's number.
    const rows = await ctx.db
      .select({ userId: notifications.userId, n: sql<number>`COUNT(*)` })
      .from(notifications)
      .where(and(inArray(notifications.userId, chunk), isNull(notifications.readAt)))
      .groupBy(notifications.userId);
    for (const row of rows) counts.set(row.userId, Math.min(row.n, UNREAD_COUNT_CAP));
    if (!input.alreadyMailed) {
      const chosen = await ctx.db.select({ userId: notificationPreferences.userId, emailTypes: notificationPreferences.emailTypes }).from(notificationPreferences).where(inArray(notificationPreferences.userId, chunk));
      for (const row of chosen) prefs.set(row.userId, row.emailTypes);
    }
  }
  const pushes = sample
    ? inserted.map(({ id, userId }) => {
        const hub = ctx.env.NOTIFICATION_HUB.get(ctx.env.NOTIFICATION_HUB.idFromName(userId));
        const message: LiveMessage = { type: "notification", item: { ...toDto(sample), id }, unreadCount: counts.get(userId) ?? 1 };
        return Promise.race([hub.publish(message), new Promise((resolve) => setTimeout(resolve, LIVE_PUSH_TIMEOUT_MS))]).catch((error: unknown) =>
          log("error", "notification.live-failed", { id, error: String(error) }),
        );
      })
    : [];
  const mails = input.alreadyMailed
    ? []
    : inserted
        .filter(({ userId }) => {
          const saved = prefs.get(userId);
          return saved === undefined ? (DEFAULT_EMAIL_TYPES as readonly string[]).includes(input.type) : (emailTypesFrom(saved) as string[]).includes(input.type);
        })
        .map(({ id }) => ({ body: { type: "notification.mail" as const, idempotencyKey: `notification:${id}`, notificationId: id }, contentType: "json" as const }));
  for (let i = 0; i < mails.length; i += 100) await ctx.env.JOBS.sendBatch(mails.slice(i, i + 100));
  await Promise.all(pushes);
}

async function deliver(ctx: Ctx, userId: string, id: string, type: NotificationType, alreadyMailed: boolean): Promise<void> {
  await Promise.all([
    pushLive(ctx, userId, id).catch((error: unknown) => log("error", "notification.live-failed", { id, error: String(error) })),
    alreadyMailed
      ? undefined
      : queueMail(ctx, userId, id, type).catch((error: unknown) => log("error", "notification.mail-enqueue-failed", { id, error: String(error) })),
  ]);
}

/** Hands the new item and the fresh count to the member's hub, which tells every open tab. */
async function pushLive(ctx: Ctx, userId: string, id: string): Promise<void> {
  const [row] = await selectNotifications(ctx, userId, sql`AND ${notifications.id} = ${id}`, 1);
  if (!row) return;
  const message: LiveMessage = { type: "notification", item: toDto(row), unreadCount: await unreadCountFor(ctx, userId) };
  const hub = ctx.env.NOTIFICATION_HUB.get(ctx.env.NOTIFICATION_HUB.idFromName(userId));
  const publish = hub.publish(message);
  if (ctx.waitUntil) {
    await publish;
    return;
  }
  // Outside a request (a queue job) nothing keeps waiting for us: a slow hub must not stall the job.
  await Promise.race([publish, new Promise((resolve) => setTimeout(resolve, LIVE_PUSH_TIMEOUT_MS))]);
}

async function queueMail(ctx: Ctx, userId: string, id: string, type: NotificationType): Promise<void> {
  if (!(await wantsImmediateMail(ctx, userId, type))) return;
  await enqueue(ctx.env.JOBS, { type: "notification.mail", idempotencyKey: `notification:${id}`, notificationId: id });
}

/** How much of a post or comment a notification quotes. */
export const NOTIFICATION_EXCERPT_CHARS = 80;

interface NotificationRow {
  id: string;
  type: NotificationType;
  subjectType: NotificationSubjectType;
  subjectId: string;
  data: string;
  createdAt: string;
  readAt: string | null;
  actorHandle: string | null;
  actorDisplayName: string | null;
  actorAvatarKey: string | null;
  subjectHandle: string | null;
  subjectGroupSlug: string | null;
  commentPostId: string | null;
  /** The quoted post or comment as it reads now: an edit replaces the excerpt stored at the time. */
  currentBody: string | null;
}

/**
 * SQL over `notifications`: still fit to show the recipient. An actor blocked since (either
 * way) hides it; so does a post or comment that was deleted or is no longer readable, and a
 * comment, reply or mention in a comment (`data.commentId`) whose comment was deleted.
 */
export function stillVisibleTo(viewerId: string): SQL {
  return sql`${notBlockedWith(viewerId, notifications.actorId)}
    AND (json_extract(${notifications.data}, '$.commentId') IS NULL OR EXISTS (SELECT 1 FROM comments WHERE comments.id = json_extract(${notifications.data}, '$.commentId')))
    AND (${notifications.subjectType} <> 'post' OR EXISTS (SELECT 1 FROM posts WHERE posts.id = ${notifications.subjectId} AND ${postReadableBy(viewerId)}))
    AND (${notifications.subjectType} <> 'comment' OR EXISTS (SELECT 1 FROM comments JOIN posts ON posts.id = comments.post_id WHERE comments.id = ${notifications.subjectId} AND ${postReadableBy(viewerId)}))`;
}

/** One member's notifications, newest first, on notifications_user_idx (user_id, id). */
async function selectNotifications(ctx: Ctx, userId: string, extra: SQL, limit: number): Promise<NotificationRow[]> {
  return ctx.db.all<NotificationRow>(sql`
    SELECT notifications.id AS id, notifications.type AS type, notifications.subject_type AS subjectType, notifications.subject_id AS subjectId,
      notifications.data AS data, notifications.created_at AS createdAt, notifications.read_at AS readAt,
      actor.handle AS actorHandle, actor.display_name AS actorDisplayName, actor.avatar_key AS actorAvatarKey,
      CASE WHEN notifications.subject_type = 'user' THEN (SELECT handle FROM users WHERE users.id = notifications.subject_id) END AS subjectHandle,
      CASE WHEN notifications.subject_type = 'group' THEN (SELECT slug FROM groups WHERE groups.id = notifications.subject_id) END AS subjectGroupSlug,
      CASE WHEN notifications.subject_type = 'comment' THEN (SELECT post_id FROM comments WHERE comments.id = notifications.subject_id) END AS commentPostId,
      CASE WHEN json_extract(notifications.data, '$.excerpt') IS NULL THEN NULL
        WHEN json_extract(notifications.data, '$.commentId') IS NOT NULL THEN (SELECT body FROM comments WHERE comments.id = json_extract(notifications.data, '$.commentId'))
        WHEN notifications.subject_type = 'post' THEN (SELECT body FROM posts WHERE posts.id = notifications.subject_id) END AS currentBody
    FROM notifications
    LEFT JOIN users AS actor ON actor.id = notifications.actor_id
    WHERE notifications.user_id = ${userId} ${extra} AND ${stillVisibleTo(userId)}
    ORDER BY notifications.id DESC
    LIMIT ${limit}`);
}

function parseData(json: string): NotificationDto["data"] {
  try {
    const value: unknown = JSON.parse(json);
    if (!value || typeof value !== "object" || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v === null || typeof v === "string" || typeof v === "number")) as NotificationDto["data"];
  } catch {
    return {};
  }
}

/** Where a notification leads: a path on this site. */
function subjectUrl(row: NotificationRow): string {
  const id = encodeURIComponent(row.subjectId);
  switch (row.subjectType) {
    case "post":
      return `/posts/${id}`;
    case "comment":
      return row.commentPostId ? `/posts/${encodeURIComponent(row.commentPostId)}#comment-${id}` : "/notifications";
    case "event":
      return `/events/${id}`;
    case "group":
      return row.subjectGroupSlug ? `/groups/${encodeURIComponent(row.subjectGroupSlug)}` : "/groups";
    case "user":
      return row.subjectHandle ? `/people/${encodeURIComponent(row.subjectHandle)}` : "/notifications";
    case "room":
      return `/messages/${id}`;
  }
}

function withCurrentExcerpt(data: NotificationDto["data"], currentBody: string | null): NotificationDto["data"] {
  return currentBody === null || typeof data.excerpt !== "string" ? data : { ...data, excerpt: postExcerpt(currentBody, NOTIFICATION_EXCERPT_CHARS) };
}

function toDto(row: NotificationRow): NotificationDto {
  return {
    id: row.id,
    type: row.type,
    actor: row.actorHandle ? { handle: row.actorHandle, displayName: row.actorDisplayName ?? row.actorHandle, avatarUrl: avatarUrl(row.actorHandle, row.actorAvatarKey) } : null,
    subject: { type: row.subjectType, id: row.subjectId, url: subjectUrl(row) },
    data: withCurrentExcerpt(parseData(row.data), row.currentBody),
    createdAt: row.createdAt,
    readAt: row.readAt,
  };
}

/** Unread notifications the member can still see, counted up to UNREAD_COUNT_CAP on notifications_unread_idx. */
export async function unreadCountFor(ctx: Ctx, userId: string): Promise<number> {
  const row = await ctx.db.get<{ n: number }>(sql`
    SELECT COUNT(*) AS n FROM (
      SELECT 1 FROM notifications
      WHERE notifications.user_id = ${userId} AND notifications.read_at IS NULL AND ${stillVisibleTo(userId)}
      LIMIT ${UNREAD_COUNT_CAP})`);
  return row?.n ?? 0;
}

const listCursor = z.object({ i: z.string().max(64) }).strict();

export interface NotificationPage {
  data: NotificationDto[];
  nextCursor: string | null;
  unreadCount: number;
}

/** The signed-in member's notifications, newest first, keyset-paged by id (UUIDv7 is time-ordered). */
export async function listNotifications(ctx: Ctx, { limit = 20, cursor, unread = false }: { limit?: number; cursor?: string; unread?: boolean } = {}): Promise<NotificationPage> {
  const me = requireSignedIn(ctx);
  const after = cursor === undefined ? undefined : decodeCursor(cursor, listCursor);
  if (cursor !== undefined && !after) throw Invalid.field("cursor", "cursor is not a cursor this API issued; start again without it.");
  const filters = sql.join(
    [after ? sql`AND notifications.id < ${after.i}` : sql``, unread ? sql`AND notifications.read_at IS NULL` : sql``],
    sql` `,
  );
  const rows = await selectNotifications(ctx, me.id, filters, limit + 1);
  const { page, nextCursor } = keysetPage(rows, limit, (last) => ({ i: last.id }));
  return { data: page.map(toDto), nextCursor, unreadCount: await unreadCountFor(ctx, me.id) };
}

/**
 * Marks the member's own notifications read: the ids given (others' ids are silently left
 * alone, and `marked` says how many changed) or all of them.
 */
export async function markNotificationsRead(ctx: Ctx, input: { ids: string[] } | { all: true }): Promise<{ marked: number; unreadCount: number }> {
  const me = requireSignedIn(ctx);
  const now = new Date().toISOString();
  const mine = and(eq(notifications.userId, me.id), isNull(notifications.readAt));
  let marked = 0;
  if ("all" in input) {
    const result = await ctx.db.update(notifications).set({ readAt: now }).where(mine).run();
    marked = result.meta.changes ?? 0;
  } else {
    const ids = [...new Set(input.ids)];
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const chunk = ids.slice(i, i + IDS_PER_QUERY);
      marked += (await ctx.db.update(notifications).set({ readAt: now }).where(and(mine, inArray(notifications.id, chunk))).returning({ id: notifications.id })).length;
    }
  }
  const unreadCount = await unreadCountFor(ctx, me.id);
  if (marked > 0) {
    // Other open tabs update their bell too; a hub hiccup never fails the request.
    const hub = ctx.env.NOTIFICATION_HUB.get(ctx.env.NOTIFICATION_HUB.idFromName(me.id));
    const push = hub.publish({ type: "read", unreadCount }).catch((error: unknown) => log("error", "notification.live-failed", { error: String(error) }));
    if (ctx.waitUntil) ctx.waitUntil(push);
    else await push;
  }
  return { marked, unreadCount };
}

export { toDto as notificationToDto, selectNotifications as selectNotificationsFor };
export type { NotificationRow };
