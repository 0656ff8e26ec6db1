import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { cities, events, groupMembers, groups, posts, users } from "../../db/schema";
import type { Ctx } from "../env";
import { Invalid } from "../errors";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import { ftsMatchExpression } from "../lib/fts-query";
import { postExcerpt } from "../lib/post-excerpt";
import { MAX_SEARCH_DEPTH, type EventResult, type GroupResult, type PersonResult, type PostResult, type SearchPage, type SearchQuery } from "../schemas/search";
import { notBlockedWith, notMutedBy, postReadableBy } from "./audience";
import { avatarUrl, memberSummary } from "./avatars";

/**
 * Full-text search over the FTS5 indexes of migration 0003 (docs/search.md). Each index row's
 * rowid is its source row's rowid, so results join straight back to the table, where the same
 * visibility rules as every other read path apply (worker/services/audience.ts). Ranked by
 * bm25 with names and titles weighing more than bios and descriptions, among the newest
 * MAX_CANDIDATES matches; paged by offset (a ranked list has no stable key), to at most
 * MAX_SEARCH_DEPTH results.
 */
export async function search(ctx: Ctx, query: SearchQuery, { now = new Date(), maxCandidates = MAX_CANDIDATES }: { now?: Date; maxCandidates?: number } = {}): Promise<SearchPage> {
  const offset = offsetOf(query.cursor);
  const match = ftsMatchExpression(query.q);
  const limit = Math.min(query.limit, MAX_SEARCH_DEPTH - offset);
  if (match === null || limit <= 0) return { type: query.type, data: [], nextCursor: null } as SearchPage;
  const viewerId = ctx.user?.id ?? null;
  const window = { match, offset, limit, maxCandidates };
  switch (query.type) {
    case "people": {
      const rows = await ctx.db.all<PersonRow>(peopleSql(viewerId, window));
      return { type: "people", ...paged(rows, window, toPerson) };
    }
    case "events": {
      const rows = await ctx.db.all<EventRow>(eventsSql(viewerId, window, now.toISOString()));
      return { type: "events", ...paged(rows, window, toEvent) };
    }
    case "posts": {
      const rows = await ctx.db.all<PostRow>(postsSql(viewerId, window));
      return { type: "posts", ...paged(rows, window, toPost) };
    }
    case "groups": {
      const rows = await ctx.db.all<GroupRow>(groupsSql(viewerId, window));
      return { type: "groups", ...paged(rows, window, toGroup) };
    }
  }
}

/**
 * Only the newest this-many matches (highest rowids: rowids grow with insertion) are ranked.
 * Scoring every match costs time in proportion to the matches: "milonga" matches 63,000 of
 * 150,000 bench posts (160 ms); ranking the newest 2,000 takes 13 ms (docs/search.md §6).
 */
export const MAX_CANDIDATES = 2000;

interface Window {
  match: string;
  offset: number;
  limit: number;
  maxCandidates: number;
}

/** SQL: the FTS row is among the newest `maxCandidates` matches (FTS5 walks rowids backwards and stops). */
function amongNewest(fts: "search_people" | "search_events" | "search_posts" | "search_groups", window: Window): SQL {
  const table = sql.raw(fts);
  return sql`${table}.rowid >= coalesce((SELECT rowid FROM ${table} WHERE ${table} MATCH ${window.match} ORDER BY rowid DESC LIMIT 1 OFFSET ${window.maxCandidates - 1}), 0)`;
}

const offsetCursor = z.object({ o: z.number().int().min(1).max(MAX_SEARCH_DEPTH) });

function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const decoded = decodeCursor(cursor, offsetCursor);
  if (!decoded) throw Invalid.field("cursor", "cursor is not a cursor this API issued; start again without it.");
  return decoded.o;
}

/** The query fetched one row more than the page: it says whether another page follows. */
function paged<Row, Dto>(rows: Row[], window: Window, toDto: (row: Row) => Dto): { data: Dto[]; nextCursor: string | null } {
  const next = window.offset + window.limit;
  const more = rows.length > window.limit && next < MAX_SEARCH_DEPTH;
  return { data: rows.slice(0, window.limit).map(toDto), nextCursor: more ? encodeCursor({ o: next }) : null };
}

const page = (window: Window): SQL => sql`LIMIT ${window.limit + 1} OFFSET ${window.offset}`;

// ------------------------------------------------------------------ people

interface PersonRow {
  handle: string;
  displayName: string;
  avatarKey: string | null;
  citySlug: string | null;
  cityName: string | null;
}

/** Handle and name weigh more than the bio. Nobody blocked either way with the viewer. */
export function peopleSql(viewerId: string | null, window: Window): SQL {
  return sql`SELECT ${users.handle} AS handle, ${users.displayName} AS displayName, ${users.avatarKey} AS avatarKey,
      ${cities.slug} AS citySlug, ${cities.name} AS cityName
    FROM search_people
    JOIN ${users} ON ${users}.rowid = search_people.rowid
    LEFT JOIN ${cities} ON ${cities.id} = ${users.homeCityId}
    WHERE search_people MATCH ${window.match} AND ${amongNewest("search_people", window)} AND ${notBlockedWith(viewerId, users.id)}
    ORDER BY bm25(search_people, 10.0, 6.0, 1.0), ${users.handle}
    ${page(window)}`;
}

