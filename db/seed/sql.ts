import type { World } from "./world";

type Row = Record<string, string | number | null>;

/** Rows per INSERT: keeps each statement well under D1's 100 KB statement limit. */
const ROWS_PER_STATEMENT = 100;

/** Emptied before the older tables they point at (child tables first). */
const COMMUNITY_TABLES = ["notifications", "notification_preferences", "stories", "link_previews", "reactions", "comments", "post_media", "posts", "media", "group_members", "groups", "mutes", "blocks", "follows"];

/** Every city has its community group (as migration 0003 and worker/services/groups.ts do). */
const CITY_COMMUNITIES_SQL = `INSERT INTO groups (id, slug, name, description, visibility, kind, city_id, created_at)
  SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
    slug, name || ' tango community', 'Dancers, organizers and teachers of ' || name || '.', 'public', 'city', id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM cities WHERE NOT EXISTS (SELECT 1 FROM groups g WHERE g.kind = 'city' AND g.city_id = cities.id);`;

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
  return statements;
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
