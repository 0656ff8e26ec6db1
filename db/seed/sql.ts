import type { World } from "./world";

type Row = Record<string, string | number | null>;

/** Rows per INSERT: keeps each statement well under D1's 100 KB statement limit. */
const ROWS_PER_STATEMENT = 100;

/** The world as plain SQL statements, for `wrangler d1 execute` and the test harness alike. */
export function worldToSql(world: World, { replace = true }: { replace?: boolean } = {}): string[] {
  const statements: string[] = [];
  if (replace) {
    statements.push(
      ...["tickets", "orders", "ticket_types", "stripe_events", "rsvps", "occurrence_overrides", "event_occurrences", "event_organizers", "events", "users", "venues", "cities"].map((table) => `DELETE FROM ${table};`),
    );
  }
  statements.push(...inserts("cities", world.cities as unknown as Row[]));
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
