import { and, eq, inArray, sql } from "drizzle-orm";
import { eventOrganizers, events, users, type Event } from "../../db/schema";
import type { Ctx } from "../env";
import { log } from "../lib/log";
import { Invalid } from "../errors";
import { uuidv7 } from "../lib/ids";
import { eventSearchText } from "../lib/search-text";
import type { CreateEventInput, LineupEntry, UpdateEventInput } from "../schemas/events";
import { requireVerifiedMember } from "./authorization";
import { invalidateCityListings } from "./event-cache";
import { loadEvent, requireOrganizer } from "./event-access";
import { notifyEventCancelled, notifyEventChanged } from "./event-notifications";
import { validateSchedule } from "./event-schedule";
import { carryOverDates } from "./occurrence-carry-over";
import { materializeOccurrences } from "./occurrences";
import { recheckWaitlists } from "./rsvps";
import { instantToLocal } from "../lib/local-time";
import { resolveVenue } from "./venues";

/** Creates an event; the creator becomes its owner-organizer. Needs a verified email. */
export async function createEvent(ctx: Ctx, input: CreateEventInput, now: Date = new Date()): Promise<Event> {
  const me = requireVerifiedMember(ctx);
  const { venue, city } = await resolveVenue(ctx, input.venue);
  const timeZone = input.timeZone ?? city.timeZone;
  const schedule = validateSchedule({ start: input.start, end: input.end, timeZone, rrule: input.recurrence?.rrule, now });
  validateCapacity(input.capacity ?? null, input.roleBalance ?? null);
  const coOrganizerIds = await resolveHandles(ctx, input.coOrganizers, "coOrganizers", me.id);
  const lineup = await checkLineupHandles(ctx, input.lineup);

  const createdAt = now.toISOString();
  const event: typeof events.$inferInsert = {
    id: uuidv7(now.getTime()),
    title: input.title,
    searchText: eventSearchText([input.title, venue.name, city.name, ...lineup.map((l) => l.name)]),
    type: input.type,
    description: input.description,
    cityId: city.id,
    venueId: venue.id,
    organizerId: me.id,
    startsAt: schedule.startsAt,
    endsAt: schedule.endsAt,
    timeZone,
    recurrenceRule: schedule.recurrenceRule,
    priceMinor: input.price?.amountMinor ?? null,
    currency: input.price?.currency ?? null,
    priceNote: input.priceNote ?? null,
    capacity: input.capacity ?? null,
    roleBalanceTolerance: input.roleBalance?.tolerance ?? null,
    lineup: JSON.stringify(lineup),
    createdAt,
    confirmedAt: createdAt,
  };
  await ctx.db.batch([
    ctx.db.insert(events).values(event),
    ctx.db.insert(eventOrganizers).values([
      { eventId: event.id!, userId: me.id, role: "owner", addedAt: createdAt },
      ...coOrganizerIds.map((userId) => ({ eventId: event.id!, userId, role: "co-organizer" as const, addedAt: createdAt })),
    ]),
  ]);
  const saved = await loadEvent(ctx, event.id!);
  await materializeOccurrences(ctx, saved, now);
  await invalidateCityListings(ctx, city.id);
  return saved;
}

