import { TZDate } from "@date-fns/tz";
import { tzlib_get_ical_block, tzlib_get_timezones } from "timezones-ical-library";

export type CalendarEventStatus = "CONFIRMED" | "CANCELLED";

export interface CalendarOccurrenceOverride {
  /** The occurrence's original local start, "YYYY-MM-DDTHH:mm", as the RRULE generates it. */
  recurrenceLocal: string;
  startLocal: string;
  endLocal: string;
  title?: string;
}

export interface CalendarEvent {
  /** Stable across edits, e.g. "<eventId>@mundotango". */
  uid: string;
  title: string;
  /** Plain text (see markdownToPlainText), not Markdown or HTML. */
  description?: string;
  url?: string;
  location?: string;
  geo?: { lat: number; lng: number };
  timeZone: string;
  startLocal: string;
  endLocal: string;
  /** An RFC 5545 RRULE value, e.g. "FREQ=WEEKLY;BYDAY=TH;UNTIL=20271231T235959Z". */
  rrule?: string;
  /** Original local starts ("YYYY-MM-DDTHH:mm") of cancelled occurrences. */
  exdates?: string[];
  /** Moved occurrences, published as extra VEVENTs sharing the UID. */
  overrides?: CalendarOccurrenceOverride[];
  status?: CalendarEventStatus;
  sequence?: number;
  /** ISO instant. */
  lastModified?: string;
  /** `url` is the organiser's public page; see organizerLine for why there is no email. */
  organizer?: { name: string; url?: string };
  categories?: string[];
}

export interface CalendarInput {
  name: string;
  description?: string;
  /** The page this calendar mirrors (a city or an event). */
  url?: string;
  /** The calendar's home zone (a city's): shown by Google/Apple as the feed's zone. */
  timeZone?: string;
  refreshIntervalMinutes?: number;
  events: CalendarEvent[];
  now?: Date;
}

const CRLF = "\r\n";
const MAX_LINE_OCTETS = 75;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const RRULE_VALUE = /^FREQ=[A-Z]+(;[A-Z]+=[A-Z0-9,+-]+)*$/;

export function renderCalendar(input: CalendarInput): string {
  const dtstamp = utcDateTime(input.now ?? new Date());
  const zones = new Map<string, string>();
  const events: string[] = [];
  for (const event of input.events) {
    const zone = icalZone(event.timeZone);
    if (zone) zones.set(zone.tzid, zone.vtimezone);
    events.push(...eventLines(event, zone?.tzid, dtstamp));
  }

  const homeZone = icalZone(input.timeZone ?? singleZone(input.events));
  if (homeZone) zones.set(homeZone.tzid, homeZone.vtimezone);
  // RFC 5545's grammar wants at least one component; a VTIMEZONE is the one that changes nothing.
  if (zones.size === 0 && events.length === 0) {
    const utc = icalZone("Etc/UTC");
    if (utc) zones.set(utc.tzid, utc.vtimezone);
  }

  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Mundo Tango//Events//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `NAME:${text(input.name)}`,
    `X-WR-CALNAME:${text(input.name)}`,
  ];
  if (input.description) lines.push(`DESCRIPTION:${text(input.description)}`, `X-WR-CALDESC:${text(input.description)}`);
  const url = httpUrl(input.url);
  if (url) lines.push(`URL:${url}`);
  if (homeZone) lines.push(`X-WR-TIMEZONE:${homeZone.tzid}`);
  const refreshMinutes = input.refreshIntervalMinutes;
  if (refreshMinutes !== undefined && Number.isInteger(refreshMinutes) && refreshMinutes > 0) {
    lines.push(`REFRESH-INTERVAL;VALUE=DURATION:PT${refreshMinutes}M`, `X-PUBLISHED-TTL:PT${refreshMinutes}M`);
  }
  for (const vtimezone of zones.values()) lines.push(...vtimezone.split(/\r?\n/));
  lines.push(...events, "END:VCALENDAR");

  return lines.map(fold).join(CRLF) + CRLF;
}

function eventLines(event: CalendarEvent, tzid: string | undefined, dtstamp: string): string[] {
  const when = (local: string) => dateTime(local, event.timeZone, tzid);
  const common = sharedProperties(event);

  const master = [
    "BEGIN:VEVENT",
    `UID:${text(event.uid)}`,
    `DTSTAMP:${dtstamp}`,
    `DTSTART${when(event.startLocal)}`,
    `DTEND${when(event.endLocal)}`,
    `SUMMARY:${text(event.title)}`,
    ...common,
  ];
  if (event.rrule) {
    if (!RRULE_VALUE.test(event.rrule)) throw new RangeError(`Not an RRULE value: ${JSON.stringify(event.rrule)}`);
    master.push(`RRULE:${event.rrule}`);
    if (event.exdates?.length) master.push(`EXDATE${dateTimeList(event.exdates, event.timeZone, tzid)}`);
  }
  master.push("END:VEVENT");

  const moved = event.rrule
    ? (event.overrides ?? []).flatMap((override) => [
        "BEGIN:VEVENT",
        `UID:${text(event.uid)}`,
        `DTSTAMP:${dtstamp}`,
        `RECURRENCE-ID${when(override.recurrenceLocal)}`,
        `DTSTART${when(override.startLocal)}`,
        `DTEND${when(override.endLocal)}`,
        `SUMMARY:${text(override.title ?? event.title)}`,
        ...common,
        "END:VEVENT",
      ])
    : [];

  return [...master, ...moved];
}

