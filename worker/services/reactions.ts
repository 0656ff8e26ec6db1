import { and, eq, sql } from "drizzle-orm";
import { posts, reactions, type ReactionType } from "../../db/schema";
import type { Ctx } from "../env";
import { NotFound } from "../errors";
import type { ReactionResult } from "../schemas/posts";
import { assertCanInteract } from "./audience";
import { notify } from "./notifications";
import { loadReadablePost, reactionCounts } from "./posts";
import { requireSignedIn } from "./users";

/**
 * One reaction per member per post, changeable. The write is a single upsert on the
 * (post_id, user_id) primary key and counts are recomputed from the rows, so any number of
 * concurrent reactions and changes leave the counts exactly right.
 */
export async function setReaction(ctx: Ctx, postId: string, type: ReactionType): Promise<ReactionResult> {
  const me = requireSignedIn(ctx);
  const post = await loadReadablePost(ctx, postId);
  await assertCanInteract(ctx, me.id, post.authorId);
  // Only while the post exists, in the same statement: a post deleted meanwhile is a 404, not a foreign-key 500.
  const stored = await ctx.db.all<{ one: number }>(sql`
    INSERT INTO ${reactions} (post_id, user_id, type, created_at)
    SELECT ${post.id}, ${me.id}, ${type}, ${new Date().toISOString()}
    WHERE EXISTS (SELECT 1 FROM ${posts} WHERE ${posts.id} = ${post.id})
    ON CONFLICT (post_id, user_id) DO UPDATE SET type = excluded.type
    RETURNING 1 AS one`);
  if (stored.length === 0) throw new NotFound("There is no post with this id.");
  await notify(ctx, { userId: post.authorId, type: "reaction", actorId: me.id, subject: { type: "post", id: post.id }, data: { reaction: type }, dedupeKey: `reaction:${post.id}:${me.id}` });
  return result(ctx, post.id, me.id);
}

export async function removeReaction(ctx: Ctx, postId: string): Promise<ReactionResult> {
  const me = requireSignedIn(ctx);
  const post = await loadReadablePost(ctx, postId);
  await ctx.db.delete(reactions).where(and(eq(reactions.postId, post.id), eq(reactions.userId, me.id)));
  return result(ctx, post.id, me.id);
}

async function result(ctx: Ctx, postId: string, userId: string): Promise<ReactionResult> {
  const [counts, mine] = await Promise.all([
    reactionCounts(ctx, [postId]),
    ctx.db.select({ type: reactions.type }).from(reactions).where(and(eq(reactions.postId, postId), eq(reactions.userId, userId))).get(),
  ]);
  return { reactions: counts.get(postId) ?? { like: 0, love: 0, fire: 0, applause: 0 }, myReaction: mine?.type ?? null };
}
