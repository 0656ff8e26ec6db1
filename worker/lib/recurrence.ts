import {
  addMinutesLocal,
  daysInMonth,
  formatLocalDateTime,
  instantToLocal,
  isValidTimeZone,
  localToInstant,
  minutesBetweenLocal,
  parseLocalDateTime,
  type LocalDateTimeParts,
} from "./local-time";

/**
 * Repeating events: the subset of RFC 5545 RRULE that tango calendars need (weekly and monthly,
 * by weekday, nth weekday or day of month), expanded on the venue's wall clock so a 21:00 milonga
 * stays at 21:00 local across DST changes.
 *
 * The expansion is our own rather than rrule.js: the subset is small, and rrule.js's ESM build
 * uses extensionless imports that workerd cannot load in unit tests.
 */

export type Weekday = "MO" | "TU" | "WE" | "TH" | "FR" | "SA" | "SU";

/** A BYDAY entry: every `weekday`, or with `ordinal` the nth (1..5) or nth-from-last (-1..-5) one of the month. */
export interface WeekdayRule {
  weekday: Weekday;
  ordinal?: number;
}

export interface RecurrenceRule {
  /** Canonical RFC 5545 RRULE value (no "RRULE:" prefix), safe to store and to emit in iCalendar. */
  rrule: string;
  freq: "WEEKLY" | "MONTHLY";
  interval: number;
  byDay: WeekdayRule[];
  byMonthDay: number[];
  bySetPos: number[];
  /** Last instant an occurrence may start at (inclusive), as RFC 5545's UNTIL. */
  until?: Date;
  /** Number of occurrences, DTSTART included. */
  count?: number;
}

export type ParsedRecurrenceRule = { ok: true; rule: RecurrenceRule } | { ok: false; message: string };

export interface OccurrenceOverride {
  /** The occurrence's original startLocal. */
  occurrenceKey: string;
  cancelled?: boolean;
  startLocal?: string;
  endLocal?: string;
}

export type OccurrenceStatus = "scheduled" | "moved" | "cancelled";

export interface Occurrence {
  /** The original startLocal the rule produced, e.g. "2027-03-12T21:00": the stable id for cancelling or moving it. */
  occurrenceKey: string;
  startLocal: string;
  endLocal: string;
  startsAt: string;
  endsAt: string;
  status: OccurrenceStatus;
}

export interface Series {
  rrule: string;
  /** DTSTART: the first occurrence. */
  startLocal: string;
  endLocal: string;
  timeZone: string;
}

export interface ExpandSeriesInput extends Series {
  from: Date;
  to: Date;
  overrides?: OccurrenceOverride[];
  /** Return cancelled occurrences with status "cancelled" instead of dropping them. */
  includeCancelled?: boolean;
  /** At most this many occurrences, the earliest first. Default 1000. */
  limit?: number;
}

export const MAX_RRULE_LENGTH = 256;
export const MAX_COUNT = 520;
export const MAX_INTERVAL = 12;
const DEFAULT_LIMIT = 1000;

