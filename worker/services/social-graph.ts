import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import { blocks, follows, mutes, users } from "../../db/schema";
import type { Ctx } from "../env";
import { Invalid, NotFound } from "../errors";
import { log } from "../lib/log";
import { decodeCursor, keysetPage } from "../lib/cursor";
import type { FollowState, MemberSummaryPage, PageQuery, Relationship } from "../schemas/social";
import { assertCanInteract, notBlockedWith } from "./audience";
import { avatarUrl } from "./avatars";
import { syncDirectRoomSending } from "./conversations";
import { notify } from "./notifications";
import { requireSignedIn } from "./users";

/**
 * Follows, blocks and mutes. Counts are COUNT(*) over the follows indexes, never stored
 * counters, so they are exact under any concurrency. Writes are single statements (or one
 * batch), so racing requests cannot leave a follow across a block.
 */

const sinceCursor = z.object({ at: z.string().max(40), id: z.string().max(64) });

function decodeSince(cursor: string | undefined): { at: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor, sinceCursor);
  if (!key) throw Invalid.field("cursor", "cursor is not a cursor this API issued");
  return key;
}

/** The member with this handle, or 404. */
export async function memberIdByHandle(ctx: Ctx, handle: string): Promise<string> {
  const row = await ctx.db.select({ id: users.id }).from(users).where(eq(users.handle, handle.toLowerCase())).get();
  if (!row) throw new NotFound(`There is no member @${handle}.`);
  return row.id;
}

export async function followerCount(ctx: Ctx, userId: string): Promise<number> {
  const row = await ctx.db.select({ n: sql<number>`count(*)` }).from(follows).where(eq(follows.followeeId, userId)).get();
  return row?.n ?? 0;
}

export async function followingCount(ctx: Ctx, userId: string): Promise<number> {
  const row = await ctx.db.select({ n: sql<number>`count(*)` }).from(follows).where(eq(follows.followerId, userId)).get();
  return row?.n ?? 0;
}

/** `created`: this call made the follow (the API answers 201); false when it already existed. */
export async function follow(ctx: Ctx, handle: string): Promise<FollowState & { created: boolean }> {
  const me = requireSignedIn(ctx);
  const followeeId = await memberIdByHandle(ctx, handle);
  if (followeeId === me.id) throw Invalid.field("handle", "you can't follow yourself");
  await assertCanInteract(ctx, me.id, followeeId);
  // The block check is repeated inside the insert: a block landing between the two cannot leave a follow behind.
  const inserted = await ctx.db.all<{ one: number }>(sql`
    INSERT INTO ${follows} (follower_id, followee_id, created_at)
    SELECT ${me.id}, ${followeeId}, ${new Date().toISOString()}
    WHERE NOT EXISTS (SELECT 1 FROM ${blocks} WHERE (blocker_id = ${me.id} AND blocked_id = ${followeeId}) OR (blocker_id = ${followeeId} AND blocked_id = ${me.id}))
    ON CONFLICT DO NOTHING
    RETURNING 1 AS one`);
  const created = inserted.length > 0;
  if (!created) await assertCanInteract(ctx, me.id, followeeId);
  if (created) await notify(ctx, { userId: followeeId, type: "follow", actorId: me.id, subject: { type: "user", id: me.id }, dedupeKey: `follow:${me.id}` });
  return { following: true, followerCount: await followerCount(ctx, followeeId), created };
}

export async function unfollow(ctx: Ctx, handle: string): Promise<void> {
  const me = requireSignedIn(ctx);
  const followeeId = await memberIdByHandle(ctx, handle);
  await ctx.db.delete(follows).where(and(eq(follows.followerId, me.id), eq(follows.followeeId, followeeId)));
}

/** Blocking removes follows both ways in the same batch as the block, and refuses them afterwards. */
export async function block(ctx: Ctx, handle: string): Promise<{ created: boolean }> {
  const me = requireSignedIn(ctx);
  const otherId = await memberIdByHandle(ctx, handle);
  if (otherId === me.id) throw Invalid.field("handle", "you can't block yourself");
  const [inserted] = await ctx.db.batch([
    ctx.db.insert(blocks).values({ blockerId: me.id, blockedId: otherId, createdAt: new Date().toISOString() }).onConflictDoNothing().returning({ id: blocks.blockedId }),
    ctx.db
      .delete(follows)
      .where(or(and(eq(follows.followerId, me.id), eq(follows.followeeId, otherId)), and(eq(follows.followerId, otherId), eq(follows.followeeId, me.id)))),
  ]);
  await syncChatSending(ctx, me.id, otherId);
  return { created: inserted.length > 0 };
}

export async function unblock(ctx: Ctx, handle: string): Promise<void> {
  const me = requireSignedIn(ctx);
  const otherId = await memberIdByHandle(ctx, handle);
  await ctx.db.delete(blocks).where(and(eq(blocks.blockerId, me.id), eq(blocks.blockedId, otherId)));
  await syncChatSending(ctx, me.id, otherId);
}

/** Their direct chat room follows the block at once (open sockets too); a room erring never fails the block. */
async function syncChatSending(ctx: Ctx, a: string, b: string): Promise<void> {
  try {
    await syncDirectRoomSending(ctx, a, b);
  } catch (error) {
    log("error", "chat.sync-sending-failed", { a, b, error: String(error) });
  }
}

