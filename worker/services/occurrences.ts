import { and, asc, eq, gt, sql } from "drizzle-orm";
import { eventOccurrences, events, occurrenceOverrides, type Event, type EventOccurrence } from "../../db/schema";
import type { Ctx } from "../env";
import { Invalid, NotFound } from "../errors";
import { instantToLocal } from "../lib/local-time";
import { log } from "../lib/log";
import { instantOfOccurrenceKey, occurrenceKeyOf } from "../lib/occurrence-key";
import { expandSeries } from "../lib/recurrence";
import type { OccurrenceChangeInput, OccurrenceDto } from "../schemas/events";
import { loadEvent, requireOrganizer } from "./event-access";
import { notifyEventChanged } from "./event-notifications";
import { validateSchedule } from "./event-schedule";
import { invalidateCityListings } from "./event-cache";

/** How far ahead a series is materialized; the daily cron extends it. */
export const HORIZON_DAYS = 400;
/** Past dates of a series kept in the listing table (older ones are history, not listings). */
const KEEP_PAST_DAYS = 60;
/** The most dates one series materializes, whatever its rule. */
export const MAX_OCCURRENCES = 520;

/** D1 binds at most 100 parameters per statement: 7 columns × 14 rows. */
const ROWS_PER_INSERT = 14;

interface ScheduledOccurrence {
  occurrenceKey: string;
  startsAt: string;
  endsAt: string;
  status: EventOccurrence["status"];
}

/** A series announced far ahead is materialized for a horizon from its first date, not from today. */
function horizonOf(event: Event, now: Date): Date {
  return new Date(Math.max(now.getTime(), Date.parse(event.startsAt)) + HORIZON_DAYS * 86_400_000);
}

/** Every date of the event from a little in the past to the horizon, with organizer changes applied. */
export async function scheduleOf(ctx: Ctx, event: Event, now: Date): Promise<ScheduledOccurrence[]> {
  if (!event.recurrenceRule) {
    return [{ occurrenceKey: occurrenceKeyOf(event.startsAt), startsAt: event.startsAt, endsAt: event.endsAt, status: "scheduled" }];
  }
  const from = new Date(Math.max(Date.parse(event.startsAt), now.getTime() - KEEP_PAST_DAYS * 86_400_000));
  const to = horizonOf(event, now);
  const expanded = expandSeries({
    rrule: event.recurrenceRule,
    startLocal: instantToLocal(event.startsAt, event.timeZone),
    endLocal: instantToLocal(event.endsAt, event.timeZone),
    timeZone: event.timeZone,
    from,
    to,
    limit: MAX_OCCURRENCES,
  });
  const overrides = new Map(
    (await ctx.db.select().from(occurrenceOverrides).where(eq(occurrenceOverrides.eventId, event.id))).map((o) => [o.occurrenceKey, o]),
  );
  return expanded.map((o) => {
    const occurrenceKey = occurrenceKeyOf(o.startsAt);
    const override = overrides.get(occurrenceKey);
    if (override?.cancelled) return { occurrenceKey, startsAt: o.startsAt, endsAt: o.endsAt, status: "cancelled" as const };
    if (override?.startsAt && override.endsAt) return { occurrenceKey, startsAt: override.startsAt, endsAt: override.endsAt, status: "moved" as const };
    return { occurrenceKey, startsAt: o.startsAt, endsAt: o.endsAt, status: "scheduled" as const };
  });
}

/**
 * Rewrites the event's rows in event_occurrences from its schedule. One D1 batch, so
 * listings never see a half-written series.
 */
export async function materializeOccurrences(ctx: Ctx, event: Event, now: Date = new Date()): Promise<void> {
  const schedule = await scheduleOf(ctx, event, now);
  const rows = schedule.map((o) => ({ eventId: event.id, cityId: event.cityId, type: event.type, ...o }));
  const statements = [ctx.db.delete(eventOccurrences).where(eq(eventOccurrences.eventId, event.id))];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) statements.push(ctx.db.insert(eventOccurrences).values(rows.slice(i, i + ROWS_PER_INSERT)) as never);
  const materializedUntil = event.recurrenceRule ? horizonOf(event, now).toISOString() : null;
  statements.push(ctx.db.update(events).set({ materializedUntil }).where(eq(events.id, event.id)) as never);
  await ctx.db.batch(statements as [typeof statements[0], ...typeof statements]);
}

export function toOccurrenceDto(event: Pick<Event, "timeZone">, o: Pick<EventOccurrence, "occurrenceKey" | "startsAt" | "endsAt" | "status">): OccurrenceDto {
  return {
    occurrenceKey: o.occurrenceKey,
    startsAt: o.startsAt,
    endsAt: o.endsAt,
    startLocal: instantToLocal(o.startsAt, event.timeZone),
    endLocal: instantToLocal(o.endsAt, event.timeZone),
    status: o.status,
  };
}

