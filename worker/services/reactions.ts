import { and, eq, sql } from "drizzle-orm";
import { reactions, type ReactionType } from "../../db/schema";
import type { Ctx } from "../env";
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
  await ctx.db
    .insert(reactions)
    .values({ postId: post.id, userId: me.id, type, createdAt: new Date().toISOString() })
    .onConflictDoUpdate({ target: [reactions.postId, reactions.userId], set: { type: sql`excluded.type` } });
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
