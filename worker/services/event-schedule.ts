import { Invalid, type FieldError } from "../errors";
import { isValidTimeZone, localToInstant, parseLocalDateTime } from "../lib/local-time";
import { parseRecurrenceRule } from "../lib/recurrence";

/** Festivals and marathons run a few days; nothing runs longer. Also bounds listing look-backs. */
export const MAX_EVENT_DAYS = 14;
/** Nobody announces a milonga further ahead; it also keeps every date of a series inside what Intl can format. */
export const MAX_YEARS_AHEAD = 5;

export interface ScheduleInput {
  start: string;
  end: string;
  timeZone: string;
  rrule?: string | null;
  now: Date;
  /** Editing an event that already started may keep its start in the past. */
  allowPastStart?: boolean;
}

export interface Schedule {
  startsAt: string;
  endsAt: string;
  recurrenceRule: string | null;
}

/**
 * Local venue times plus an IANA zone → UTC instants, with every mistake reported against
 * the field a form shows it on: `timeZone`, `start`, `end`, `recurrence.rrule`.
 */
export function validateSchedule(input: ScheduleInput): Schedule {
  const errors: FieldError[] = [];
  if (!isValidTimeZone(input.timeZone)) {
    throw Invalid.field("timeZone", `"${input.timeZone.slice(0, 64)}" is not an IANA time zone; use one such as Europe/Berlin or America/Argentina/Buenos_Aires.`);
  }
  if (!parseLocalDateTime(input.start)) errors.push({ path: "start", message: "start is not a date and time that exists, e.g. 2027-03-12T21:00" });
  if (!parseLocalDateTime(input.end)) errors.push({ path: "end", message: "end is not a date and time that exists, e.g. 2027-03-13T02:00" });
  if (errors.length) throw new Invalid(errors);

  const startsAt = localToInstant(input.start, input.timeZone);
  const endsAt = localToInstant(input.end, input.timeZone);
  if (!input.allowPastStart && startsAt.getTime() < input.now.getTime()) errors.push({ path: "start", message: "start is in the past" });
  if (startsAt.getTime() > input.now.getTime() + MAX_YEARS_AHEAD * 365 * 86_400_000) errors.push({ path: "start", message: `start must be within ${MAX_YEARS_AHEAD} years from now` });
  if (endsAt.getTime() <= startsAt.getTime()) errors.push({ path: "end", message: "end must be later than start" });
  else if (endsAt.getTime() - startsAt.getTime() > MAX_EVENT_DAYS * 86_400_000) errors.push({ path: "end", message: `an event may last at most ${MAX_EVENT_DAYS} days` });

  let recurrenceRule: string | null = null;
  if (input.rrule) {
    const parsed = parseRecurrenceRule(input.rrule, input.timeZone);
    if (parsed.ok) recurrenceRule = parsed.rule.rrule;
    else errors.push({ path: "recurrence.rrule", message: parsed.message });
  }
  if (errors.length) throw new Invalid(errors);
  return { startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), recurrenceRule };
}