/** Dates of one event still to come (or running), soonest first, cancelled ones included so pages can say so. */
export async function listEventOccurrences(ctx: Ctx, eventId: string, { limit = 20, now = new Date() }: { limit?: number; now?: Date } = {}): Promise<OccurrenceDto[]> {
  const event = await loadEvent(ctx, eventId);
  const rows = await ctx.db
    .select()
    .from(eventOccurrences)
    .where(and(eq(eventOccurrences.eventId, event.id), gt(eventOccurrences.endsAt, now.toISOString())))
    .orderBy(asc(eventOccurrences.startsAt))
    .limit(limit);
  return rows.map((o) => toOccurrenceDto(event, o));
}

export async function findOccurrence(ctx: Ctx, eventId: string, occurrenceKey: string): Promise<EventOccurrence | undefined> {
  return ctx.db
    .select()
    .from(eventOccurrences)
    .where(and(eq(eventOccurrences.eventId, eventId), eq(eventOccurrences.occurrenceKey, occurrenceKey)))
    .get();
}

/** The date an RSVP without `occurrence` is about: the next one not yet over and not cancelled. */
export async function nextOccurrence(ctx: Ctx, eventId: string, now: Date = new Date()): Promise<EventOccurrence | undefined> {
  return ctx.db
    .select()
    .from(eventOccurrences)
    .where(and(eq(eventOccurrences.eventId, eventId), gt(eventOccurrences.endsAt, now.toISOString()), sql`${eventOccurrences.status} != 'cancelled'`))
    .orderBy(asc(eventOccurrences.startsAt))
    .limit(1)
    .get();
}

/** Cancels, moves or restores one date of a recurring series (organizers only). */
export async function changeOccurrence(ctx: Ctx, eventId: string, occurrenceKey: string, input: OccurrenceChangeInput, now: Date = new Date()): Promise<OccurrenceDto> {
  const event = await loadEvent(ctx, eventId);
  await requireOrganizer(ctx, event);
  if (!event.recurrenceRule) throw Invalid.field("occurrence", "This event does not repeat; edit the event itself to change its date.");
  const existing = await findOccurrence(ctx, event.id, occurrenceKey);
  if (!existing || !instantOfOccurrenceKey(occurrenceKey)) throw new NotFound("This series has no date with this occurrenceKey.");

  const updatedAt = now.toISOString();
  if ("restore" in input) {
    await ctx.db.delete(occurrenceOverrides).where(and(eq(occurrenceOverrides.eventId, event.id), eq(occurrenceOverrides.occurrenceKey, occurrenceKey)));
  } else if (input.cancelled) {
    await upsertOverride(ctx, { eventId: event.id, occurrenceKey, cancelled: true, startsAt: null, endsAt: null, updatedAt });
  } else {
    const { startsAt, endsAt } = validateSchedule({ start: input.start, end: input.end, timeZone: event.timeZone, now });
    await upsertOverride(ctx, { eventId: event.id, occurrenceKey, cancelled: false, startsAt, endsAt, updatedAt });
  }
  await ctx.db.update(events).set({ version: sql`${events.version} + 1`, updatedAt }).where(eq(events.id, event.id));
  const fresh = await loadEvent(ctx, event.id);
  await materializeOccurrences(ctx, fresh, now);
  await invalidateCityListings(ctx, event.cityId);
  await notifyEventChanged(ctx, fresh.id, fresh.version).catch((error: unknown) => log("error", "event.change-notify-failed", { eventId: fresh.id, error: String(error) }));
  const row = await findOccurrence(ctx, event.id, occurrenceKey);
  if (!row) throw new NotFound("This date is no longer part of the series.");
  return toOccurrenceDto(event, row);
}

async function upsertOverride(ctx: Ctx, row: typeof occurrenceOverrides.$inferInsert): Promise<void> {
  await ctx.db
    .insert(occurrenceOverrides)
    .values(row)
    .onConflictDoUpdate({
      target: [occurrenceOverrides.eventId, occurrenceOverrides.occurrenceKey],
      set: { cancelled: row.cancelled, startsAt: row.startsAt, endsAt: row.endsAt, updatedAt: row.updatedAt },
    });
}

/**
 * Series whose materialized dates run out within a month, the most urgent first: the cron
 * extends them, in batches, at most `maxSeries` per run (the next run picks up the rest).
 */
export async function extendSeriesHorizons(ctx: Ctx, now: Date = new Date(), { batchSize = 50, maxSeries = 150 } = {}): Promise<number> {
  // About three D1 queries a series: 150 stays well inside one invocation's 1,000.
  const soon = new Date(now.getTime() + 30 * 86_400_000).toISOString();
  let handled = 0;
  while (handled < maxSeries) {
    const due = await ctx.db
      .select()
      .from(events)
      .where(and(sql`${events.recurrenceRule} IS NOT NULL`, eq(events.status, "scheduled"), sql`${events.materializedUntil} < ${soon}`))
      .orderBy(asc(events.materializedUntil))
      .limit(batchSize);
    for (const event of due) {
      try {
        await materializeOccurrences(ctx, event, now);
      } catch (error) {
        // One broken series must not block the others: push it to the back of the line and log it.
        await ctx.db.update(events).set({ materializedUntil: soon }).where(eq(events.id, event.id));
        log("error", "series.extend-failed", { eventId: event.id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    handled += due.length;
    if (due.length < batchSize) break;
  }
  return handled;
}
