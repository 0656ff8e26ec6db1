/**
 * Wall-clock times in a venue's IANA time zone, and the instants they name.
 *
 * A `startLocal` is "YYYY-MM-DDTHH:mm" with no zone; a "floating" Date is that wall-clock
 * reading stored as if it were UTC, which makes calendar arithmetic (add a day, a month,
 * 90 minutes) free of DST surprises. Only `localToInstant` and `instantToLocal` know zones.
 */

export interface LocalDateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

// The IANA geographic areas. Legacy names like "EST5EDT", "EST" or "Etc/GMT+3" (whose sign is
// inverted) name no place and confuse calendar clients, so a venue must use a city zone or UTC.
const IANA_AREAS = new Set(["Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"]);
const ZONE_SEGMENT = /^[A-Z][A-Za-z0-9_+-]*$/;

/**
 * True for "UTC" and for Area/Location zones (e.g. "America/Argentina/Buenos_Aires") that this
 * runtime's Intl knows, spelled with their canonical capitalisation. False for offsets ("+03:00"),
 * POSIX-style legacy zones ("EST5EDT", "EST"), "Etc/…" zones, unknown names and anything over 64 chars.
 */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== "string" || timeZone.length === 0 || timeZone.length > 64) return false;
  if (timeZone !== "UTC") {
    const [area, ...locations] = timeZone.split("/");
    if (!area || !IANA_AREAS.has(area) || locations.length === 0 || !locations.every((s) => ZONE_SEGMENT.test(s))) return false;
  }
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  // Intl matches names case-insensitively; a stored zone must be spelled the way tz data spells it.
  return resolved.toLowerCase() !== timeZone.toLowerCase() || resolved === timeZone;
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::00)?$/;

/** Strict "YYYY-MM-DDTHH:mm" (":00" seconds tolerated), calendar-valid, hours 00–23; otherwise undefined. */
export function parseLocalDateTime(value: string): LocalDateTimeParts | undefined {
  const match = typeof value === "string" ? LOCAL_DATE_TIME.exec(value) : null;
  if (!match) return undefined;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59) return undefined;
  return { year, month, day, hour, minute };
}

export function formatLocalDateTime(parts: LocalDateTimeParts): string {
  const { year, month, day, hour, minute } = parts;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}`;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(floatingMs(year, month + 1, 0, 0, 0)).getUTCDate();
}

/** The wall-clock reading as a Date whose UTC fields are the local fields. Throws RangeError if malformed. */
export function localToFloating(local: string): Date {
  const parts = parseLocalDateTime(local);
  if (!parts) throw new RangeError(`Not a local date-time (YYYY-MM-DDTHH:mm): ${JSON.stringify(local)}`);
  return new Date(floatingMs(parts.year, parts.month, parts.day, parts.hour, parts.minute));
}

export function floatingToLocal(floating: Date): string {
  return formatLocalDateTime({
    year: floating.getUTCFullYear(),
    month: floating.getUTCMonth() + 1,
    day: floating.getUTCDate(),
    hour: floating.getUTCHours(),
    minute: floating.getUTCMinutes(),
  });
}

/** Calendar arithmetic on the wall clock: "2027-03-27T21:00" + 300 → "2027-03-28T02:00", whatever DST does that night. */
export function addMinutesLocal(local: string, minutes: number): string {
  return floatingToLocal(new Date(localToFloating(local).getTime() + minutes * MINUTE_MS));
}

/** Wall-clock minutes from `fromLocal` to `toLocal` (negative when `toLocal` is earlier). */
export function minutesBetweenLocal(fromLocal: string, toLocal: string): number {
  return Math.round((localToFloating(toLocal).getTime() - localToFloating(fromLocal).getTime()) / MINUTE_MS);
}

/**
 * The instant a wall-clock reading names in `timeZone`, resolved like RFC 5545 (3.3.5):
 * a time skipped by a DST gap is read with the offset from before the gap, so it moves forward
 * by the gap's length (02:30 on Berlin's spring-forward night → 03:30 CEST); a time that occurs
 * twice in a DST overlap means the first occurrence (the earlier instant).
 */
export function localToInstant(startLocal: string, timeZone: string): Date {
  const floating = localToFloating(startLocal).getTime();
  // Offsets are within ±14 h, so a day either side is safely before and after any transition.
  const offsetBefore = offsetMs(floating - DAY_MS, timeZone);
  const offsetAfter = offsetMs(floating + DAY_MS, timeZone);
  const candidates = [floating - offsetBefore, floating - offsetAfter].filter((instant) => instant + offsetMs(instant, timeZone) === floating);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  return new Date(floating - offsetBefore);
}

/** The wall-clock reading ("YYYY-MM-DDTHH:mm", seconds dropped) of an instant in `timeZone`. */
export function instantToLocal(instant: Date | string, timeZone: string): string {
  const ms = typeof instant === "string" ? Date.parse(instant) : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`Not an instant: ${JSON.stringify(instant)}`);
  return floatingToLocal(new Date(ms + offsetMs(ms, timeZone)));
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** How far the zone's wall clock is ahead of UTC at `instantMs`, in ms (whole seconds). */
function offsetMs(instantMs: number, timeZone: string): number {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instantMs)) fields[part.type] = part.value;
  const year = fields.era === "BC" || fields.era === "B" ? 1 - Number(fields.year) : Number(fields.year);
  const wall = floatingMs(year, Number(fields.month), Number(fields.day), Number(fields.hour), Number(fields.minute)) + Number(fields.second) * 1000;
  return wall - Math.floor(instantMs / 1000) * 1000;
}

function floatingMs(year: number, month: number, day: number, hour: number, minute: number): number {
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, 0, 0);
  return date.getTime();
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}
