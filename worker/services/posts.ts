import { and, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { comments, events, groupMembers, groups, linkPreviews, media as mediaTable, postMedia, posts, reactions, users, type Post, type ReactionType } from "../../db/schema";
import type { Ctx } from "../env";
import { Forbidden, Invalid, NotFound } from "../errors";
import { decodeCursor, keysetPage } from "../lib/cursor";
import { uuidv7 } from "../lib/ids";
import { postExcerpt } from "../lib/post-excerpt";
import { mentionedHandles, renderPostText } from "../lib/post-text";
import type { CreatePostInput, PostDto, PostPage, UpdatePostInput } from "../schemas/posts";
import { groupRoleOf, isActiveGroupMember, notMutedBy, postReadableBy } from "./audience";
import { requireVerifiedMember } from "./authorization";
import { memberSummary } from "./avatars";
import { queueLinkPreview } from "./link-previews";
import { claimMedia, toMediaDto, type MediaDto } from "./media";
import { NOTIFICATION_EXCERPT_CHARS, notify } from "./notifications";
import { requireSignedIn } from "./users";

/** Site staff who may remove any post. */
const MODERATING_ROLES = ["moderator", "admin", "founder"] as const;
/** A post notifies at most this many mentioned members; the rest stay plain links. */
const MAX_MENTIONS_NOTIFIED = 20;

const idCursor = z.object({ id: z.string().max(64) });

/** SQL: `column IN` the given ids, bound as one JSON parameter (D1 allows 100 bound parameters). */
export function inIds(column: SQL.Aliased | SQL | typeof posts.id, ids: string[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}

/** The `id` of the last row served, or undefined for the first page; a forged cursor is a 400. */
export function cursorId(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor, idCursor);
  if (!key) throw Invalid.field("cursor", "cursor is not a cursor this API issued");
  return key.id;
}

/** The post if the acting member (or visitor) may read it; otherwise 404, never revealing that it exists. */
export async function loadReadablePost(ctx: Ctx, postId: string): Promise<Post> {
  const post = await ctx.db
    .select()
    .from(posts)
    .where(and(eq(posts.id, postId), postReadableBy(ctx.user?.id ?? null)))
    .get();
  if (!post) throw new NotFound("There is no post with this id.");
  return post;
}

export async function createPost(ctx: Ctx, input: CreatePostInput): Promise<PostDto> {
  const me = requireVerifiedMember(ctx);
  const mediaIds = input.mediaIds ?? [];
  if (input.body === "" && mediaIds.length === 0) throw Invalid.field("body", "write something or add a picture");
  if (input.visibility === "group" && !input.groupId) throw Invalid.field("groupId", "choose the group to post in");
  if (input.groupId && input.visibility !== "group") throw Invalid.field("visibility", 'posts in a group must have visibility "group"');
  if (input.groupId) {
    const group = await ctx.db.select({ id: groups.id }).from(groups).where(eq(groups.id, input.groupId)).get();
    if (!group) throw Invalid.field("groupId", "there is no such group");
    if (!(await isActiveGroupMember(ctx, group.id, me.id))) throw new Forbidden("Only members of this group can post in it.");
  }
  if (input.eventId) {
    const event = await ctx.db.select({ id: events.id }).from(events).where(eq(events.id, input.eventId)).get();
    if (!event) throw Invalid.field("eventId", "there is no such event");
  }
  const author = await ctx.db.select({ homeCityId: users.homeCityId }).from(users).where(eq(users.id, me.id)).get();
  const id = uuidv7();
  const now = new Date().toISOString();
  // Claimed first: a refused picture (someone else's, already used) refuses the whole post.
  const claimed = await claimMedia(ctx, me.id, mediaIds);
  const post = ctx.db.insert(posts).values({
    id,
    authorId: me.id,
    body: input.body,
    visibility: input.visibility,
    groupId: input.groupId ?? null,
    eventId: input.eventId ?? null,
    cityId: author?.homeCityId ?? null,
    createdAt: now,
  });
  try {
    if (claimed.length > 0) {
      await ctx.db.batch([post, ctx.db.insert(postMedia).values(claimed.map((m, position) => ({ postId: id, mediaId: m.id, position })))]);
    } else {
      await post;
    }
  } catch (error) {
    // The group or event was deleted since it was checked above: a 400 naming it, not a foreign-key 500.
    if (!/FOREIGN KEY constraint failed/.test(String((error as Error).message) + String((error as { cause?: Error }).cause?.message))) throw error;
    throw input.groupId ? Invalid.field("groupId", "there is no such group") : Invalid.field("eventId", "there is no such event");
  }
  await afterWrite(ctx, id, input.body);
  return getPost(ctx, id);
}

export async function getPost(ctx: Ctx, postId: string): Promise<PostDto> {
  const post = await loadReadablePost(ctx, postId);
  const [dto] = await postDtos(ctx, [post.id]);
  return dto!;
}

export async function updatePost(ctx: Ctx, postId: string, input: UpdatePostInput): Promise<PostDto> {
  const me = requireSignedIn(ctx);
  const post = await loadReadablePost(ctx, postId);
  if (post.authorId !== me.id) throw new Forbidden("Only the author can edit a post.");
  await ctx.db.update(posts).set({ body: input.body, editedAt: new Date().toISOString() }).where(eq(posts.id, post.id));
  await afterWrite(ctx, post.id, input.body);
  return getPost(ctx, post.id);
}

/**
 * The author, the group's admins and moderators (group posts), and site moderators may delete.
 * Their power is checked before the audience rules, so an author who blocks the moderators
 * cannot shield a post from them; anyone else gets 404 for a post they cannot read.
 */
export async function deletePost(ctx: Ctx, postId: string): Promise<void> {
  const me = requireSignedIn(ctx);
  const post = await ctx.db.select().from(posts).where(eq(posts.id, postId)).get();
  if (!post || !(await mayRemovePost(ctx, post, me.id, me.roles))) {
    await loadReadablePost(ctx, postId);
    throw new Forbidden("Only the author or a moderator can delete this post.");
  }
  await ctx.db.delete(posts).where(eq(posts.id, post.id));
}

export async function mayRemovePost(ctx: Ctx, post: Post, userId: string, roles: readonly string[]): Promise<boolean> {
  if (post.authorId === userId) return true;
  if (MODERATING_ROLES.some((role) => roles.includes(role))) return true;
  if (!post.groupId) return false;
  const role = await groupRoleOf(ctx, post.groupId, userId);
  return role === "admin" || role === "moderator";
}

/** Mentions notify once per post (an edit only reaches newly mentioned members), then the link preview is queued. */
async function afterWrite(ctx: Ctx, postId: string, body: string): Promise<void> {
  await notifyMentions(ctx, postId, body, `mention:${postId}`);
  await queueLinkPreview(ctx, postId, body);
}

/**
 * Tells the members `@mentioned` in a post or comment body, once per `dedupeKey`. Only members
 * who can read the post hear about it: a followers-only post stays private. notify() skips blocks.
 */
export async function notifyMentions(ctx: Ctx, postId: string, body: string, dedupeKey: string, commentId?: string): Promise<void> {
  const me = requireSignedIn(ctx);
  const handles = mentionedHandles(body).slice(0, MAX_MENTIONS_NOTIFIED);
  if (handles.length === 0) return;
  const mentioned = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(inIds(users.handle as never, handles))
    .all();
  for (const { id: userId } of mentioned) {
    const readable = await ctx.db.select({ id: posts.id }).from(posts).where(and(eq(posts.id, postId), postReadableBy(userId))).get();
    if (!readable) continue;
    await notify(ctx, { userId, type: "mention", actorId: me.id, subject: { type: "post", id: postId }, data: commentId ? { excerpt: postExcerpt(body, NOTIFICATION_EXCERPT_CHARS), commentId } : { excerpt: postExcerpt(body, NOTIFICATION_EXCERPT_CHARS) }, dedupeKey });
  }
}


/** Posts of one author (their profile), newest first; `memories` keeps only posts about an event. */
export async function listUserPosts(ctx: Ctx, handle: string, page: { cursor?: string; limit: number; memories?: boolean }): Promise<PostPage> {
  const author = await ctx.db.select({ id: users.id }).from(users).where(eq(users.handle, handle.toLowerCase())).get();
  if (!author) throw new NotFound(`There is no member @${handle}.`);
  const where = [eq(posts.authorId, author.id)];
  if (page.memories) where.push(sql`${posts.eventId} IS NOT NULL`);
  return pageOfPosts(ctx, and(...where)!, page);
}

/** A group's posts, newest first: only its active members can read them (audience rules). */
export async function listGroupPosts(ctx: Ctx, slug: string, page: { cursor?: string; limit: number }): Promise<PostPage> {
  const group = await ctx.db.select({ id: groups.id }).from(groups).where(eq(groups.slug, slug)).get();
  if (!group) throw new NotFound("There is no group with this address.");
  return pageOfPosts(ctx, and(eq(posts.groupId, group.id), notMutedBy(ctx.user?.id ?? null, posts.authorId))!, page);
}

/** Memories of an event, newest first. */
export async function listEventMemories(ctx: Ctx, eventId: string, page: { cursor?: string; limit: number }): Promise<PostPage> {
  const event = await ctx.db.select({ id: events.id }).from(events).where(eq(events.id, eventId)).get();
  if (!event) throw new NotFound("There is no event with this id.");
  return pageOfPosts(ctx, and(eq(posts.eventId, event.id), notMutedBy(ctx.user?.id ?? null, posts.authorId))!, page);
}

/** Newest first by id (UUIDv7 = creation order), readable by the viewer. */
async function pageOfPosts(ctx: Ctx, where: SQL, page: { cursor?: string; limit: number }): Promise<PostPage> {
  const after = cursorId(page.cursor);
  const rows = await ctx.db
    .select({ id: posts.id })
    .from(posts)
    .where(and(where, postReadableBy(ctx.user?.id ?? null), after ? sql`${posts.id} < ${after}` : undefined))
    .orderBy(sql`${posts.id} DESC`)
    .limit(page.limit + 1)
    .all();
  const { page: ids, nextCursor } = keysetPage(rows, page.limit, (last) => ({ id: last.id }));
  return { data: await postDtos(ctx, ids.map((row) => row.id)), nextCursor };
}

const EMPTY_COUNTS: Record<ReactionType, number> = { like: 0, love: 0, fire: 0, applause: 0 };

/**
 * The API shape of the given posts, in the given order, for the acting member. A fixed number of
 * queries whatever the page size. Callers have already checked the viewer may read them.
 */
export async function postDtos(ctx: Ctx, ids: string[]): Promise<PostDto[]> {
  if (ids.length === 0) return [];
  const viewerId = ctx.user?.id ?? null;
  const [rows, counts, mine, commentCounts, media, previews] = await Promise.all([
    ctx.db
      .select({
        post: posts,
        author: { handle: users.handle, displayName: users.displayName, avatarKey: users.avatarKey },
        group: { slug: groups.slug, name: groups.name },
        event: { id: events.id, title: events.title },
      })
      .from(posts)
      .innerJoin(users, eq(users.id, posts.authorId))
      .leftJoin(groups, eq(groups.id, posts.groupId))
      .leftJoin(events, eq(events.id, posts.eventId))
      .where(inIds(posts.id, ids))
      .all(),
    reactionCounts(ctx, ids),
    viewerId
      ? ctx.db
          .select({ postId: reactions.postId, type: reactions.type })
          .from(reactions)
          .where(and(eq(reactions.userId, viewerId), inIds(reactions.postId as never, ids)))
          .all()
      : Promise.resolve([]),
    ctx.db
      .select({ postId: comments.postId, count: sql<number>`count(*)` })
      .from(comments)
      .where(inIds(comments.postId as never, ids))
      .groupBy(comments.postId)
      .all(),
    mediaForPosts(ctx, ids),
    ctx.db
      .select()
      .from(linkPreviews)
      .where(and(inIds(linkPreviews.postId as never, ids), eq(linkPreviews.status, "ready")))
      .all(),
  ]);
  const byId = new Map(rows.map((row) => [row.post.id, row]));
  const myReaction = new Map(mine.map((r) => [r.postId, r.type]));
  const commentCount = new Map(commentCounts.map((c) => [c.postId, Number(c.count)]));
  const preview = new Map(previews.map((p) => [p.postId, p]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    const { post, author, group, event } = row;
    const linkPreview = preview.get(id);
    return [
      {
        id: post.id,
        author: memberSummary(author),
        body: post.body,
        bodyHtml: renderPostText(post.body),
        visibility: post.visibility,
        group: group?.slug ? { slug: group.slug, name: group.name } : null,
        event: event?.id ? { id: event.id, title: event.title } : null,
        media: media.get(id) ?? [],
        linkPreview: linkPreview
          ? { url: linkPreview.url, title: linkPreview.title, description: linkPreview.description, imageUrl: linkPreview.imageUrl, siteName: linkPreview.siteName }
          : null,
        reactions: counts.get(id) ?? { ...EMPTY_COUNTS },
        myReaction: myReaction.get(id) ?? null,
        commentCount: commentCount.get(id) ?? 0,
        createdAt: post.createdAt,
        editedAt: post.editedAt,
      },
    ];
  });
}

/** Counts per type, always from the rows (GROUP BY), so concurrent reactions can never skew them. */
export async function reactionCounts(ctx: Ctx, ids: string[]): Promise<Map<string, Record<ReactionType, number>>> {
  const rows = await ctx.db
    .select({ postId: reactions.postId, type: reactions.type, count: sql<number>`count(*)` })
    .from(reactions)
    .where(inIds(reactions.postId as never, ids))
    .groupBy(reactions.postId, reactions.type)
    .all();
  const counts = new Map<string, Record<ReactionType, number>>();
  for (const row of rows) {
    const entry = counts.get(row.postId) ?? { ...EMPTY_COUNTS };
    entry[row.type] = Number(row.count);
    counts.set(row.postId, entry);
  }
  return counts;
}

/** Each post's pictures in the author's order. */
async function mediaForPosts(ctx: Ctx, ids: string[]): Promise<Map<string, MediaDto[]>> {
  const rows = await ctx.db
    .select({ postId: postMedia.postId, id: mediaTable.id, width: mediaTable.width, height: mediaTable.height })
    .from(postMedia)
    .innerJoin(mediaTable, eq(mediaTable.id, postMedia.mediaId))
    .where(inIds(postMedia.postId as never, ids))
    .orderBy(postMedia.postId, postMedia.position)
    .all();
  const byPost = new Map<string, MediaDto[]>();
  for (const row of rows) byPost.set(row.postId, [...(byPost.get(row.postId) ?? []), toMediaDto(row)]);
  return byPost;
}

/** The groups the acting member may post in (active memberships), by name: for the composer. */
export async function listPostableGroups(ctx: Ctx): Promise<{ id: string; slug: string; name: string }[]> {
  if (!ctx.user) return [];
  return ctx.db
    .select({ id: groups.id, slug: groups.slug, name: groups.name })
    .from(groupMembers)
    .innerJoin(groups, eq(groups.id, groupMembers.groupId))
    .where(and(eq(groupMembers.userId, ctx.user.id), eq(groupMembers.status, "active")))
    .orderBy(groups.name)
    .limit(100)
    .all();
}
