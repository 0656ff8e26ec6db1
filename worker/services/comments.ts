import { and, eq, isNull, or, sql } from "drizzle-orm";
import { comments, posts, users, type Comment } from "../../db/schema";
import type { Ctx } from "../env";
import { Forbidden, Invalid, NotFound } from "../errors";
import { keysetPage } from "../lib/cursor";
import { uuidv7 } from "../lib/ids";
import { postExcerpt } from "../lib/post-excerpt";
import { renderPostText } from "../lib/post-text";
import type { CommentDto, CommentPage, CreateCommentInput, ReplyDto } from "../schemas/posts";
import { assertCanInteract, notBlockedWith, notMutedBy } from "./audience";
import { requireVerifiedMember } from "./authorization";
import { memberSummary } from "./avatars";
import { NOTIFICATION_EXCERPT_CHARS, notify } from "./notifications";
import { cursorId, inIds, loadReadablePost, mayRemovePost, notifyMentions } from "./posts";
import { requireSignedIn } from "./users";

/**
 * Comments on a post, with one level of replies: a reply to a reply attaches to its top-level
 * comment. Reading needs read access to the post; comments by members blocked either way with
 * the viewer are hidden, and muted members' comments are hidden from the muter.
 */
export async function createComment(ctx: Ctx, postId: string, input: CreateCommentInput): Promise<CommentDto> {
  const me = requireVerifiedMember(ctx);
  const post = await loadReadablePost(ctx, postId);
  await assertCanInteract(ctx, me.id, post.authorId);
  let parent: Comment | undefined;
  if (input.parentId) {
    const replyTo = await ctx.db
      .select()
      .from(comments)
      .where(and(eq(comments.id, input.parentId), eq(comments.postId, post.id)))
      .get();
    if (!replyTo) throw Invalid.field("parentId", "there is no such comment on this post");
    await assertCanInteract(ctx, me.id, replyTo.authorId);
    parent = replyTo.parentId ? await ctx.db.select().from(comments).where(eq(comments.id, replyTo.parentId)).get() : replyTo;
    if (!parent) throw Invalid.field("parentId", "there is no such comment on this post");
  }
  const id = uuidv7();
  const parentId = parent?.id ?? null;
  // Only while the post (and the comment replied to) still exist, in the same statement: a
  // delete landing meanwhile is a 404 (or a 400 for the parent), never a 500 or an orphan reply.
  const inserted = await ctx.db.all<{ one: number }>(sql`
    INSERT INTO ${comments} (id, post_id, author_id, parent_id, body, created_at)
    SELECT ${id}, ${post.id}, ${me.id}, ${parentId}, ${input.body}, ${new Date().toISOString()}
    WHERE EXISTS (SELECT 1 FROM ${posts} WHERE ${posts.id} = ${post.id})
      AND (${parentId} IS NULL OR EXISTS (SELECT 1 FROM ${comments} WHERE ${comments.id} = ${parentId} AND ${comments.postId} = ${post.id}))
    RETURNING 1 AS one`);
  if (inserted.length === 0) {
    await loadReadablePost(ctx, post.id);
    throw Invalid.field("parentId", "there is no such comment on this post");
  }
  // commentId: the notification (and its excerpt) goes away with the comment (notifications.stillVisibleTo).
  const data = { excerpt: postExcerpt(input.body, NOTIFICATION_EXCERPT_CHARS), postId: post.id, commentId: id };
  await notify(ctx, { userId: post.authorId, type: "comment", actorId: me.id, subject: { type: "post", id: post.id }, data, dedupeKey: `comment:${id}` });
  if (parent && parent.authorId !== post.authorId) {
    await notify(ctx, { userId: parent.authorId, type: "reply", actorId: me.id, subject: { type: "post", id: post.id }, data, dedupeKey: `reply:${id}` });
  }
  await notifyMentions(ctx, post.id, input.body, `mention:comment:${id}`, id);
  const [dto] = await commentDtos(ctx, [id]);
  return { ...dto!, replies: [] };
}

