import { and, eq, or, sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { blocks, follows, groupMembers, mutes, posts, type GroupRole } from "../../db/schema";
import type { Ctx } from "../env";
import { Forbidden } from "../errors";

/**
 * Who may see what and who may reach whom. Every read path (API, pages, feed, search,
 * notifications) builds its visibility from these pieces, so a rule changes in one place.
 *
 * - A block hides both members from each other, both ways, and refuses every interaction.
 * - A mute only hides the muted member's content from the muter.
 * - A post is readable by its author; `public` by anyone; `followers` by the author's
 *   followers; `group` by active members of its group. Never across a block.
 */

/** True when either member has blocked the other. */
export async function blockedEitherWay(ctx: Ctx, a: string, b: string): Promise<boolean> {
  const row = await ctx.db
    .select({ one: sql<number>`1` })
    .from(blocks)
    .where(or(and(eq(blocks.blockerId, a), eq(blocks.blockedId, b)), and(eq(blocks.blockerId, b), eq(blocks.blockedId, a))))
    .get();
  return row !== undefined;
}

/** Refuses follows, comments, reactions, mentions and messages between members with a block between them. */
export async function assertCanInteract(ctx: Ctx, actorId: string, otherId: string): Promise<void> {
  if (actorId !== otherId && (await blockedEitherWay(ctx, actorId, otherId))) {
    throw new Forbidden("You can't interact with this member.");
  }
}

/** SQL: the member in `userColumn` and the viewer have no block between them (always true for visitors). */
export function notBlockedWith(viewerId: string | null, userColumn: SQLWrapper): SQL {
  if (!viewerId) return sql`1 = 1`;
  return sql`NOT EXISTS (SELECT 1 FROM ${blocks} WHERE (${blocks.blockerId} = ${viewerId} AND ${blocks.blockedId} = ${userColumn}) OR (${blocks.blockerId} = ${userColumn} AND ${blocks.blockedId} = ${viewerId}))`;
}

/** SQL: the viewer has not muted the member in `userColumn` (for lists: feeds, comments, search). */
export function notMutedBy(viewerId: string | null, userColumn: SQLWrapper): SQL {
  if (!viewerId) return sql`1 = 1`;
  return sql`NOT EXISTS (SELECT 1 FROM ${mutes} WHERE ${mutes.muterId} = ${viewerId} AND ${mutes.mutedId} = ${userColumn})`;
}

/** SQL over `posts`: the viewer may read this post. Visitors see public posts only. */
export function postReadableBy(viewerId: string | null): SQL {
  if (!viewerId) return sql`${posts.visibility} = 'public'`;
  return sql`(${posts.authorId} = ${viewerId}
    OR ${posts.visibility} = 'public'
    OR (${posts.visibility} = 'followers' AND EXISTS (SELECT 1 FROM ${follows} WHERE ${follows.followerId} = ${viewerId} AND ${follows.followeeId} = ${posts.authorId}))
    OR (${posts.visibility} = 'group' AND EXISTS (SELECT 1 FROM ${groupMembers} WHERE ${groupMembers.groupId} = ${posts.groupId} AND ${groupMembers.userId} = ${viewerId} AND ${groupMembers.status} = 'active')))
    AND ${notBlockedWith(viewerId, posts.authorId)}`;
}

/** The member's role in the group, or null when they are not an active member (pending counts as not). */
export async function groupRoleOf(ctx: Ctx, groupId: string, userId: string): Promise<GroupRole | null> {
  const row = await ctx.db
    .select({ role: groupMembers.role, status: groupMembers.status })
    .from(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)))
    .get();
  return row?.status === "active" ? row.role : null;
}

/** True when the member belongs to the group (not merely asked to join). */
export async function isActiveGroupMember(ctx: Ctx, groupId: string, userId: string): Promise<boolean> {
  return (await groupRoleOf(ctx, groupId, userId)) !== null;
}

/** True when `followerId` follows `followeeId`. */
export async function isFollowing(ctx: Ctx, followerId: string, followeeId: string): Promise<boolean> {
  const row = await ctx.db
    .select({ one: sql<number>`1` })
    .from(follows)
    .where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId)))
    .get();
  return row !== undefined;
}
