import { and, eq, like, sql } from "drizzle-orm";
import { occurrenceOverrides, rsvps, type Event } from "../../db/schema";
import type { Ctx } from "../env";
import { instantToLocal } from "../lib/local-time";
import { instantOfOccurrenceKey, occurrenceKeyOf } from "../lib/occurrence-key";
import { scheduleOf } from "./occurrences";

/**
 * Dates are named by their original start instant, so a new time (or zone, or start day)
 * renames every date. RSVPs and date overrides follow their date: a single event keeps them
 * wherever it moves; a series matches each old date to the new one on the same local day.
 * Dates that no longer exist keep their rows under the old name (not listed, not lost).
 */
export async function carryOverDates(ctx: Ctx, before: Event, after: Event, now: Date): Promise<number> {
  const inUse = await ctx.db.all<{ key: string }>(
    sql`SELECT DISTINCT occurrence_key AS key FROM ${rsvps} WHERE ${rsvps.eventId} = ${before.id} UNION SELECT occurrence_key FROM ${occurrenceOverrides} WHERE ${occurrenceOverrides.eventId} = ${before.id}`,
  );
  if (inUse.length === 0) return 0;

  const dayOf = (key: string, timeZone: string) => {
    const instant = instantOfOccurrenceKey(key);
    return instant ? instantToLocal(instant, timeZone).slice(0, 10) : undefined;
  };
  const single = !before.recurrenceRule && !after.recurrenceRule;
  const newByDay = new Map((await scheduleOf(ctx, after, now)).map((o) => [dayOf(o.occurrenceKey, after.timeZone), o.occurrenceKey]));
  const renames = inUse.flatMap(({ key }) => {
    const renamed = single ? occurrenceKeyOf(after.startsAt) : newByDay.get(dayOf(key, before.timeZone));
    return renamed && renamed !== key ? [{ from: key, to: renamed }] : [];
  });
  if (renames.length === 0) return 0;

  // Two steps through a "~" prefix, so a rename never collides with a name not yet moved.
  const statements = renames.flatMap(({ from, to }) => [
    ctx.db.update(rsvps).set({ occurrenceKey: `~${to}` }).where(and(eq(rsvps.eventId, before.id), eq(rsvps.occurrenceKey, from))),
    ctx.db.update(occurrenceOverrides).set({ occurrenceKey: `~${to}` }).where(and(eq(occurrenceOverrides.eventId, before.id), eq(occurrenceOverrides.occurrenceKey, from))),
  ]);
  statements.push(
    ctx.db.update(rsvps).set({ occurrenceKey: sql`substr(${rsvps.occurrenceKey}, 2)` }).where(and(eq(rsvps.eventId, before.id), like(rsvps.occurrenceKey, "~%"))),
    ctx.db.update(occurrenceOverrides).set({ occurrenceKey: sql`substr(${occurrenceOverrides.occurrenceKey}, 2)` }).where(and(eq(occurrenceOverrides.eventId, before.id), like(occurrenceOverrides.occurrenceKey, "~%"))),
  );
  await ctx.db.batch(statements as [(typeof statements)[0], ...typeof statements]);
  return renames.length;
}