/** Top-level comments oldest first (keyset by id), each with its visible replies. */
export async function listComments(ctx: Ctx, postId: string, page: { cursor?: string; limit: number }): Promise<CommentPage> {
  const post = await loadReadablePost(ctx, postId);
  const viewerId = ctx.user?.id ?? null;
  const after = cursorId(page.cursor);
  const visible = and(notBlockedWith(viewerId, comments.authorId), notMutedBy(viewerId, comments.authorId));
  const top = await ctx.db
    .select({ id: comments.id })
    .from(comments)
    .where(and(eq(comments.postId, post.id), isNull(comments.parentId), visible, after ? sql`${comments.id} > ${after}` : undefined))
    .orderBy(comments.id)
    .limit(page.limit + 1)
    .all();
  const { page: topIds, nextCursor } = keysetPage(top, page.limit, (last) => ({ id: last.id }));
  if (topIds.length === 0) return { data: [], nextCursor };
  const replyIds = await ctx.db
    .select({ id: comments.id })
    .from(comments)
    .where(and(inIds(comments.parentId as never, topIds.map((c) => c.id)), visible))
    .orderBy(comments.id)
    .all();
  const dtos = await commentDtos(ctx, [...topIds.map((c) => c.id), ...replyIds.map((c) => c.id)]);
  const replies = new Map<string, ReplyDto[]>();
  for (const dto of dtos) if (dto.parentId) replies.set(dto.parentId, [...(replies.get(dto.parentId) ?? []), dto]);
  return { data: dtos.filter((dto) => dto.parentId === null).map((dto) => ({ ...dto, replies: replies.get(dto.id) ?? [] })), nextCursor };
}

export async function updateComment(ctx: Ctx, postId: string, commentId: string, body: string): Promise<ReplyDto> {
  const me = requireSignedIn(ctx);
  const comment = await loadVisibleComment(ctx, postId, commentId);
  if (comment.authorId !== me.id) throw new Forbidden("Only its author can edit a comment.");
  await ctx.db.update(comments).set({ body, editedAt: new Date().toISOString() }).where(eq(comments.id, comment.id));
  const [dto] = await commentDtos(ctx, [comment.id]);
  return dto!;
}

/**
 * By its author, the post's author or a moderator; a top-level comment takes its replies with it.
 * The post's author and moderators find the comment whoever wrote it: a commenter who blocks
 * them (or whom they blocked) cannot shield the comment from removal.
 */
export async function deleteComment(ctx: Ctx, postId: string, commentId: string): Promise<void> {
  const me = requireSignedIn(ctx);
  const post = await ctx.db.select().from(posts).where(eq(posts.id, postId)).get();
  const moderates = post !== undefined && (await mayRemovePost(ctx, post, me.id, me.roles));
  const comment = moderates
    ? await ctx.db.select().from(comments).where(and(eq(comments.id, commentId), eq(comments.postId, postId))).get()
    : await loadVisibleComment(ctx, postId, commentId);
  if (!comment) throw new NotFound("There is no comment with this id on this post.");
  if (!moderates && comment.authorId !== me.id) throw new Forbidden("Only the comment's author or the post's author can delete it.");
  await ctx.db.delete(comments).where(or(eq(comments.id, comment.id), eq(comments.parentId, comment.id)));
}

async function loadVisibleComment(ctx: Ctx, postId: string, commentId: string): Promise<Comment> {
  const post = await loadReadablePost(ctx, postId);
  const comment = await ctx.db
    .select()
    .from(comments)
    .where(and(eq(comments.id, commentId), eq(comments.postId, post.id), notBlockedWith(ctx.user?.id ?? null, comments.authorId)))
    .get();
  if (!comment) throw new NotFound("There is no comment with this id on this post.");
  return comment;
}

async function commentDtos(ctx: Ctx, ids: string[]): Promise<ReplyDto[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .select({ comment: comments, author: { handle: users.handle, displayName: users.displayName, avatarKey: users.avatarKey } })
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .where(inIds(comments.id as never, ids))
    .all();
  const byId = new Map(rows.map((row) => [row.comment.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    const { comment, author } = row;
    return [
      {
        id: comment.id,
        author: memberSummary(author),
        body: comment.body,
        bodyHtml: renderPostText(comment.body),
        parentId: comment.parentId,
        createdAt: comment.createdAt,
        editedAt: comment.editedAt,
      },
    ];
  });
}
