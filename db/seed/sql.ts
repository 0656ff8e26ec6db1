import { REACTION_TYPES, type World } from "./world.ts";

type Row = Record<string, string | number | null>;

/** Rows per INSERT: keeps each statement well under D1's 100 KB statement limit. */
const ROWS_PER_STATEMENT = 100;

/** Emptied before the older tables they point at (child tables first). */
const COMMUNITY_TABLES = ["chat_tickets", "conversation_members", "conversations", "notifications", "notification_preferences", "stories", "link_previews", "reactions", "comments", "post_media", "posts", "media", "group_members", "groups", "mutes", "blocks", "follows"];

/** Every city has its community group (as migration 0003 and worker/services/groups.ts do). */
const CITY_COMMUNITIES_SQL = `INSERT INTO groups (id, slug, name, description, visibility, kind, city_id, created_at)
  SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
    slug, name || ' tango community', 'Dancers, organizers and teachers of ' || name || '.', 'public', 'city', id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM cities WHERE NOT EXISTS (SELECT 1 FROM groups g WHERE g.kind = 'city' AND g.city_id = cities.id);`;

/** Every member joins their home city's community, as worker/services/groups.ts does on sign-up. */
const CITY_COMMUNITY_MEMBERS_SQL = `INSERT OR IGNORE INTO group_members (group_id, user_id, role, status, created_at, approved_at)
  SELECT g.id, u.id, 'member', 'active', u.created_at, u.created_at FROM users u JOIN groups g ON g.kind = 'city' AND g.city_id = u.home_city_id;`;

/** Index tuples per INSERT … SELECT: a few bytes each, so thousands still fit one statement. */
const TUPLES_PER_STATEMENT = 4000;

/** The world as plain SQL statements, for `wrangler d1 execute` and the test harness alike. */
export function worldToSql(world: World, { replace = true }: { replace?: boolean } = {}): string[] {
  const statements: string[] = [];
  if (replace) {
    statements.push(
      ...[...COMMUNITY_TABLES, "tickets", "orders", "ticket_types", "stripe_events", "rsvps", "occurrence_overrides", "event_occurrences", "event_organizers", "events", "users", "venues", "cities"].map((table) => `DELETE FROM ${table};`),
    );
  }
  statements.push(...inserts("cities", world.cities as unknown as Row[]));
  statements.push(CITY_COMMUNITIES_SQL);
  statements.push(...inserts("venues", world.venues as unknown as Row[]));
  statements.push(...inserts("users", world.users as unknown as Row[]));
  statements.push(...inserts("events", world.events as unknown as Row[]));
  statements.push(...inserts("events", world.series as unknown as Row[]));
  statements.push(...inserts("event_organizers", world.eventOrganizers as unknown as Row[]));
  statements.push(...inserts("event_occurrences", world.occurrences as unknown as Row[]));
  statements.push(CITY_COMMUNITY_MEMBERS_SQL);
  if (world.users.length > 0) {
    const user = (alias: string, index: string) => `JOIN users ${alias} ON ${alias}.rowid = ${index} + (SELECT rowid FROM users WHERE id = ${literal(world.users[0]!.id)})`;
    statements.push(
      ...byIndex(world.follows, 2, "f(a, b)", (cte) => `${cte} INSERT OR IGNORE INTO follows (follower_id, followee_id, created_at)
  SELECT fa.id, fb.id, max(fa.created_at, fb.created_at) FROM f ${user("fa", "f.a")} ${user("fb", "f.b")};`),
    );
    statements.push(...inserts("groups", world.groups as unknown as Row[]));
    if (world.groups.length > 0) {
      const group = `JOIN groups g ON g.rowid = m.g + (SELECT rowid FROM groups WHERE id = ${literal(world.groups[0]!.id)})`;
      statements.push(
        ...byIndex(world.groupMembers, 3, "m(g, u, r)", (cte) => `${cte} INSERT OR IGNORE INTO group_members (group_id, user_id, role, status, created_at, approved_at)
  SELECT g.id, u.id, CASE m.r WHEN 0 THEN 'admin' WHEN 1 THEN 'moderator' ELSE 'member' END, 'active', g.created_at, g.created_at FROM m ${group} ${user("u", "m.u")};`),
      );
    }
    statements.push(...inserts("posts", world.posts as unknown as Row[]));
    statements.push(...inserts("comments", world.comments as unknown as Row[]));
    if (world.posts.length > 0) {
      const types = `CASE r.t ${REACTION_TYPES.map((t, i) => `WHEN ${i} THEN '${t}'`).join(" ")} END`;
      const post = `JOIN posts p ON p.rowid = r.p + (SELECT rowid FROM posts WHERE id = ${literal(world.posts[0]!.id)})`;
      statements.push(
        ...byIndex(world.reactions, 3, "r(p, u, t)", (cte) => `${cte} INSERT OR IGNORE INTO reactions (post_id, user_id, type, created_at)
  SELECT p.id, u.id, ${types}, p.created_at FROM r ${post} ${user("u", "r.u")};`),
      );
    }
  }
  return statements;
}

/**
 * Rows given as flat tuples of indexes (see World): each statement binds a chunk of them as a
 * VALUES table and joins the indexes back to ids. Rowids of rows inserted in one go are
 * consecutive, so index i is the rowid of the first seeded row plus i.
 */
function byIndex(flat: readonly number[], width: number, cteName: string, statement: (cte: string) => string): string[] {
  const out: string[] = [];
  const step = TUPLES_PER_STATEMENT * width;
  for (let i = 0; i < flat.length; i += step) {
    const tuples: string[] = [];
    for (let j = i; j < Math.min(i + step, flat.length); j += width) tuples.push(`(${flat.slice(j, j + width).join(",")})`);
    out.push(statement(`WITH ${cteName} AS (VALUES ${tuples.join(",")})`));
  }
  return out;
}

function inserts(table: string, rows: Row[]): string[] {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]!);
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const values = rows
      .slice(i, i + ROWS_PER_STATEMENT)
      .map((row) => `(${columns.map((c) => literal(row[c] ?? null)).join(",")})`)
      .join(",\n");
    out.push(`INSERT INTO ${table} (${columns.join(",")}) VALUES\n${values};`);
  }
  return out;
}

function literal(value: string | number | null): string {
  if (value === null) return "NULL";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "NULL";
  return `'${value.replace(/'/g, "''")}'`;
}