function sharedProperties(event: CalendarEvent): string[] {
  const lines: string[] = [];
  if (event.description) lines.push(`DESCRIPTION:${text(event.description)}`);
  const url = httpUrl(event.url);
  if (url) lines.push(`URL:${url}`);
  if (event.location) lines.push(`LOCATION:${text(event.location)}`);
  const geo = geoValue(event.geo);
  if (geo) lines.push(`GEO:${geo}`);
  if (event.status === "CONFIRMED" || event.status === "CANCELLED") lines.push(`STATUS:${event.status}`);
  if (event.sequence !== undefined && Number.isInteger(event.sequence) && event.sequence >= 0) {
    lines.push(`SEQUENCE:${event.sequence}`);
  }
  const lastModified = event.lastModified ? new Date(event.lastModified) : undefined;
  if (lastModified && !Number.isNaN(lastModified.getTime())) lines.push(`LAST-MODIFIED:${utcDateTime(lastModified)}`);
  const organizer = organizerLine(event);
  if (organizer) lines.push(organizer);
  const categories = (event.categories ?? []).map(text).filter(Boolean);
  if (categories.length) lines.push(`CATEGORIES:${categories.join(",")}`);
  return lines;
}

// ORGANIZER's value must be a URI and we never publish members' email addresses, so it
// points at the organiser's page, or failing that the event's page, where they are named.
function organizerLine(event: CalendarEvent): string | undefined {
  if (!event.organizer) return undefined;
  const address = httpUrl(event.organizer.url) ?? httpUrl(event.url);
  if (!address) return undefined;
  // A quoted parameter value cannot contain DQUOTE at all.
  const name = sanitize(event.organizer.name).replace(/\n/g, " ").replace(/"/g, "'").trim();
  return name ? `ORGANIZER;CN="${name}":${address}` : `ORGANIZER:${address}`;
}

/** ";TZID=…:YYYYMMDDTHHMMSS", or ":YYYYMMDDTHHMMSSZ" for a zone we have no VTIMEZONE for. */
function dateTime(local: string, timeZone: string, tzid: string | undefined): string {
  return tzid ? `;TZID=${tzid}:${floatingDateTime(local)}` : `:${utcDateTime(localToInstant(local, timeZone))}`;
}

function dateTimeList(locals: string[], timeZone: string, tzid: string | undefined): string {
  const values = tzid ? locals.map(floatingDateTime) : locals.map((local) => utcDateTime(localToInstant(local, timeZone)));
  return `${tzid ? `;TZID=${tzid}` : ""}:${values.join(",")}`;
}

function floatingDateTime(local: string): string {
  const [, year, month, day, hour, minute] = parseLocal(local);
  return `${year}${month}${day}T${hour}${minute}00`;
}

function localToInstant(local: string, timeZone: string): Date {
  const [, year, month, day, hour, minute] = parseLocal(local);
  const instant = new TZDate(+year, +month - 1, +day, +hour, +minute, timeZone);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`Unknown time zone: ${JSON.stringify(timeZone)}`);
  return new Date(instant.getTime());
}

function parseLocal(local: string): [string, string, string, string, string, string] {
  const match = LOCAL_DATE_TIME.exec(local);
  if (!match) throw new RangeError(`Not a local date-time "YYYY-MM-DDTHH:mm": ${JSON.stringify(local)}`);
  return match as unknown as [string, string, string, string, string, string];
}

function utcDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}/, "").replace(/[-:]/g, "");
}

let knownZones: Set<string> | undefined;
const vtimezones = new Map<string, { tzid: string; vtimezone: string } | undefined>();

/**
 * The VTIMEZONE for an IANA zone, under the library's canonical TZID (aliases such as
 * Africa/Accra come back as Africa/Abidjan), or undefined when the library lacks the zone.
 */
function icalZone(timeZone: string | undefined): { tzid: string; vtimezone: string } | undefined {
  if (!timeZone) return undefined;
  if (vtimezones.has(timeZone)) return vtimezones.get(timeZone);
  // Checked first because the library console.errors on every unknown zone.
  knownZones ??= new Set(tzlib_get_timezones() as string[]);
  let zone: { tzid: string; vtimezone: string } | undefined;
  if (knownZones.has(timeZone)) {
    const block = tzlib_get_ical_block(timeZone);
    if (Array.isArray(block) && block[0] && block[1]?.startsWith("TZID=")) {
      zone = { tzid: block[1].slice("TZID=".length), vtimezone: block[0] };
    }
  }
  vtimezones.set(timeZone, zone);
  return zone;
}

function singleZone(events: CalendarEvent[]): string | undefined {
  const zones = new Set(events.map((event) => event.timeZone));
  return zones.size === 1 ? [...zones][0] : undefined;
}

function geoValue(geo: CalendarEvent["geo"]): string | undefined {
  if (!geo) return undefined;
  const { lat, lng } = geo;
  if (!Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return undefined;
  return `${+lat.toFixed(6)};${+lng.toFixed(6)}`;
}

function httpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    // The URL parser drops tabs and newlines and percent-encodes other controls, so href
    // can never end the content line.
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Line breaks become "\n", other controls and lone surrogates go, so text never leaves its line. */
function sanitize(value: string): string {
  return value
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, "\n")
    .replace(/\t/g, " ")
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "")
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

/** An RFC 5545 TEXT value. */
function text(value: string): string {
  return sanitize(value).replace(/[\\;,]/g, (char) => `\\${char}`).replace(/\n/g, "\\n");
}

/** Folds a content line at 75 octets of UTF-8, never inside a character. */
function fold(line: string): string {
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  let limit = MAX_LINE_OCTETS;
  for (const char of line) {
    const size = utf8Octets(char.codePointAt(0) ?? 0);
    if (octets + size > limit) {
      parts.push(current);
      current = "";
      octets = 0;
      limit = MAX_LINE_OCTETS - 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

function utf8Octets(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}
