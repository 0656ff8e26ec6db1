import { eq, sql, type SQL } from "drizzle-orm";
import { cities, follows, groupMembers, posts, users } from "../../db/schema";
import type { Ctx } from "../env";
import { Invalid, NotFound } from "../errors";
import { keysetPage } from "../lib/cursor";
import type { PostPage } from "../schemas/posts";
import { notBlockedWith, notMutedBy, postReadableBy } from "./audience";
import { cursorId, postDtos } from "./posts";
import { requireSignedIn } from "./users";

export interface FeedQuery {
  tab: "following" | "city";
  city?: string;
  cursor?: string;
  limit: number;
}

/**
 * Fan-out on read (docs/posts-and-feed.md). Post ids are UUIDv7, so `id` order is creation
 * order and the cursor is simply the last id served: posts arriving while someone pages have
 * larger ids than any cursor already handed out, so no page repeats or skips an item.
 */
export async function getFeed(ctx: Ctx, query: FeedQuery): Promise<PostPage & { city: { slug: string; name: string } | null }> {
  const before = cursorId(query.cursor);
  if (query.tab === "city") {
    const city = await feedCity(ctx, query.city);
    const ids = await ctx.db.all<{ id: string }>(cityFeedSql(ctx.user?.id ?? null, city.id, before, query.limit + 1));
    const { page, nextCursor } = keysetPage(ids, query.limit, (last) => ({ id: last.id }));
    return { data: await postDtos(ctx, page.map((row) => row.id)), nextCursor, city: { slug: city.slug, name: city.name } };
  }
  const me = requireSignedIn(ctx);
  const ids = await ctx.db.all<{ id: string }>(followingFeedSql(me.id, before, query.limit + 1));
  const { page, nextCursor } = keysetPage(ids, query.limit, (last) => ({ id: last.id }));
  return { data: await postDtos(ctx, page.map((row) => row.id)), nextCursor, city: null };
}

async function feedCity(ctx: Ctx, slug: string | undefined): Promise<{ id: string; slug: string; name: string }> {
  const columns = { id: cities.id, slug: cities.slug, name: cities.name };
  if (slug) {
    const city = await ctx.db.select(columns).from(cities).where(eq(cities.slug, slug)).get();
    if (!city) throw new NotFound(`There is no city "${slug}".`);
    return city;
  }
  const home = ctx.user
    ? await ctx.db.select(columns).from(users).innerJoin(cities, eq(cities.id, users.homeCityId)).where(eq(users.id, ctx.user.id)).get()
    : undefined;
  if (!home) throw Invalid.field("city", "choose a city (city=buenos-aires), or set your home city in your profile");
  return home;
}

const olderThan = (before: string | undefined): SQL => (before ? sql` AND ${posts.id} < ${before}` : sql``);

/**
 * My posts, posts of people I follow and posts in my groups, merged newest first. Each followee
 * and each group contributes at most `n` ids, read backwards along posts_author_idx or
 * posts_group_idx from the cursor (a correlated `IN (… LIMIT n)`, SQLite's stand-in for a
 * lateral join), so one page sorts at most (followees + groups + 1) × n ids, however much
 * anyone has written. The visibility filters sit inside those per-source cuts, so a page is
 * never short (or an item skipped) because rows were dropped after a cut.
 */
export function followingFeedSql(viewerId: string, before: string | undefined, n: number): SQL {
  const visible = sql`${postReadableBy(viewerId)} AND ${notMutedBy(viewerId, posts.authorId)}`;
  return sql`SELECT DISTINCT id FROM (
      SELECT id FROM (SELECT ${posts.id} AS id FROM ${posts} WHERE ${posts.authorId} = ${viewerId}${olderThan(before)} ORDER BY ${posts.id} DESC LIMIT ${n})
      UNION ALL
      SELECT id FROM (SELECT ${posts.id} AS id FROM ${follows} JOIN ${posts} ON ${posts.authorId} = ${follows.followeeId}
        WHERE ${follows.followerId} = ${viewerId} AND ${posts.id} IN (
          SELECT ${posts.id} FROM ${posts} WHERE ${posts.authorId} = ${follows.followeeId}${olderThan(before)} AND ${visible} ORDER BY ${posts.id} DESC LIMIT ${n})
        ORDER BY ${posts.id} DESC LIMIT ${n})
      UNION ALL
      SELECT id FROM (SELECT ${posts.id} AS id FROM ${groupMembers} JOIN ${posts} ON ${posts.groupId} = ${groupMembers.groupId}
        WHERE ${groupMembers.userId} = ${viewerId} AND ${groupMembers.status} = 'active' AND ${posts.id} IN (
          SELECT ${posts.id} FROM ${posts} WHERE ${posts.groupId} = ${groupMembers.groupId}${olderThan(before)}
            AND ${notBlockedWith(viewerId, posts.authorId)} AND ${notMutedBy(viewerId, posts.authorId)} ORDER BY ${posts.id} DESC LIMIT ${n})
        ORDER BY ${posts.id} DESC LIMIT ${n})
    ) ORDER BY id DESC LIMIT ${n}`;
}

/** Public posts (memories included) by members of one city, newest first: one range of posts_city_idx. */
export function cityFeedSql(viewerId: string | null, cityId: string, before: string | undefined, n: number): SQL {
  return sql`SELECT ${posts.id} AS id FROM ${posts}
    WHERE ${posts.cityId} = ${cityId} AND ${posts.visibility} = 'public'${olderThan(before)}
      AND ${notBlockedWith(viewerId, posts.authorId)} AND ${notMutedBy(viewerId, posts.authorId)}
    ORDER BY ${posts.id} DESC LIMIT ${n}`;
}
