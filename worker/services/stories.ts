import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { media, stories, users } from "../../db/schema";
import type { Ctx } from "../env";
import { Conflict, Forbidden, Invalid, NotFound, Unauthorized } from "../errors";
import { decodeCursor, keysetPage } from "../lib/cursor";
import { UUID_PATTERN, uuidv7 } from "../lib/ids";
import { STORY_TEXT_MAX, type CreateStoryInput, type StoryAuthor, type StoryDto, type StoryGroup } from "../schemas/stories";
import { blockedEitherWay, isFollowing, notBlockedWith, notMutedBy } from "./audience";
import { requireVerifiedMember } from "./authorization";
import { memberSummary } from "./avatars";
import { claimMedia, deleteMedia, SWEEP_BATCH, toMediaDto } from "./media";
import { requireSignedIn } from "./users";

/** A story lives this long, then the cron deletes it and its picture. */
export const STORY_TTL_MS = 24 * 60 * 60 * 1000;
/** Unexpired stories one member may have at once: a night out, not a photo album. */
export const MAX_ACTIVE_STORIES = 30;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

interface StoryRow {
  id: string;
  authorId: string;
  text: string | null;
  createdAt: string;
  expiresAt: string;
  handle: string;
  displayName: string;
  avatarKey: string | null;
  mediaId: string | null;
  width: number | null;
  height: number | null;
}

const storyColumns = {
  id: stories.id,
  authorId: stories.authorId,
  text: stories.text,
  createdAt: stories.createdAt,
  expiresAt: stories.expiresAt,
  handle: users.handle,
  displayName: users.displayName,
  avatarKey: users.avatarKey,
  mediaId: media.id,
  width: media.width,
  height: media.height,
};

function authorOf(row: Pick<StoryRow, "handle" | "displayName" | "avatarKey">): StoryAuthor {
  return memberSummary(row);
}

function toStoryDto(row: StoryRow): StoryDto {
  return {
    id: row.id,
    author: authorOf(row),
    text: row.text,
    media: row.mediaId !== null ? toMediaDto({ id: row.mediaId, width: row.width!, height: row.height! }) : null,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

function selectStories(ctx: Ctx) {
  return ctx.db.select(storyColumns).from(stories).innerJoin(users, eq(users.id, stories.authorId)).leftJoin(media, eq(media.id, stories.mediaId));
}

/**
 * A verified member's story: a short text (≤ 280 characters), a picture of theirs not yet
 * attached to anything (POST /api/v1/media), or both. Their followers and they see it for 24 h.
 */
const tooManyStories = () => new Conflict(`You already have ${MAX_ACTIVE_STORIES} stories up; delete one or wait until one expires.`);

export async function createStory(ctx: Ctx, input: CreateStoryInput, now: Date = new Date()): Promise<StoryDto> {
  const me = requireVerifiedMember(ctx);
  const text = input.text?.replace(/\r\n?/g, "\n").trim() || null;
  if (text !== null && [...text].length > STORY_TEXT_MAX) throw Invalid.field("text", `text must be at most ${STORY_TEXT_MAX} characters`);
  if (text !== null && CONTROL.test(text)) throw Invalid.field("text", "text must not contain control characters");
  const mediaId = input.mediaId?.trim() || null;
  if (text === null && mediaId === null) {
    throw new Invalid([{ path: "text", message: "write something or add a picture" }], "A story needs a text or a picture.");
  }
  const active = await ctx.db
    .select({ n: sql<number>`count(*)` })
    .from(stories)
    .where(and(eq(stories.authorId, me.id), sql`${stories.expiresAt} > ${now.toISOString()}`))
    .get();
  if ((active?.n ?? 0) >= MAX_ACTIVE_STORIES) throw tooManyStories();
  let picture = null;
  if (mediaId !== null) {
    try {
      [picture] = await claimMedia(ctx, me.id, [mediaId]);
    } catch (error) {
      if (error instanceof Invalid) throw Invalid.field("mediaId", "mediaId must be an upload of yours that is not attached to anything yet");
      throw error;
    }
  }
  const row = { id: uuidv7(now.getTime()), authorId: me.id, mediaId, text, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + STORY_TTL_MS).toISOString() };
  // The cap is checked again inside the insert, so stories posted at the same moment cannot pass it.
  const inserted = await ctx.db.all<{ id: string }>(sql`
    INSERT INTO stories (id, author_id, media_id, text, created_at, expires_at)
    SELECT ${row.id}, ${row.authorId}, ${row.mediaId}, ${row.text}, ${row.createdAt}, ${row.expiresAt}
    WHERE (SELECT count(*) FROM stories WHERE author_id = ${me.id} AND expires_at > ${now.toISOString()}) < ${MAX_ACTIVE_STORIES}
    RETURNING id`);
  if (inserted.length === 0) {
    // Give the picture back, so the member can use the upload once a story expires.
    if (mediaId !== null) await ctx.db.update(media).set({ attachedAt: null }).where(eq(media.id, mediaId));
    throw tooManyStories();
  }
  const author = await ctx.db.select({ handle: users.handle, displayName: users.displayName, avatarKey: users.avatarKey }).from(users).where(eq(users.id, me.id)).get();
  return { id: row.id, author: authorOf(author!), text, media: picture ?? null, createdAt: row.createdAt, expiresAt: row.expiresAt };
}

const groupCursor = z.object({ latest: z.string().max(40), author: z.string().regex(UUID_PATTERN) });

/**
 * GET /stories: the unexpired stories of the members I follow and mine, one group per author,
 * the author who posted most recently first (keyset-paged over authors). Never across a
 * block, and members I muted are left out.
 */
export async function listStoryGroups(ctx: Ctx, options: { limit?: number; cursor?: string } = {}, now: Date = new Date()): Promise<{ data: StoryGroup[]; nextCursor: string | null }> {
  const me = requireSignedIn(ctx);
  const limit = options.limit ?? 20;
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor, groupCursor);
  if (options.cursor !== undefined && !after) throw Invalid.field("cursor", "cursor is not a cursor this API issued");
  const nowIso = now.toISOString();
  const authors = await ctx.db.all<{ authorId: string; latest: string }>(sql`
    SELECT author_id AS authorId, max(created_at) AS latest FROM stories
    WHERE author_id IN (SELECT followee_id FROM follows WHERE follower_id = ${me.id} UNION ALL SELECT ${me.id})
      AND expires_at > ${nowIso}
      AND ${notBlockedWith(me.id, stories.authorId)} AND ${notMutedBy(me.id, stories.authorId)}
    GROUP BY author_id
    ${after ? sql`HAVING max(created_at) < ${after.latest} OR (max(created_at) = ${after.latest} AND author_id < ${after.author})` : sql``}
    ORDER BY latest DESC, author_id DESC
    LIMIT ${limit + 1}`);
  const { page, nextCursor } = keysetPage(authors, limit, (last) => ({ latest: last.latest, author: last.authorId }));
  if (page.length === 0) return { data: [], nextCursor: null };
  const rows = await selectStories(ctx)
    .where(
      and(
        inArray(
          stories.authorId,
          page.map((a) => a.authorId),
        ),
        sql`${stories.expiresAt} > ${nowIso}`,
      ),
    )
    .orderBy(stories.createdAt, stories.id)
    .all();
  const byAuthor = new Map<string, StoryRow[]>();
  for (const row of rows) byAuthor.set(row.authorId, [...(byAuthor.get(row.authorId) ?? []), row]);
  const data = page.flatMap((a) => {
    const own = byAuthor.get(a.authorId);
    return own && own.length > 0 ? [{ author: authorOf(own[0]!), stories: own.map(toStoryDto) }] : [];
  });
  return { data, nextCursor };
}