/** Edits an event (organizers only); `null` clears an optional field. */
export async function updateEvent(ctx: Ctx, eventId: string, input: UpdateEventInput, now: Date = new Date()): Promise<Event> {
  const event = await loadEvent(ctx, eventId);
  await requireOrganizer(ctx, event);
  if (event.status === "cancelled") throw Invalid.field("status", "This event was cancelled; create a new one instead of editing it.");

  const { venue, city } = input.venue ? await resolveVenue(ctx, input.venue) : await resolveVenue(ctx, { id: event.venueId });
  const timeZone = input.timeZone ?? event.timeZone;
  const scheduleTouched = input.start !== undefined || input.end !== undefined || input.timeZone !== undefined || input.recurrence !== undefined;
  const changes: Partial<typeof events.$inferInsert> = {};
  if (scheduleTouched) {
    const start = input.start ?? instantToLocal(event.startsAt, event.timeZone);
    const end = input.end ?? instantToLocal(event.endsAt, event.timeZone);
    const rrule = input.recurrence === undefined ? event.recurrenceRule : (input.recurrence?.rrule ?? null);
    // A start already in the past may stay (fixing a typo in a running festival), but not move into the past.
    const schedule = validateSchedule({ start, end, timeZone, rrule, now, allowPastStart: input.start === undefined });
    Object.assign(changes, { startsAt: schedule.startsAt, endsAt: schedule.endsAt, timeZone, recurrenceRule: schedule.recurrenceRule });
  }
  const capacity = input.capacity === undefined ? event.capacity : input.capacity;
  const roleBalance = input.roleBalance === undefined ? (event.roleBalanceTolerance === null ? null : { tolerance: event.roleBalanceTolerance }) : input.roleBalance;
  validateCapacity(capacity, roleBalance);

  if (input.title !== undefined) changes.title = input.title;
  if (input.type !== undefined) changes.type = input.type;
  if (input.description !== undefined) changes.description = input.description;
  if (input.venue !== undefined) Object.assign(changes, { venueId: venue.id, cityId: city.id });
  if (input.capacity !== undefined) changes.capacity = input.capacity;
  if (input.roleBalance !== undefined) changes.roleBalanceTolerance = input.roleBalance?.tolerance ?? null;
  if (input.price !== undefined) Object.assign(changes, { priceMinor: input.price?.amountMinor ?? null, currency: input.price?.currency ?? null });
  if (input.priceNote !== undefined) changes.priceNote = input.priceNote;
  const lineup = input.lineup !== undefined ? await checkLineupHandles(ctx, input.lineup) : (JSON.parse(event.lineup) as LineupEntry[]);
  if (input.lineup !== undefined) changes.lineup = JSON.stringify(lineup);
  changes.searchText = eventSearchText([input.title ?? event.title, venue.name, city.name, ...lineup.map((l) => l.name)]);

  const statements = [
    ctx.db
      .update(events)
      .set({ ...changes, version: sql`${events.version} + 1`, updatedAt: now.toISOString() })
      .where(eq(events.id, event.id)),
  ];
  if (input.coOrganizers !== undefined) {
    // The owner stays owner; a co-organizer editing the list keeps themselves by listing themselves.
    const ids = await resolveHandles(ctx, input.coOrganizers, "coOrganizers", event.organizerId ?? "");
    statements.push(ctx.db.delete(eventOrganizers).where(and(eq(eventOrganizers.eventId, event.id), eq(eventOrganizers.role, "co-organizer"))) as never);
    if (ids.length) {
      statements.push(
        ctx.db
          .insert(eventOrganizers)
          .values(ids.map((userId) => ({ eventId: event.id, userId, role: "co-organizer" as const, addedAt: now.toISOString() })))
          .onConflictDoNothing() as never,
      );
    }
  }
  await ctx.db.batch(statements as [typeof statements[0], ...typeof statements]);
  const saved = await loadEvent(ctx, event.id);
  if (scheduleTouched) await carryOverDates(ctx, event, saved, now);
  if (scheduleTouched || input.type !== undefined || input.venue !== undefined) await materializeOccurrences(ctx, saved, now);
  // More places, or a looser balance, let waiting dancers in now rather than at the next RSVP.
  if (saved.capacity !== event.capacity || saved.roleBalanceTolerance !== event.roleBalanceTolerance || scheduleTouched) await recheckWaitlists(ctx, saved.id, now);
  await invalidateCityListings(ctx, event.cityId);
  if (saved.cityId !== event.cityId) await invalidateCityListings(ctx, saved.cityId);
  // A new date, time or place is news for everyone registered; the edit stands even if the queue hiccups.
  if (scheduleTouched || input.venue !== undefined) {
    await notifyEventChanged(ctx, saved.id, saved.version).catch((error: unknown) => log("error", "event.change-notify-failed", { eventId: saved.id, error: String(error) }));
  }
  return saved;
}

/** Cancels the event (organizers only): it leaves listings, its page says so, and everyone registered hears. */
export async function cancelEvent(ctx: Ctx, eventId: string, now: Date = new Date()): Promise<void> {
  const event = await loadEvent(ctx, eventId);
  await requireOrganizer(ctx, event);
  if (event.status === "cancelled") return;
  const result = await ctx.db
    .update(events)
    .set({ status: "cancelled", cancelledAt: now.toISOString(), updatedAt: now.toISOString(), version: sql`${events.version} + 1` })
    .where(and(eq(events.id, event.id), eq(events.status, "scheduled")))
    .returning({ id: events.id });
  await invalidateCityListings(ctx, event.cityId);
  // Only the request that actually cancelled notifies, so a double click mails nobody twice.
  if (result.length > 0) await notifyEventCancelled(ctx, event.id);
}

/** An organizer confirms a recurring series still runs; stale series leave listings until then. */
export async function reconfirmSeries(ctx: Ctx, eventId: string, now: Date = new Date()): Promise<Event> {
  const event = await loadEvent(ctx, eventId);
  await requireOrganizer(ctx, event);
  if (!event.recurrenceRule) throw Invalid.field("recurrence", "Only recurring series need reconfirming.");
  await ctx.db
    .update(events)
    .set({ confirmedAt: now.toISOString(), reconfirmRemindedAt: null, version: sql`${events.version} + 1`, updatedAt: now.toISOString() })
    .where(eq(events.id, event.id));
  await invalidateCityListings(ctx, event.cityId);
  return loadEvent(ctx, event.id);
}

function validateCapacity(capacity: number | null, roleBalance: { tolerance: number } | null): void {
  if (roleBalance && capacity !== null && capacity < 2) throw Invalid.field("capacity", "a role-balanced event needs a capacity of at least 2");
}

/** Member ids for handles, in order; unknown handles are a field error naming the handle. */
async function resolveHandles(ctx: Ctx, handles: string[], field: string, excludeId: string): Promise<string[]> {
  const unique = [...new Set(handles)];
  if (unique.length === 0) return [];
  const rows = await ctx.db.select({ id: users.id, handle: users.handle }).from(users).where(inArray(users.handle, unique));
  const byHandle = new Map(rows.map((r) => [r.handle, r.id]));
  const missing = unique.filter((h) => !byHandle.has(h));
  if (missing.length) throw Invalid.field(field, `No member has the handle ${missing.map((h) => `@${h}`).join(", ")}.`);
  return unique.map((h) => byHandle.get(h)!).filter((id) => id !== excludeId);
}

async function checkLineupHandles(ctx: Ctx, lineup: LineupEntry[]): Promise<LineupEntry[]> {
  const handles = lineup.flatMap((l) => (l.handle ? [l.handle] : []));
  if (handles.length) await resolveHandles(ctx, handles, "lineup", "");
  return lineup;
}
