import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { events, rsvps, type Rsvp } from "../../db/schema";
import { promoteWaiting, type DanceRole, type WaitingUnit } from "../lib/admission";

export interface RegistrationChange {
  eventId: string;
  occurrenceKey: string;
  userId: string;
  /** "recheck" changes nobody's answer: it admits whoever now fits (after capacity or balance was changed). */
  action: "going" | "interested" | "not_going" | "cancel" | "recheck";
  role: DanceRole | null;
  /** Registering as a couple: the partner is seated on the other side, together with the member. */
  partnerId: string | null;
  now: string;
}

export type RegistrationOutcome =
  | { ok: true; promoted: string[] }
  | { ok: false; status: 409; field: string; message: string };

const ACTIVE = new Set<Rsvp["status"]>(["going", "waitlisted"]);
const opposite = (role: DanceRole | null): DanceRole | null => (role === "leader" ? "follower" : role === "follower" ? "leader" : role);

/**
 * Applies one member's change to one occurrence and admits whoever the change lets in.
 * Must run serialized per event (the EventRegistrar Durable Object does): it reads the
 * whole floor, decides, then writes the difference in one D1 batch.
 */
export async function applyRegistration(db: Database, change: RegistrationChange): Promise<RegistrationOutcome> {
  const event = await db.select({ capacity: events.capacity, tolerance: events.roleBalanceTolerance }).from(events).where(eq(events.id, change.eventId)).get();
  if (!event) return { ok: true, promoted: [] };
  const rows = await db.select().from(rsvps).where(and(eq(rsvps.eventId, change.eventId), eq(rsvps.occurrenceKey, change.occurrenceKey)));
  const byUser = new Map(rows.map((r) => [r.userId, { ...r }]));
  const touched = new Set<string>();
  const removed = new Set<string>();
  const waitingBefore = new Set(rows.filter((r) => r.status === "waitlisted").map((r) => r.userId));

  // Leaving a pair: a partner this member registered leaves too (they never answered
  // themselves); a partner who answered on their own stays, now dancing alone.
  const detach = (row: Rsvp) => {
    const partner = row.partnerId ? byUser.get(row.partnerId) : undefined;
    if (partner && partner.partnerId === row.userId) {
      if (partner.registeredBy === row.userId) {
        byUser.delete(partner.userId);
        removed.add(partner.userId);
      } else {
        partner.partnerId = null;
        touched.add(partner.userId);
      }
    }
    row.partnerId = null;
  };
  const blank = (userId: string): Rsvp => ({
    eventId: change.eventId,
    occurrenceKey: change.occurrenceKey,
    userId,
    status: "interested",
    role: null,
    seatedRole: null,
    partnerId: null,
    registeredBy: userId,
    queueSeq: 0,
    registeredAt: change.now,
    updatedAt: change.now,
  });

  const mine = byUser.get(change.userId);
  if (change.action === "recheck") {
    // Nobody's answer changes; the promotions below do the work.
  } else if (change.action === "cancel") {
    if (!mine) return { ok: true, promoted: [] };
    detach(mine);
    byUser.delete(change.userId);
    removed.add(change.userId);
  } else if (change.action !== "going") {
    const row = mine ?? blank(change.userId);
    detach(row);
    Object.assign(row, { status: change.action, seatedRole: null, queueSeq: 0, role: change.role ?? row.role, registeredBy: change.userId, updatedAt: change.now });
    byUser.set(row.userId, row);
    touched.add(row.userId);
  } else {
    const unchanged = mine && ACTIVE.has(mine.status) && mine.role === change.role && (mine.partnerId ?? null) === change.partnerId;
    if (unchanged && mine.registeredBy !== change.userId) {
      // Registered by their partner, now confirming it themselves: the answer becomes theirs.
      mine.registeredBy = change.userId;
      touched.add(mine.userId);
    }
    if (!unchanged) {
      const existing = change.partnerId ? byUser.get(change.partnerId) : undefined;
      // Someone who has answered for this date (going, waiting, interested or not going)
      // keeps their own answer: nobody can overwrite it by naming them as a partner.
      if (existing && existing.partnerId !== change.userId) {
        return { ok: false, status: 409, field: "partnerHandle", message: "Your partner has already answered for this date; they must withdraw their answer first so you can register as a couple." };
      }
      const partner = change.partnerId ? (existing ?? blank(change.partnerId)) : undefined;
      const row = mine ?? blank(change.userId);
      detach(row);
      if (partner) detach(partner);
      // A changed registration joins the end of the line: changing role is not a way to jump it.
      const queueSeq = [...byUser.values()].reduce((max, r) => Math.max(max, r.queueSeq), 0) + 1;
      Object.assign(row, { status: "waitlisted", role: change.role, seatedRole: null, partnerId: partner?.userId ?? null, registeredBy: change.userId, queueSeq, updatedAt: change.now });
      byUser.set(row.userId, row);
      touched.add(row.userId);
      if (partner) {
        Object.assign(partner, { status: "waitlisted", role: opposite(change.role), seatedRole: null, partnerId: row.userId, registeredBy: existing ? partner.registeredBy : change.userId, queueSeq, updatedAt: change.now });
        byUser.set(partner.userId, partner);
        touched.add(partner.userId);
      }
    }
  }

  const all = [...byUser.values()];
  const going = all.filter((r) => r.status === "going");
  const floor = {
    total: going.length,
    leaders: going.filter((r) => r.seatedRole === "leader").length,
    followers: going.filter((r) => r.seatedRole === "follower").length,
  };
  const admissions = promoteWaiting({ capacity: event.capacity, tolerance: event.tolerance }, floor, waitingUnits(all));
  for (const admission of admissions) {
    admission.userIds.forEach((userId, i) => {
      const row = byUser.get(userId)!;
      Object.assign(row, { status: "going", seatedRole: admission.sides[i] ?? row.role, updatedAt: change.now });
      touched.add(userId);
    });
  }

  const statements = [
    ...[...removed].map((userId) => db.delete(rsvps).where(and(eq(rsvps.eventId, change.eventId), eq(rsvps.occurrenceKey, change.occurrenceKey), eq(rsvps.userId, userId)))),
    ...[...touched].filter((id) => !removed.has(id)).map((userId) => {
      const row = byUser.get(userId)!;
      return db
        .insert(rsvps)
        .values(row)
        .onConflictDoUpdate({
          target: [rsvps.eventId, rsvps.occurrenceKey, rsvps.userId],
          set: { status: row.status, role: row.role, seatedRole: row.seatedRole, partnerId: row.partnerId, registeredBy: row.registeredBy, queueSeq: row.queueSeq, updatedAt: row.updatedAt },
        });
    }),
  ];
  if (statements.length) await db.batch(statements as [(typeof statements)[0], ...typeof statements]);
  const promoted = admissions.flatMap((a) => a.userIds).filter((id) => waitingBefore.has(id));
  return { ok: true, promoted };
}

/** The line, in order; a couple shares one queue number and waits as one unit. */
function waitingUnits(all: Rsvp[]): WaitingUnit[] {
  const waiting = all.filter((r) => r.status === "waitlisted").sort((a, b) => a.queueSeq - b.queueSeq || a.userId.localeCompare(b.userId));
  const seen = new Set<string>();
  const units: WaitingUnit[] = [];
  for (const row of waiting) {
    if (seen.has(row.userId)) continue;
    seen.add(row.userId);
    const partner = row.partnerId ? waiting.find((r) => r.userId === row.partnerId && r.partnerId === row.userId) : undefined;
    if (partner) {
      seen.add(partner.userId);
      units.push({ userIds: [row.userId, partner.userId], roles: [row.role, partner.role] });
    } else {
      units.push({ userIds: [row.userId], roles: [row.role] });
    }
  }
  return units;
}