/**
 * GET /users/{handle}/stories: the member's unexpired stories, oldest first, for them and their
 * followers. Across a block the member does not exist (404); visitors must sign in (401);
 * others must follow first (403).
 */
export async function listUserStories(ctx: Ctx, handle: string, now: Date = new Date()): Promise<StoryDto[]> {
  const author = await ctx.db.select({ id: users.id }).from(users).where(eq(users.handle, handle)).get();
  if (!author) throw new NotFound("No member has this handle.");
  const viewer = ctx.user;
  if (viewer && viewer.id !== author.id && (await blockedEitherWay(ctx, viewer.id, author.id))) throw new NotFound("No member has this handle.");
  if (!viewer) throw new Unauthorized("Sign in and follow this member to see their stories.");
  if (viewer.id !== author.id && !(await isFollowing(ctx, viewer.id, author.id))) throw new Forbidden("Follow this member to see their stories.");
  const rows = await selectStories(ctx)
    .where(and(eq(stories.authorId, author.id), sql`${stories.expiresAt} > ${now.toISOString()}`))
    .orderBy(stories.createdAt, stories.id)
    .all();
  return rows.map(toStoryDto);
}

/** Authors delete their own stories, and the picture goes with it (R2 object and row). */
export async function deleteStory(ctx: Ctx, id: string): Promise<void> {
  const me = requireSignedIn(ctx);
  const notFound = () => new NotFound("No story with this id.");
  if (!UUID_PATTERN.test(id)) throw notFound();
  const story = await ctx.db.select({ id: stories.id, authorId: stories.authorId, mediaId: stories.mediaId }).from(stories).where(eq(stories.id, id)).get();
  if (!story) throw notFound();
  if (story.authorId !== me.id) {
    const canSee = !(await blockedEitherWay(ctx, me.id, story.authorId)) && (await isFollowing(ctx, me.id, story.authorId));
    if (canSee) throw new Forbidden("Only the author can delete a story.");
    throw notFound();
  }
  await ctx.db.delete(stories).where(and(eq(stories.id, story.id), eq(stories.authorId, me.id)));
  if (story.mediaId) await deleteMediaById(ctx, [story.mediaId]);
}

async function deleteMediaById(ctx: Pick<Ctx, "db" | "env">, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await ctx.db.select({ id: media.id, key: media.key }).from(media).where(inArray(media.id, ids)).all();
  return deleteMedia(ctx, rows);
}

/**
 * Cron: deletes expired stories, SWEEP_BATCH per run (oldest first, on stories_expires_idx),
 * together with their pictures' R2 objects and rows. Pictures first: if R2 fails, the story
 * is still there for the next run to retry.
 */
export async function expireStories(ctx: Pick<Ctx, "db" | "env">, now: Date = new Date()): Promise<number> {
  const expired = await ctx.db
    .select({ id: stories.id, mediaId: stories.mediaId })
    .from(stories)
    .where(sql`${stories.expiresAt} <= ${now.toISOString()}`)
    .orderBy(stories.expiresAt)
    .limit(SWEEP_BATCH)
    .all();
  if (expired.length === 0) return 0;
  await deleteMediaById(
    ctx,
    expired.flatMap((s) => (s.mediaId ? [s.mediaId] : [])),
  );
  await ctx.db.delete(stories).where(
    inArray(
      stories.id,
      expired.map((s) => s.id),
    ),
  );
  return expired.length;
}

/** For StoriesStrip: who (me and whom I follow) has stories up, most recent first; nothing for visitors. */
export async function storyStrip(ctx: Ctx, limit = 20): Promise<Array<{ author: StoryAuthor; count: number }>> {
  if (!ctx.user) return [];
  const { data } = await listStoryGroups(ctx, { limit });
  return data.map((group) => ({ author: group.author, count: group.stories.length }));
}
