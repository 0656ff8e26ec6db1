import { and, asc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import { eventOccurrences, rsvps, users, type Event, type Rsvp } from "../../db/schema";
import type { Ctx } from "../env";
import { Conflict, Invalid, NotFound } from "../errors";
import { decodeCursor, keysetPage } from "../lib/cursor";
import { log } from "../lib/log";
import type { AttendanceCounts, RsvpDto, RsvpInput } from "../schemas/events";
import { loadEvent, requireOrganizer } from "./event-access";
import { notifyWaitlistPromoted } from "./event-notifications";
import { findOccurrence, nextOccurrence } from "./occurrences";
import type { RegistrationChange } from "./registration";
import { requireSignedIn } from "./users";

/** Which date of the event an RSVP is about: the one named, else the next one. */
async function occurrenceFor(ctx: Ctx, event: Event, occurrenceKey: string | undefined, now: Date) {
  if (occurrenceKey) {
    const occurrence = await findOccurrence(ctx, event.id, occurrenceKey);
    if (!occurrence) throw Invalid.field("occurrence", "This event has no date with this occurrenceKey.");
    return occurrence;
  }
  const next = await nextOccurrence(ctx, event.id, now);
  if (!next) throw new Conflict("This event is over; there is nothing left to RSVP to.");
  return next;
}

async function decide(ctx: Ctx, change: RegistrationChange): Promise<void> {
  const registrar = ctx.env.EVENT_REGISTRAR.get(ctx.env.EVENT_REGISTRAR.idFromName(change.eventId));
  const outcome = await registrar.apply(change);
  if (!outcome.ok) throw new Conflict(outcome.message, [{ path: outcome.field, message: outcome.message }]);
  if (outcome.promoted.length) {
    // The RSVP is already recorded: a queue hiccup is logged, never answered as a failure.
    await notifyWaitlistPromoted(ctx, change.eventId, change.occurrenceKey, outcome.promoted).catch((error: unknown) =>
      log("error", "rsvp.promotion-mail-failed", { eventId: change.eventId, promoted: outcome.promoted.length, error: error instanceof Error ? error.message : String(error) }),
    );
  }
}

/**
 * Going, interested or not going. "going" becomes "waitlisted" when the event is full or
 * the dancer's side is ahead on a role-balanced floor; every change that frees a place
 * admits the next in line (who hears by mail). Browsing and RSVPs need no verified email.
 */
export async function rsvp(ctx: Ctx, eventId: string, input: RsvpInput, now: Date = new Date()): Promise<RsvpDto> {
  const me = requireSignedIn(ctx);
  const event = await loadEvent(ctx, eventId);
  if (event.status === "cancelled") throw new Conflict("This event was cancelled.");
  const occurrence = await occurrenceFor(ctx, event, input.occurrence, now);
  if (occurrence.status === "cancelled") throw Invalid.field("occurrence", "This date was cancelled by the organizers.");
  if (Date.parse(occurrence.endsAt) <= now.getTime()) throw Invalid.field("occurrence", "This date is over.");

  const balanced = event.roleBalanceTolerance !== null;
  let role = input.role ?? null;
  if (input.status === "going" && balanced && !role) {
    const profile = await ctx.db.select({ tangoRole: users.tangoRole }).from(users).where(eq(users.id, me.id)).get();
    role = profile?.tangoRole ?? null;
    if (!role) throw Invalid.field("role", "This event balances leaders and followers: say whether you dance as leader, follower or both.");
  }
  let partnerId: string | null = null;
  if (input.partnerHandle) {
    if (input.status !== "going") throw Invalid.field("partnerHandle", "A partner can only be given when you are going.");
    if (role !== "leader" && role !== "follower") throw Invalid.field("role", "To register as a couple, say whether you lead or follow; your partner takes the other role.");
    const partner = await ctx.db.select({ id: users.id }).from(users).where(eq(users.handle, input.partnerHandle)).get();
    if (!partner) throw Invalid.field("partnerHandle", `No member has the handle @${input.partnerHandle}.`);
    if (partner.id === me.id) throw Invalid.field("partnerHandle", "Your partner must be someone else.");
    partnerId = partner.id;
  }

  await decide(ctx, { eventId: event.id, occurrenceKey: occurrence.occurrenceKey, userId: me.id, action: input.status, role, partnerId, now: now.toISOString() });
  const mine = await getMyRsvp(ctx, event.id, occurrence.occurrenceKey, now);
  if (!mine) throw new NotFound("Your RSVP could not be read back; try again.");
  return mine;
}

/** Admits waiting dancers on every upcoming date after the organizers changed capacity or balance. */
export async function recheckWaitlists(ctx: Ctx, eventId: string, now: Date = new Date()): Promise<void> {
  const waiting = await ctx.db.all<{ key: string }>(
    sql`SELECT DISTINCT r.occurrence_key AS key FROM ${rsvps} r JOIN ${eventOccurrences} o ON o.event_id = r.event_id AND o.occurrence_key = r.occurrence_key WHERE r.event_id = ${eventId} AND r.status = 'waitlisted' AND o.ends_at > ${now.toISOString()} LIMIT 100`,
  );
  for (const { key } of waiting) await decide(ctx, { eventId, occurrenceKey: key, userId: "", action: "recheck", role: null, partnerId: null, now: now.toISOString() });
}

/** Withdraws my RSVP for that date; the next in line moves up. */
export async function cancelRsvp(ctx: Ctx, eventId: string, occurrenceKey: string | undefined, now: Date = new Date()): Promise<void> {
  const me = requireSignedIn(ctx);
  const event = await loadEvent(ctx, eventId);
  const occurrence = await occurrenceFor(ctx, event, occurrenceKey, now);
  await decide(ctx, { eventId: event.id, occurrenceKey: occurrence.occurrenceKey, userId: me.id, action: "cancel", role: null, partnerId: null, now: now.toISOString() });
}

export async function getMyRsvp(ctx: Ctx, eventId: string, occurrenceKey: string | undefined, now: Date = new Date()): Promise<RsvpDto | null> {
  const me = requireSignedIn(ctx);
  const event = await loadEvent(ctx, eventId);
  const key = occurrenceKey ?? (await nextOccurrence(ctx, event.id, now))?.occurrenceKey;
  if (!key) return null;
  const row = await ctx.db.select().from(rsvps).where(and(eq(rsvps.eventId, event.id), eq(rsvps.occurrenceKey, key), eq(rsvps.userId, me.id))).get();
  if (!row) return null;
  return toRsvpDto(ctx, event, row);
}

async function toRsvpDto(ctx: Ctx, event: Event, row: Rsvp): Promise<RsvpDto> {
  const partner = row.partnerId
    ? ((await ctx.db.select({ handle: users.handle, displayName: users.displayName }).from(users).where(eq(users.id, row.partnerId)).get()) ?? null)
    : null;
  const dto: RsvpDto = {
    eventId: row.eventId,
    occurrenceKey: row.occurrenceKey,
    status: row.status,
    role: row.role,
    seatedRole: row.status === "going" ? row.seatedRole : null,
    partner,
    registeredAt: row.registeredAt,
  };
  if (row.status === "waitlisted") dto.waitlistPosition = await waitlistPosition(ctx, event, row);
  return dto;
}

/** 1 = next in line. On a role-balanced event, the place in the line of the dancer's own role. */
async function waitlistPosition(ctx: Ctx, event: Event, row: Rsvp): Promise<number> {
  const sameLine = event.roleBalanceTolerance !== null && row.role ? sql`AND ${rsvps.role} = ${row.role}` : sql``;
  const ahead = await ctx.db.get<{ n: number }>(
    sql`SELECT count(DISTINCT ${rsvps.queueSeq}) AS n FROM ${rsvps} WHERE ${rsvps.eventId} = ${row.eventId} AND ${rsvps.occurrenceKey} = ${row.occurrenceKey} AND ${rsvps.status} = 'waitlisted' AND ${rsvps.queueSeq} < ${row.queueSeq} ${sameLine}`,
  );
  return (ahead?.n ?? 0) + 1;
}

/** Head counts for an event page: everyone may see how full the floor is and its balance. */
export async function attendanceCounts(ctx: Ctx, event: Event, occurrenceKey: string): Promise<AttendanceCounts> {
  const rows = await ctx.db
    .select({ status: rsvps.status, seatedRole: rsvps.seatedRole, role: rsvps.role, n: sql<number>`count(*)` })
    .from(rsvps)
    .where(and(eq(rsvps.eventId, event.id), eq(rsvps.occurrenceKey, occurrenceKey)))
    .groupBy(rsvps.status, rsvps.seatedRole, rsvps.role);
  const sum = (pick: (r: (typeof rows)[number]) => boolean) => rows.filter(pick).reduce((n, r) => n + r.n, 0);
  const going = sum((r) => r.status === "going");
  return {
    going,
    waitlisted: sum((r) => r.status === "waitlisted"),
    interested: sum((r) => r.status === "interested"),
    leaders: sum((r) => r.status === "going" && r.seatedRole === "leader"),
    followers: sum((r) => r.status === "going" && r.seatedRole === "follower"),
    waitlistedLeaders: sum((r) => r.status === "waitlisted" && r.role === "leader"),
    waitlistedFollowers: sum((r) => r.status === "waitlisted" && r.role === "follower"),
    spotsLeft: event.capacity === null ? null : Math.max(0, event.capacity - going),
  };
}

export async function countsForEvent(ctx: Ctx, eventId: string, occurrenceKey: string | undefined, now: Date = new Date()): Promise<AttendanceCounts & { occurrenceKey: string | null }> {
  const event = await loadEvent(ctx, eventId);
  const key = occurrenceKey ?? (await nextOccurrence(ctx, event.id, now))?.occurrenceKey;
  if (!key) return { occurrenceKey: null, going: 0, waitlisted: 0, interested: 0, leaders: 0, followers: 0, waitlistedLeaders: 0, waitlistedFollowers: 0, spotsLeft: event.capacity };
  return { occurrenceKey: key, ...(await attendanceCounts(ctx, event, key)) };
}

export interface AttendeeRow {
  member: { handle: string; displayName: string };
  status: Rsvp["status"];
  role: Rsvp["role"];
  seatedRole: Rsvp["seatedRole"];
  partner: string | null;
  waitlistOrder: number | null;
  registeredAt: string;
}

const attendeeCursor = z.object({ u: z.string().max(64) }).strict();

/** Organizers' view of who is coming: everyone who answered for that date, by handle order of ids. */
export async function listAttendees(
  ctx: Ctx,
  eventId: string,
  { occurrence, limit = 100, cursor }: { occurrence?: string; limit?: number; cursor?: string },
  now: Date = new Date(),
): Promise<{ occurrenceKey: string | null; counts: AttendanceCounts; data: AttendeeRow[]; nextCursor: string | null }> {
  const event = await loadEvent(ctx, eventId);
  await requireOrganizer(ctx, event);
  const key = occurrence ?? (await nextOccurrence(ctx, event.id, now))?.occurrenceKey;
  if (!key) return { occurrenceKey: null, counts: await attendanceCounts(ctx, event, ""), data: [], nextCursor: null };
  const after = cursor !== undefined ? decodeCursor(cursor, attendeeCursor) : undefined;
  if (cursor !== undefined && !after) throw Invalid.field("cursor", "cursor is not a cursor this API issued; start again without it.");
  const { page, nextCursor } = await attendeePage(ctx, event.id, key, limit, after?.u);
  return { occurrenceKey: key, counts: await attendanceCounts(ctx, event, key), data: page, nextCursor };
}

/** Every attendee of one date as CSV: authorized once, then read page by page. */
export async function exportAttendeesCsv(ctx: Ctx, eventId: string, occurrence: string | undefined, now: Date = new Date()): Promise<string> {
  const event = await loadEvent(ctx, eventId);
  await requireOrganizer(ctx, event);
  const key = occurrence ?? (await nextOccurrence(ctx, event.id, now))?.occurrenceKey;
  const rows: AttendeeRow[] = [];
  let after: string | undefined;
  while (key) {
    const { page, last } = await attendeePage(ctx, event.id, key, 500, after);
    rows.push(...page);
    if (!last) break;
    after = last;
  }
  return attendeesCsv(rows);
}

async function attendeePage(ctx: Ctx, eventId: string, occurrenceKey: string, limit: number, afterUserId: string | undefined) {
  const rows = await ctx.db
    .select({ rsvp: rsvps, handle: users.handle, displayName: users.displayName, partnerHandle: sql<string | null>`(SELECT handle FROM users p WHERE p.id = ${rsvps.partnerId})` })
    .from(rsvps)
    .innerJoin(users, eq(users.id, rsvps.userId))
    .where(and(eq(rsvps.eventId, eventId), eq(rsvps.occurrenceKey, occurrenceKey), afterUserId ? gt(rsvps.userId, afterUserId) : undefined))
    .orderBy(asc(rsvps.userId))
    .limit(limit + 1);
  const { page, nextCursor } = keysetPage(rows, limit, (last) => ({ u: last.rsvp.userId }));
  return {
    nextCursor,
    last: rows.length > limit ? page.at(-1)!.rsvp.userId : undefined,
    page: page.map(
      (r): AttendeeRow => ({
        member: { handle: r.handle, displayName: r.displayName },
        status: r.rsvp.status,
        role: r.rsvp.role,
        seatedRole: r.rsvp.status === "going" ? r.rsvp.seatedRole : null,
        partner: r.partnerHandle,
        waitlistOrder: r.rsvp.status === "waitlisted" ? r.rsvp.queueSeq : null,
        registeredAt: r.rsvp.registeredAt,
      }),
    ),
  };
}

/** The attendee list as CSV (RFC 4180), cells that could run as spreadsheet formulas defused. */
export function attendeesCsv(rows: AttendeeRow[]): string {
  const cell = (value: string | number | null) => {
    let text = value === null ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const header = ["handle", "display_name", "status", "role", "seated_role", "partner", "waitlist_order", "registered_at"];
  const lines = rows.map((r) => [r.member.handle, r.member.displayName, r.status, r.role, r.seatedRole, r.partner, r.waitlistOrder, r.registeredAt].map(cell).join(","));
  return [header.join(","), ...lines].join("\r\n") + "\r\n";
}