function toPerson(row: PersonRow): PersonResult {
  return {
    handle: row.handle,
    displayName: row.displayName,
    avatarUrl: avatarUrl(row.handle, row.avatarKey),
    homeCity: row.citySlug && row.cityName ? { slug: row.citySlug, name: row.cityName } : null,
  };
}

// ------------------------------------------------------------------ events

interface EventRow {
  id: string;
  title: string;
  startsAt: string;
  timeZone: string;
  nextStartsAt: string | null;
  citySlug: string;
  cityName: string;
}

/**
 * Scheduled events (cancelled ones leave every listing), never one created by a member blocked
 * either way. Upcoming events (and running series) come before past ones, then by rank; a
 * series shows its next date.
 */
export function eventsSql(viewerId: string | null, window: Window, nowIso: string): SQL {
  return sql`SELECT ${events.id} AS id, ${events.title} AS title, ${events.startsAt} AS startsAt, ${events.timeZone} AS timeZone,
      CASE WHEN ${events.recurrenceRule} IS NOT NULL THEN (SELECT min(o.starts_at) FROM event_occurrences o
        WHERE o.event_id = ${events.id} AND o.starts_at >= ${nowIso} AND o.status <> 'cancelled') END AS nextStartsAt,
      ${cities.slug} AS citySlug, ${cities.name} AS cityName
    FROM search_events
    JOIN ${events} ON ${events}.rowid = search_events.rowid
    JOIN ${cities} ON ${cities.id} = ${events.cityId}
    WHERE search_events MATCH ${window.match} AND ${amongNewest("search_events", window)} AND ${events.status} = 'scheduled' AND ${notBlockedWith(viewerId, events.organizerId)}
    ORDER BY (${events.endsAt} < ${nowIso} AND ${events.recurrenceRule} IS NULL), bm25(search_events, 5.0, 1.0), ${events.startsAt}, ${events.id}
    ${page(window)}`;
}

function toEvent(row: EventRow): EventResult {
  return { id: row.id, title: row.title, startsAt: row.nextStartsAt ?? row.startsAt, timeZone: row.timeZone, city: { slug: row.citySlug, name: row.cityName } };
}

// ------------------------------------------------------------------ posts

interface PostRow {
  id: string;
  body: string;
  createdAt: string;
  handle: string;
  displayName: string;
  avatarKey: string | null;
}

/** Posts the viewer may read (followers-only, group posts, blocks: audience.ts), minus muted authors. */
export function postsSql(viewerId: string | null, window: Window): SQL {
  return sql`SELECT ${posts.id} AS id, ${posts.body} AS body, ${posts.createdAt} AS createdAt,
      ${users.handle} AS handle, ${users.displayName} AS displayName, ${users.avatarKey} AS avatarKey
    FROM search_posts
    JOIN ${posts} ON ${posts}.rowid = search_posts.rowid
    JOIN ${users} ON ${users.id} = ${posts.authorId}
    WHERE search_posts MATCH ${window.match} AND ${amongNewest("search_posts", window)} AND ${postReadableBy(viewerId)} AND ${notMutedBy(viewerId, posts.authorId)}
    ORDER BY bm25(search_posts), ${posts.id} DESC
    ${page(window)}`;
}


function toPost(row: PostRow): PostResult {
  return {
    id: row.id,
    excerpt: postExcerpt(row.body),
    author: memberSummary(row),
    createdAt: row.createdAt,
  };
}

// ------------------------------------------------------------------ groups

interface GroupRow {
  slug: string;
  name: string;
  visibility: "public" | "private";
  memberCount: number;
}

/**
 * Public and private groups alike: a private group's name and description are its sign on
 * the door, its posts stay behind it. Groups made by a member blocked either way are left out.
 */
export function groupsSql(viewerId: string | null, window: Window): SQL {
  return sql`SELECT ${groups.slug} AS slug, ${groups.name} AS name, ${groups.visibility} AS visibility,
      (SELECT count(*) FROM ${groupMembers} gm WHERE gm.group_id = ${groups.id} AND gm.status = 'active') AS memberCount
    FROM search_groups
    JOIN ${groups} ON ${groups}.rowid = search_groups.rowid
    WHERE search_groups MATCH ${window.match} AND ${amongNewest("search_groups", window)} AND ${notBlockedWith(viewerId, groups.createdBy)}
    ORDER BY bm25(search_groups, 5.0, 1.0), ${groups.slug}
    ${page(window)}`;
}

function toGroup(row: GroupRow): GroupResult {
  return { slug: row.slug, name: row.name, visibility: row.visibility, memberCount: Number(row.memberCount) };
}