/** A mute only hides: follows stay, and the muted member is never told. */
export async function mute(ctx: Ctx, handle: string): Promise<{ created: boolean }> {
  const me = requireSignedIn(ctx);
  const otherId = await memberIdByHandle(ctx, handle);
  if (otherId === me.id) throw Invalid.field("handle", "you can't mute yourself");
  const inserted = await ctx.db
    .insert(mutes)
    .values({ muterId: me.id, mutedId: otherId, createdAt: new Date().toISOString() })
    .onConflictDoNothing()
    .returning({ id: mutes.mutedId });
  return { created: inserted.length > 0 };
}

export async function unmute(ctx: Ctx, handle: string): Promise<void> {
  const me = requireSignedIn(ctx);
  const otherId = await memberIdByHandle(ctx, handle);
  await ctx.db.delete(mutes).where(and(eq(mutes.muterId, me.id), eq(mutes.mutedId, otherId)));
}

/** How the viewer stands with `otherId`; null for visitors and on one's own profile. */
export async function relationshipWith(ctx: Ctx, otherId: string): Promise<Relationship | null> {
  const viewerId = ctx.user?.id;
  if (!viewerId || viewerId === otherId) return null;
  const row = await ctx.db.get<{ following: number; followedBy: number; blocking: number; muting: number }>(sql`SELECT
    EXISTS (SELECT 1 FROM ${follows} WHERE follower_id = ${viewerId} AND followee_id = ${otherId}) AS following,
    EXISTS (SELECT 1 FROM ${follows} WHERE follower_id = ${otherId} AND followee_id = ${viewerId}) AS followedBy,
    EXISTS (SELECT 1 FROM ${blocks} WHERE blocker_id = ${viewerId} AND blocked_id = ${otherId}) AS blocking,
    EXISTS (SELECT 1 FROM ${mutes} WHERE muter_id = ${viewerId} AND muted_id = ${otherId}) AS muting`);
  return { following: row?.following === 1, followedBy: row?.followedBy === 1, blocking: row?.blocking === 1, muting: row?.muting === 1 };
}

interface ListSpec {
  table: SQLiteTable;
  /** The relation's owner column, the column naming the listed member, and when the relation began. */
  owner: SQLiteColumn;
  listed: SQLiteColumn;
  createdAt: SQLiteColumn;
  ownerId: string;
  /** Hide members blocked either way with the viewer (followers/following lists). */
  hideBlockedFrom: string | null;
}

/** Newest first, keyset on (created_at, listed member id): stable while people follow and unfollow. */
async function listRelation(ctx: Ctx, spec: ListSpec, { cursor, limit }: PageQuery): Promise<MemberSummaryPage> {
  const after = decodeSince(cursor);
  const rows = await ctx.db
    .select({ id: users.id, handle: users.handle, displayName: users.displayName, avatarKey: users.avatarKey, since: sql<string>`${spec.createdAt}` })
    .from(spec.table)
    .innerJoin(users, eq(users.id, spec.listed))
    .where(
      and(
        eq(spec.owner, spec.ownerId),
        after ? or(lt(spec.createdAt, after.at), and(eq(spec.createdAt, after.at), lt(spec.listed, after.id))) : undefined,
        notBlockedWith(spec.hideBlockedFrom, users.id),
      ),
    )
    .orderBy(desc(spec.createdAt), desc(spec.listed))
    .limit(limit + 1);
  const { page, nextCursor } = keysetPage(rows, limit, (last) => ({ at: last.since, id: last.id }));
  return { data: page.map((r) => ({ handle: r.handle, displayName: r.displayName, avatarUrl: avatarUrl(r.handle, r.avatarKey), since: r.since })), nextCursor };
}

export async function listFollowers(ctx: Ctx, handle: string, query: PageQuery): Promise<MemberSummaryPage> {
  const ownerId = await memberIdByHandle(ctx, handle);
  return listRelation(ctx, { table: follows, owner: follows.followeeId, listed: follows.followerId, createdAt: follows.createdAt, ownerId, hideBlockedFrom: ctx.user?.id ?? null }, query);
}

export async function listFollowing(ctx: Ctx, handle: string, query: PageQuery): Promise<MemberSummaryPage> {
  const ownerId = await memberIdByHandle(ctx, handle);
  return listRelation(ctx, { table: follows, owner: follows.followerId, listed: follows.followeeId, createdAt: follows.createdAt, ownerId, hideBlockedFrom: ctx.user?.id ?? null }, query);
}

export async function listMyBlocks(ctx: Ctx, query: PageQuery): Promise<MemberSummaryPage> {
  const me = requireSignedIn(ctx);
  return listRelation(ctx, { table: blocks, owner: blocks.blockerId, listed: blocks.blockedId, createdAt: blocks.createdAt, ownerId: me.id, hideBlockedFrom: null }, query);
}

export async function listMyMutes(ctx: Ctx, query: PageQuery): Promise<MemberSummaryPage> {
  const me = requireSignedIn(ctx);
  return listRelation(ctx, { table: mutes, owner: mutes.muterId, listed: mutes.mutedId, createdAt: mutes.createdAt, ownerId: me.id, hideBlockedFrom: null }, query);
}