const WEEKDAYS: readonly Weekday[] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const SUPPORTED_PARTS = new Set(["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "UNTIL", "COUNT"]);
const TIME_OF_DAY_PARTS = new Set(["BYHOUR", "BYMINUTE", "BYSECOND"]);
const OTHER_RFC_PARTS = new Set(["BYMONTH", "BYYEARDAY", "BYWEEKNO", "WKST", "RSCALE", "SKIP"]);
const RFC_FREQUENCIES = new Set(["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"]);

class RuleError extends Error {}

/**
 * Parses and normalizes an RRULE (optionally prefixed "RRULE:"). Messages are written for the
 * person who typed the rule. `timeZone` is the venue's: a date-only UNTIL (20271231) means
 * "through the end of that local day", and a floating one (20271231T210000) is local time; both
 * are stored as UTC, which RFC 5545 requires next to a DTSTART with a TZID.
 */
export function parseRecurrenceRule(rrule: string, timeZone = "UTC"): ParsedRecurrenceRule {
  try {
    return { ok: true, rule: parseOrThrow(rrule, timeZone) };
  } catch (error) {
    if (error instanceof RuleError) return { ok: false, message: error.message };
    throw error;
  }
}

function parseOrThrow(input: string, timeZone: string): RecurrenceRule {
  if (typeof input !== "string") throw new RuleError("The repeat rule must be text such as FREQ=WEEKLY;BYDAY=TH");
  if (input.length > MAX_RRULE_LENGTH) throw new RuleError(`The repeat rule is too long (at most ${MAX_RRULE_LENGTH} characters)`);
  const body = input.trim().replace(/^RRULE:/i, "").toUpperCase();
  if (body === "") throw new RuleError("The repeat rule is empty; try FREQ=WEEKLY;BYDAY=TH");

  const parts = new Map<string, string>();
  for (const part of body.split(";")) {
    const match = /^([A-Z-]+)=([^=]+)$/.exec(part);
    if (!match) throw new RuleError(`"${part}" is malformed: a rule is NAME=VALUE parts separated by ";", e.g. FREQ=WEEKLY;BYDAY=TH`);
    const [, name, value] = match as unknown as [string, string, string];
    if (TIME_OF_DAY_PARTS.has(name)) throw new RuleError(`${name} is not allowed: the time of day comes from the event's start time`);
    if (OTHER_RFC_PARTS.has(name)) throw new RuleError(`${name} is not supported; use FREQ=WEEKLY or FREQ=MONTHLY with BYDAY, BYMONTHDAY or BYSETPOS`);
    if (!SUPPORTED_PARTS.has(name)) throw new RuleError(`Unknown part ${name}`);
    if (parts.has(name)) throw new RuleError(`${name} appears more than once`);
    parts.set(name, value);
  }

  const freq = parts.get("FREQ");
  if (freq === undefined) throw new RuleError("FREQ is required: FREQ=WEEKLY or FREQ=MONTHLY");
  if (freq !== "WEEKLY" && freq !== "MONTHLY") {
    throw new RuleError(RFC_FREQUENCIES.has(freq) ? `Only weekly and monthly repeats are supported, not FREQ=${freq}` : `FREQ=${freq} is not a frequency; use FREQ=WEEKLY or FREQ=MONTHLY`);
  }

  const interval = parts.has("INTERVAL") ? wholeNumber("INTERVAL", parts.get("INTERVAL")!, 1, MAX_INTERVAL) : 1;
  if (parts.has("UNTIL") && parts.has("COUNT")) throw new RuleError("Use UNTIL or COUNT, not both");
  const count = parts.has("COUNT") ? wholeNumber("COUNT", parts.get("COUNT")!, 1, MAX_COUNT) : undefined;
  const until = parts.has("UNTIL") ? parseUntil(parts.get("UNTIL")!, timeZone) : undefined;

  const byDay = parts.has("BYDAY") ? parseByDay(parts.get("BYDAY")!, freq) : [];
  const byMonthDay = parts.has("BYMONTHDAY") ? parseByMonthDay(parts.get("BYMONTHDAY")!, freq, byDay) : [];
  const bySetPos = parts.has("BYSETPOS") ? parseBySetPos(parts.get("BYSETPOS")!, freq, byDay) : [];

  const canonical = [`FREQ=${freq}`];
  if (interval !== 1) canonical.push(`INTERVAL=${interval}`);
  if (byDay.length > 0) canonical.push(`BYDAY=${byDay.map((d) => `${d.ordinal ?? ""}${d.weekday}`).join(",")}`);
  if (byMonthDay.length > 0) canonical.push(`BYMONTHDAY=${byMonthDay.join(",")}`);
  if (bySetPos.length > 0) canonical.push(`BYSETPOS=${bySetPos.join(",")}`);
  if (until) canonical.push(`UNTIL=${until.toISOString().replace(/[-:]|\.\d{3}/g, "")}`);
  if (count !== undefined) canonical.push(`COUNT=${count}`);

  return { rrule: canonical.join(";"), freq, interval, byDay, byMonthDay, bySetPos, until, count };
}

function wholeNumber(name: string, value: string, min: number, max: number): number {
  const n = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw new RuleError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}

function parseUntil(value: string, timeZone: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(value);
  const invalid = new RuleError("UNTIL must be a date like 20271231 or a UTC time like 20271231T235959Z");
  if (!match) throw invalid;
  const [, y, mo, d, h, mi, s, z] = match as unknown as [string, string, string, string, string?, string?, string?, string?];
  const date = parseLocalDateTime(`${y}-${mo}-${d}T${h ?? "00"}:${mi ?? "00"}`);
  if (!date || Number(s ?? 0) > 59) throw invalid;
  if (h === undefined) {
    const nextMidnight = addMinutesLocal(formatLocalDateTime(date), 24 * 60);
    return new Date(localToInstant(nextMidnight, timeZone).getTime() - 1000);
  }
  const seconds = Number(s) * 1000;
  if (z) return new Date(Date.UTC(date.year, date.month - 1, date.day, date.hour, date.minute) + seconds);
  return new Date(localToInstant(formatLocalDateTime(date), timeZone).getTime() + seconds);
}

function parseByDay(value: string, freq: RecurrenceRule["freq"]): WeekdayRule[] {
  const seen = new Set<string>();
  const days = value.split(",").map((item): WeekdayRule => {
    const match = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(item);
    if (!match) throw new RuleError(`BYDAY "${item}" is not a weekday; use MO, TU, WE, TH, FR, SA, SU, optionally with an ordinal such as 2SA or -1FR`);
    const weekday = match[2] as Weekday;
    if (match[1] === undefined) {
      if (seen.has(weekday)) throw new RuleError(`BYDAY lists ${weekday} more than once`);
      seen.add(weekday);
      return { weekday };
    }
    const ordinal = Number(match[1]);
    if (freq === "WEEKLY") throw new RuleError(`BYDAY=${item} needs FREQ=MONTHLY; weekly rules take plain weekdays like BYDAY=${weekday}`);
    if (ordinal === 0 || Math.abs(ordinal) > 5) throw new RuleError(`BYDAY=${item}: the ordinal must be 1 to 5, or -1 to -5 counting from the end of the month`);
    const key = `${ordinal}${weekday}`;
    if (seen.has(key)) throw new RuleError(`BYDAY lists ${key} more than once`);
    seen.add(key);
    return { weekday, ordinal };
  });
  const withOrdinal = days.filter((d) => d.ordinal !== undefined).length;
  if (withOrdinal > 0 && withOrdinal < days.length) throw new RuleError("BYDAY mixes every-week days (SA) with nth-of-month days (2SA); use one kind");
  return days.sort((a, b) => WEEKDAYS.indexOf(a.weekday) - WEEKDAYS.indexOf(b.weekday) || positionOrder(a.ordinal ?? 0) - positionOrder(b.ordinal ?? 0));
}

function parseByMonthDay(value: string, freq: RecurrenceRule["freq"], byDay: WeekdayRule[]): number[] {
  if (freq !== "MONTHLY") throw new RuleError("BYMONTHDAY needs FREQ=MONTHLY");
  if (byDay.length > 0) throw new RuleError("Use BYDAY or BYMONTHDAY, not both");
  return signedList("BYMONTHDAY", value, 31, "1 to 31, or -1 to -31 counting from the end of the month");
}

function parseBySetPos(value: string, freq: RecurrenceRule["freq"], byDay: WeekdayRule[]): number[] {
  const [only] = byDay;
  if (freq !== "MONTHLY" || byDay.length !== 1 || only?.ordinal !== undefined) {
    throw new RuleError("BYSETPOS needs FREQ=MONTHLY and one weekday in BYDAY, e.g. FREQ=MONTHLY;BYDAY=SA;BYSETPOS=2");
  }
  return signedList("BYSETPOS", value, 5, "1 to 5, or -1 to -5 counting from the end of the month");
}

function signedList(name: string, value: string, max: number, range: string): number[] {
  const seen = new Set<number>();
  for (const item of value.split(",")) {
    const n = /^[+-]?\d{1,2}$/.test(item) ? Number(item) : NaN;
    if (!(n !== 0 && Math.abs(n) <= max)) throw new RuleError(`${name} "${item}" is out of range: use ${range}`);
    if (seen.has(n)) throw new RuleError(`${name} lists ${n} more than once`);
    seen.add(n);
  }
  return [...seen].sort((a, b) => positionOrder(a) - positionOrder(b));
}

/** Positive positions first, then negative ones in calendar order (-2 before -1). */
function positionOrder(n: number): number {
  return n > 0 ? n : 100 + n;
}

/**
 * Every occurrence of the series whose start instant lies in [from, to) — half-open, so adjacent
 * windows never return an occurrence twice — sorted by startsAt, then occurrenceKey.
 *
 * DTSTART is always the first occurrence and counts toward COUNT, even when it does not match the
 * rule (RFC 5545 3.8.5.3; see `startFollowsRule` to refuse such series instead). Each occurrence
 * keeps the series' wall-clock duration; a start or end that falls into a DST gap moves forward
 * by the gap, one in an overlap means the earlier instant (see `localToInstant`).
 *
 * Overrides: the last override for a key wins; a cancelled occurrence is dropped, or returned
 * with status "cancelled" when `includeCancelled`; a moved one is returned at its new time with
 * status "moved" whenever the new start is in range, wherever the original was; an override whose
 * key the series never produces, or whose new end is not after its new start, is ignored.
 *
 * Throws RangeError for a series that is not valid (bad rule, zone or times).
 */
export function expandSeries(input: ExpandSeriesInput): Occurrence[] {
  const series = compileSeries(input);
  const { timeZone } = input;
  const fromMs = input.from.getTime();
  const toMs = input.to.getTime();
  const limit = input.limit ?? DEFAULT_LIMIT;
  if (!(fromMs < toMs) || limit <= 0) return [];

  const overrides = new Map<string, OccurrenceOverride>();
  for (const override of input.overrides ?? []) overrides.set(override.occurrenceKey, override);

  // A day either side covers every zone offset between the window's instants and its local dates.
  const fromDay = dayNumber(instantToLocal(input.from, timeZone)) - 1;
  const toDay = dayNumber(instantToLocal(input.to, timeZone)) + 1;
  const keys = new Set(occurrenceKeys(series, fromDay, toDay));
  for (const [key, override] of overrides) {
    if (!keys.has(key) && (override.startLocal !== undefined || override.endLocal !== undefined) && isOccurrenceKey(series, key)) keys.add(key);
  }

  const occurrences: Occurrence[] = [];
  for (const key of keys) {
    const occurrence = applyOverride(series, key, overrides.get(key));
    if (occurrence.status === "cancelled" && !input.includeCancelled) continue;
    const startsAtMs = Date.parse(occurrence.startsAt);
    if (startsAtMs >= fromMs && startsAtMs < toMs) occurrences.push(occurrence);
  }
  occurrences.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.occurrenceKey.localeCompare(b.occurrenceKey));
  return occurrences.slice(0, limit);
}

/** The occurrence the series produces for `occurrenceKey` (its original startLocal), or undefined if it produces none. */
export function findOccurrence(series: Series, occurrenceKey: string): Occurrence | undefined {
  const compiled = compileSeries(series);
  return isOccurrenceKey(compiled, occurrenceKey) ? applyOverride(compiled, occurrenceKey, undefined) : undefined;
}

/** Whether `startLocal` is itself a date the rule produces (RFC 5545 says DTSTART "SHOULD be synchronized" with it). */
export function startFollowsRule(rule: RecurrenceRule, startLocal: string): boolean {
  const start = parseLocalDateTime(startLocal);
  if (!start) return false;
  const day = dayNumberOf(start);
  return ruleMatchesDay(rule, day, day);
}

interface CompiledSeries {
  rule: RecurrenceRule;
  start: LocalDateTimeParts;
  startDay: number;
  durationMinutes: number;
  timeZone: string;
}

function compileSeries(series: Series): CompiledSeries {
  if (!isValidTimeZone(series.timeZone)) throw new RangeError(`Not a time zone: ${JSON.stringify(series.timeZone)}`);
  const parsed = parseRecurrenceRule(series.rrule, series.timeZone);
  if (!parsed.ok) throw new RangeError(`Not a supported RRULE (${parsed.message}): ${JSON.stringify(series.rrule)}`);
  const start = parseLocalDateTime(series.startLocal);
  if (!start || !parseLocalDateTime(series.endLocal)) throw new RangeError("startLocal and endLocal must be YYYY-MM-DDTHH:mm");
  const durationMinutes = minutesBetweenLocal(series.startLocal, series.endLocal);
  if (durationMinutes <= 0) throw new RangeError("endLocal must be after startLocal");
  return { rule: parsed.rule, start, startDay: dayNumberOf(start), durationMinutes, timeZone: series.timeZone };
}

function applyOverride(series: CompiledSeries, key: string, override: OccurrenceOverride | undefined): Occurrence {
  const originalEnd = addMinutesLocal(key, series.durationMinutes);
  let startLocal = key;
  let endLocal = originalEnd;
  if (override?.startLocal !== undefined || override?.endLocal !== undefined) {
    const movedStart = override.startLocal ?? key;
    const movedEnd = override.endLocal ?? (parseLocalDateTime(movedStart) ? addMinutesLocal(movedStart, series.durationMinutes) : "");
    if (parseLocalDateTime(movedStart) && parseLocalDateTime(movedEnd) && minutesBetweenLocal(movedStart, movedEnd) > 0) {
      startLocal = movedStart;
      endLocal = movedEnd;
    }
  }
  const moved = startLocal !== key || endLocal !== originalEnd;
  const status: OccurrenceStatus = override?.cancelled ? "cancelled" : moved ? "moved" : "scheduled";
  return { occurrenceKey: key, ...toInstants(startLocal, endLocal, series.timeZone), status };
}

function toInstants(startLocal: string, endLocal: string, timeZone: string): Pick<Occurrence, "startLocal" | "endLocal" | "startsAt" | "endsAt"> {
  const startsAt = localToInstant(startLocal, timeZone);
  let endsAt = localToInstant(endLocal, timeZone);
  // Only when the start fell into a DST gap and moved past the end: keep the wall-clock length instead.
  if (endsAt <= startsAt) endsAt = new Date(startsAt.getTime() + minutesBetweenLocal(startLocal, endLocal) * 60_000);
  return {
    startLocal: instantToLocal(startsAt, timeZone),
    endLocal: instantToLocal(endsAt, timeZone),
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
  };
}

function isOccurrenceKey(series: CompiledSeries, key: string): boolean {
  const parts = parseLocalDateTime(key);
  if (!parts || parts.hour !== series.start.hour || parts.minute !== series.start.minute) return false;
  const day = dayNumberOf(parts);
  return occurrenceKeys(series, day, day).includes(key);
}

/** Original startLocals of the series on local days [fromDay, toDay], ascending. */
function occurrenceKeys(series: CompiledSeries, fromDay: number, toDay: number): string[] {
  const { rule, start, startDay, timeZone } = series;
  const keyOf = (day: number) => formatLocalDateTime({ ...partsOfDay(day), hour: start.hour, minute: start.minute });
  const keys: string[] = [];
  let emitted = 0;
  const emit = (day: number): boolean => {
    if (day > toDay) return false;
    const key = keyOf(day);
    if (day !== startDay && rule.until && localToInstant(key, timeZone) > rule.until) return false;
    if (day >= fromDay) keys.push(key);
    emitted += 1;
    return rule.count === undefined || emitted < rule.count;
  };
  if (!emit(startDay)) return keys;

  // Without COUNT nothing before the window matters, so jump to the period containing fromDay.
  const skipTo = rule.count === undefined ? Math.max(startDay, fromDay) : startDay;
  if (rule.freq === "WEEKLY") {
    const startWeek = weekNumber(startDay);
    const weekdays = rule.byDay.length > 0 ? rule.byDay.map((d) => WEEKDAYS.indexOf(d.weekday)) : [weekdayIndex(startDay)];
    for (let week = startWeek + Math.floor((weekNumber(skipTo) - startWeek) / rule.interval) * rule.interval; ; week += rule.interval) {
      const monday = week * 7 - 3;
      if (monday > toDay) return keys;
      for (const weekday of weekdays) {
        const day = monday + weekday;
        if (day > startDay && !emit(day)) return keys;
      }
    }
  }
  const startMonth = monthNumberOfDay(startDay);
  for (let month = startMonth + Math.floor((monthNumberOfDay(skipTo) - startMonth) / rule.interval) * rule.interval; ; month += rule.interval) {
    if (firstDayOfMonth(month) > toDay) return keys;
    for (const day of monthlyDays(rule, month, startDay)) {
      if (day > startDay && !emit(day)) return keys;
    }
  }
}

/** The days of `month` (months since year 0) a MONTHLY rule selects, ascending. */
function monthlyDays(rule: RecurrenceRule, month: number, startDay: number): number[] {
  const first = firstDayOfMonth(month);
  const length = daysInMonth(Math.floor(month / 12), (month % 12) + 1);
  const pick = (positions: number[], from: number[]) =>
    positions.map((p) => (p > 0 ? from[p - 1] : from[from.length + p])).filter((d): d is number => d !== undefined);

  let days: number[];
  if (rule.byMonthDay.length > 0) {
    days = pick(rule.byMonthDay, Array.from({ length }, (_, i) => first + i));
  } else if (rule.byDay.length > 0) {
    days = rule.byDay.flatMap(({ weekday, ordinal }) => {
      const offset = (WEEKDAYS.indexOf(weekday) - weekdayIndex(first) + 7) % 7;
      const matching: number[] = [];
      for (let day = first + offset; day < first + length; day += 7) matching.push(day);
      return ordinal === undefined ? matching : pick([ordinal], matching);
    });
    if (rule.bySetPos.length > 0) days = pick(rule.bySetPos, [...new Set(days)].sort((a, b) => a - b));
  } else {
    const dayOfMonth = partsOfDay(startDay).day;
    days = dayOfMonth <= length ? [first + dayOfMonth - 1] : [];
  }
  return [...new Set(days)].sort((a, b) => a - b);
}

function ruleMatchesDay(rule: RecurrenceRule, day: number, startDay: number): boolean {
  if (rule.freq === "WEEKLY") return rule.byDay.length === 0 || rule.byDay.some((d) => WEEKDAYS.indexOf(d.weekday) === weekdayIndex(day));
  return monthlyDays(rule, monthNumberOfDay(day), startDay).includes(day);
}

function dayNumber(local: string): number {
  return dayNumberOf(parseLocalDateTime(local)!);
}

function dayNumberOf(parts: Pick<LocalDateTimeParts, "year" | "month" | "day">): number {
  const date = new Date(0);
  date.setUTCFullYear(parts.year, parts.month - 1, parts.day);
  return Math.round(date.getTime() / 86_400_000);
}

function partsOfDay(day: number): { year: number; month: number; day: number } {
  const date = new Date(day * 86_400_000);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** 0 = Monday; day 0 (1970-01-01) was a Thursday. */
function weekdayIndex(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** Weeks run Monday to Sunday (RFC 5545's default WKST=MO). */
function weekNumber(day: number): number {
  return Math.floor((day + 3) / 7);
}

function monthNumberOfDay(day: number): number {
  const { year, month } = partsOfDay(day);
  return year * 12 + month - 1;
}

function firstDayOfMonth(month: number): number {
  return dayNumberOf({ year: Math.floor(month / 12), month: (month % 12) + 1, day: 1 });
}

const WEEKDAY_NAMES: Record<"en" | "es", Record<Weekday, string>> = {
  en: { MO: "Monday", TU: "Tuesday", WE: "Wednesday", TH: "Thursday", FR: "Friday", SA: "Saturday", SU: "Sunday" },
  es: { MO: "lunes", TU: "martes", WE: "miércoles", TH: "jueves", FR: "viernes", SA: "sábado", SU: "domingo" },
};

const ORDINALS: Record<"en" | "es", Record<number, string>> = {
  en: { 1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", [-1]: "last", [-2]: "second-to-last", [-3]: "third-to-last", [-4]: "fourth-to-last", [-5]: "fifth-to-last" },
  es: { 1: "primer", 2: "segundo", 3: "tercer", 4: "cuarto", 5: "quinto", [-1]: "último", [-2]: "penúltimo", [-3]: "antepenúltimo", [-4]: "cuarto", [-5]: "quinto" },
};

/**
 * A short sentence for the rule: "Every Thursday", "Every 2nd Saturday of the month",
 * "Cada último viernes del mes". `timeZone` is the venue's, for the date in "until …".
 */
export function describeRecurrence(rule: RecurrenceRule, locale: "en" | "es", timeZone = "UTC"): string {
  const en = locale === "en";
  const days = WEEKDAY_NAMES[locale];
  const ordinals = ORDINALS[locale];
  const and = en ? " and " : " y ";
  const list = (items: string[]) => (items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")}${and}${items.at(-1)}`);
  const every = (unit: "week" | "month") =>
    rule.interval === 1
      ? en ? `Every ${unit}` : unit === "week" ? "Cada semana" : "Cada mes"
      : en ? `Every ${rule.interval} ${unit}s` : `Cada ${rule.interval} ${unit === "week" ? "semanas" : "meses"}`;

  const nthWeekdays: WeekdayRule[] = rule.bySetPos.length > 0 ? rule.bySetPos.map((ordinal) => ({ weekday: rule.byDay[0]!.weekday, ordinal })) : rule.byDay;
  const plainDays = nthWeekdays.filter((d) => d.ordinal === undefined).map((d) => days[d.weekday]);
  let text: string;
  if (plainDays.length > 0) {
    const dayList = list(plainDays);
    if (rule.interval === 1) text = en ? `Every ${dayList}` : `Cada ${dayList}`;
    else if (rule.freq === "WEEKLY") text = en ? `${every("week")} on ${dayList}` : `${every("week")}, ${plainDays.length > 1 ? "los" : "el"} ${dayList}`;
    else text = `${en ? "Every" : "Cada"} ${dayList}, ${every("month").toLowerCase()}`;
  } else if (nthWeekdays.length > 0) {
    // Spanish has no single word for "fourth-to-last", so those read "cuarto viernes desde el final".
    const farFromEnd = (p: number) => !en && p <= -4;
    const groups = groupByWeekday(nthWeekdays).flatMap(({ weekday, positions }) => [
      ...(positions.some((p) => !farFromEnd(p)) ? [`${list(positions.filter((p) => !farFromEnd(p)).map((p) => ordinals[p]!))} ${days[weekday]}`] : []),
      ...positions.filter(farFromEnd).map((p) => `${ordinals[p]} ${days[weekday]} desde el final`),
    ]);
    if (rule.interval === 1) text = en ? `Every ${list(groups)} of the month` : `Cada ${list(groups)} del mes`;
    else text = en ? `${every("month")} on the ${list(groups)}` : `${every("month")}, el ${list(groups)}`;
  } else if (rule.byMonthDay.length > 0) {
    const monthDays = rule.byMonthDay.map((n) =>
      en ? (n > 0 ? `the ${englishOrdinal(n)}` : `the ${ordinals[n] ?? `${englishOrdinal(-n)}-to-last`} day`) : n > 0 ? `el día ${n}` : n >= -3 ? `el ${ordinals[n]} día` : `el día ${-n}.º desde el final`,
    );
    text = en ? `${every("month")} on ${list(monthDays)}` : `${every("month")}, ${list(monthDays)}`;
  } else {
    text = every(rule.freq === "WEEKLY" ? "week" : "month");
  }

  if (rule.count !== undefined) text += en ? `, ${rule.count} ${rule.count === 1 ? "time" : "times"}` : `, ${rule.count} ${rule.count === 1 ? "vez" : "veces"}`;
  if (rule.until) {
    const date = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone }).format(rule.until);
    text += en ? `, until ${date}` : `, hasta el ${date}`;
  }
  return text;
}

function groupByWeekday(rules: WeekdayRule[]): { weekday: Weekday; positions: number[] }[] {
  const groups: { weekday: Weekday; positions: number[] }[] = [];
  for (const { weekday, ordinal } of rules) {
    const group = groups.find((g) => g.weekday === weekday) ?? groups[groups.push({ weekday, positions: [] }) - 1]!;
    group.positions.push(ordinal!);
  }
  return groups;
}

function englishOrdinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${suffix}`;
}
