import type { TicketCodeCheck } from "../../worker/lib/ticket-code";

// The door page's offline logic, kept free of React, the DOM and the network so it can be
// unit-tested in workerd: storage and the request that syncs are passed in.

/** A ticket as the door knows it: from the server's list, possibly used since. */
export interface DoorTicket {
  id: string;
  usedAt: string | null;
}

/** An admission made while the server could not be reached, waiting to be posted. */
export interface QueuedCheckIn {
  ticketId: string;
  code: string;
  checkedInAt: string;
}

/** The part of `localStorage` the queue uses. */
export type QueueStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export function queueStorageKey(eventId: string): string {
  return `mt:check-in-queue:${eventId}`;
}

/** What this browser still has to send; anything unreadable (another version, a hand edit) is dropped. */
export function loadQueue(storage: QueueStorage, eventId: string): QueuedCheckIn[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(storage.getItem(queueStorageKey(eventId)) ?? "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (item): item is QueuedCheckIn =>
      typeof item === "object" && item !== null && typeof item.ticketId === "string" && typeof item.code === "string" && typeof item.checkedInAt === "string",
  );
}

export function saveQueue(storage: QueueStorage, eventId: string, queue: readonly QueuedCheckIn[]): void {
  if (queue.length === 0) storage.removeItem(queueStorageKey(eventId));
  else storage.setItem(queueStorageKey(eventId), JSON.stringify(queue));
}

/** A ticket is queued once: the first admission is the one that counts. */
export function enqueue(queue: readonly QueuedCheckIn[], entry: QueuedCheckIn): QueuedCheckIn[] {
  return queue.some((item) => item.ticketId === entry.ticketId) ? [...queue] : [...queue, entry];
}

export interface UsedTicket {
  usedAt: string;
  /** Admitted at this door while offline and not yet confirmed by the server. */
  pending: boolean;
}

/**
 * Who is in, from three sources: the server's list as loaded, admissions the server confirmed
 * since, and the offline queue. The server's word wins over a pending local one.
 */
export function usedTickets(tickets: readonly DoorTicket[], confirmed: Readonly<Record<string, string>>, queue: readonly QueuedCheckIn[]): Map<string, UsedTicket> {
  const used = new Map<string, UsedTicket>();
  for (const item of queue) used.set(item.ticketId, { usedAt: item.checkedInAt, pending: true });
  for (const [ticketId, usedAt] of Object.entries(confirmed)) used.set(ticketId, { usedAt, pending: false });
  for (const ticket of tickets) if (ticket.usedAt) used.set(ticket.id, { usedAt: ticket.usedAt, pending: false });
  return used;
}

export type CheckInDecision =
  | { kind: "admit"; ticketId: string }
  | { kind: "already"; ticketId: string; usedAt: string; pending: boolean }
  | { kind: "other-event" }
  | { kind: "invalid" };

/**
 * What the door says before asking the server. A code that verifies and names this event is
 * admitted even if the ticket is missing from the loaded list: only we can sign codes, so it was
 * bought after the list loaded.
 */
export function decideCheckIn(check: TicketCodeCheck, eventId: string, used: ReadonlyMap<string, UsedTicket>): CheckInDecision {
  if (!check.ok) return { kind: "invalid" };
  if (check.ticket.eventId !== eventId) return { kind: "other-event" };
  const earlier = used.get(check.ticket.ticketId);
  if (earlier) return { kind: "already", ticketId: check.ticket.ticketId, ...earlier };
  return { kind: "admit", ticketId: check.ticket.ticketId };
}

/** How the server answered one queued admission. */
export type SyncOutcome = { kind: "admitted"; usedAt: string } | { kind: "already"; usedAt: string } | { kind: "rejected"; status: number } | { kind: "retry" };

/**
 * 200 admitted, 409 admitted earlier (at another door, or a sync that got through before the
 * answer was lost): both settle the entry. 400/404/422 will never succeed: dropped, and reported.
 * 401/403 (session over), 429 and 5xx keep it for the next try.
 */
export function syncOutcome(status: number, usedAt: string | null | undefined, fallbackUsedAt: string): SyncOutcome {
  if (status === 200) return { kind: "admitted", usedAt: usedAt ?? fallbackUsedAt };
  if (status === 409) return { kind: "already", usedAt: usedAt ?? fallbackUsedAt };
  if (status === 400 || status === 404 || status === 422) return { kind: "rejected", status };
  return { kind: "retry" };
}

/** The instant named in a 409's "already used at …" message, if it names one. */
export function usedAtFromConflict(problem: { detail?: string; errors?: { message?: string }[] } | null | undefined): string | undefined {
  const text = [problem?.errors?.[0]?.message, problem?.detail].filter(Boolean).join(" ");
  const match = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/.exec(text);
  return match?.[0];
}

export interface SyncReport {
  remaining: QueuedCheckIn[];
  settled: { ticketId: string; usedAt: string }[];
  rejected: { ticketId: string; status: number }[];
}

/**
 * Posts the queue oldest first. The first entry that must be retried stops the run and keeps
 * itself and everything after it, so a dropped connection mid-sync loses nothing.
 */
export async function syncQueue(queue: readonly QueuedCheckIn[], send: (item: QueuedCheckIn) => Promise<SyncOutcome>): Promise<SyncReport> {
  const report: SyncReport = { remaining: [], settled: [], rejected: [] };
  for (const [index, item] of queue.entries()) {
    let outcome: SyncOutcome;
    try {
      outcome = await send(item);
    } catch {
      outcome = { kind: "retry" };
    }
    if (outcome.kind === "retry") {
      report.remaining = queue.slice(index);
      break;
    }
    if (outcome.kind === "rejected") report.rejected.push({ ticketId: item.ticketId, status: outcome.status });
    else report.settled.push({ ticketId: item.ticketId, usedAt: outcome.usedAt });
  }
  return report;
}

/**
 * Entries to keep after a sync: what the sync left, plus whatever was queued while it ran
 * (another admission, or another tab writing the same storage).
 */
export function afterSync(current: readonly QueuedCheckIn[], sent: readonly QueuedCheckIn[], report: SyncReport): QueuedCheckIn[] {
  const sentIds = new Set(sent.map((item) => item.ticketId));
  return [...report.remaining, ...current.filter((item) => !sentIds.has(item.ticketId))];
}

/** "21:14" on the venue's clock, with the date when it was not today there. */
export function formatCheckInTime(usedAt: string, timeZone: string, now = new Date()): string {
  const at = new Date(usedAt);
  const day = new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  const time = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
  if (day.format(at) === day.format(now)) return time;
  const date = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short" }).format(at);
  return `${date}, ${time}`;
}
