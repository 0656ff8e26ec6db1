import { useEffect, useId, useState } from "react";
import { Form } from "react-router";
import { eventTypes, lineupRoles, type EventType, type LineupRole } from "../../db/schema/event-types";
import type { FieldError } from "../../worker/errors";
import { instantToLocal } from "../../worker/lib/local-time";
import type { CityDto } from "../../worker/schemas/cities";
import type { EventDetail } from "../../worker/schemas/events";
import { EVENT_TYPE_LABELS } from "../lib/format";
import type { FormProblems } from "../lib/form-problems";
import { LabelledControl } from "./form-field";
import { LabelledSelect } from "./labelled-select";

/**
 * The one form for creating and editing an event. Its field names are the paths of
 * `createEventInput` / `updateEventInput` (title, venue.city, recurrence.rrule, …), so an
 * error from the schema or the service lands next to the field it is about. What the
 * member typed travels as plain strings (`EventFormValues`) and is rendered back on error.
 */
export type EventFormValues = Record<string, string>;

export interface VenueOption {
  id: string;
  name: string;
  address: string;
}

export const EMPTY_LINEUP_ROWS = 3;
const MAX_LINEUP_ROWS = 40;

const LINEUP_LABELS: Record<LineupRole, string> = { dj: "DJ", teacher: "Teacher", orchestra: "Orchestra", performer: "Performer" };

/** Currencies offered in the select; any other ISO 4217 code already stored is offered too. */
export const CURRENCIES = ["EUR", "USD", "ARS", "BRL", "GBP", "CHF", "JPY", "KRW", "TRY", "AUD", "CAD", "MXN", "CLP", "UYU", "COP", "PLN", "CZK", "HUF", "SEK", "NOK", "DKK", "ILS", "ZAR", "NZD", "SGD", "HKD", "TWD", "CNY", "INR", "RUB"];

const COMMON_TIME_ZONES = [
  "America/Argentina/Buenos_Aires",
  "America/Montevideo",
  "America/Sao_Paulo",
  "America/Santiago",
  "America/Mexico_City",
  "America/New_York",
  "America/Chicago",
  "America/Denver",
  "America/Los_Angeles",
  "Europe/Lisbon",
  "Europe/London",
  "Europe/Paris",
  "Europe/Berlin",
  "Europe/Madrid",
  "Europe/Rome",
  "Europe/Amsterdam",
  "Europe/Istanbul",
  "Europe/Moscow",
  "Africa/Johannesburg",
  "Asia/Tokyo",
  "Asia/Seoul",
  "Asia/Shanghai",
  "Asia/Singapore",
  "Australia/Sydney",
  "Pacific/Auckland",
  "UTC",
];

// ---- Reading the form back -------------------------------------------------------------

/** Every text field of a submitted form (files left out), as the form renders them back. */
export function formValues(form: FormData): EventFormValues {
  const values: EventFormValues = {};
  for (const [name, value] of form) if (typeof value === "string" && name !== "intent" && !name.startsWith("lineup.")) values[name] = value;
  // Line-up rows left empty are dropped and the rest renumbered, so `lineup.2.name` in an
  // error names the row the member sees as the third one when the form comes back.
  let row = 0;
  for (let i = 0; i < MAX_LINEUP_ROWS; i++) {
    const field = (part: string) => {
      const value = form.get(`lineup.${i}.${part}`);
      return typeof value === "string" ? value : "";
    };
    if (!field("name").trim() && !field("handle").trim()) continue;
    for (const part of ["role", "name", "handle"]) values[`lineup.${row}.${part}`] = field(part);
    row++;
  }
  return values;
}

const WEEKDAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"] as const;
const LOCAL_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})/;

function weekdayOf(localDate: string): { weekday: (typeof WEEKDAYS)[number]; nth: number } | undefined {
  const match = LOCAL_DATE.exec(localDate);
  if (!match) return undefined;
  const day = Number(match[3]);
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, day));
  if (Number.isNaN(date.getTime())) return undefined;
  return { weekday: WEEKDAYS[date.getUTCDay()]!, nth: Math.ceil(day / 7) };
}

/** The fraction digits of a currency as Intl knows them (JPY 0, EUR 2, KWD 3); undefined if unknown. */
export function currencyDigits(currency: string): number | undefined {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return undefined;
  }
}

/** The repeat choices as an RRULE: weekly on the start's weekday, monthly on its nth weekday, or typed. */
function recurrenceFrom(values: EventFormValues, errors: FieldError[]): { rrule: string } | null {
  const repeat = values.repeat ?? "none";
  if (repeat === "none") return null;
  let rrule: string;
  if (repeat === "custom") {
    rrule = (values["recurrence.rrule"] ?? "").trim().replace(/^RRULE:/i, "");
    if (!rrule) {
      errors.push({ path: "recurrence.rrule", message: "Type a rule such as FREQ=WEEKLY;BYDAY=TH, or choose another repeat option." });
      return null;
    }
  } else {
    const start = weekdayOf(values.start ?? "");
    if (!start) return null; // the start field reports its own mistake
    // "The 5th Saturday" exists only in some months: it is the last one of the month.
    rrule = repeat === "weekly" ? `FREQ=WEEKLY;BYDAY=${start.weekday}` : `FREQ=MONTHLY;BYDAY=${start.nth === 5 ? -1 : start.nth}${start.weekday}`;
  }
  const until = (values.repeatUntil ?? "").trim();
  const count = (values.repeatCount ?? "").trim();
  if (until && count) errors.push({ path: "repeatCount", message: "Give an end date or a number of dates, not both." });
  else if (until) {
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(until)) errors.push({ path: "repeatUntil", message: "The end date must be a date such as 2027-12-31." });
    else rrule += `;UNTIL=${until.replaceAll("-", "")}`;
  } else if (count) {
    if (!/^[0-9]{1,3}$/.test(count) || Number(count) < 1) errors.push({ path: "repeatCount", message: "The number of dates must be a whole number of at least 1." });
    else rrule += `;COUNT=${Number(count)}`;
  }
  return { rrule };
}

function priceFrom(values: EventFormValues, errors: FieldError[]) {
  const amount = (values["price.amount"] ?? "").trim();
  const currency = (values["price.currency"] ?? "").trim().toUpperCase();
  if (amount === "") return null;
  const match = /^([0-9]{1,9})(?:[.,]([0-9]{1,4}))?$/.exec(amount);
  if (!match) {
    errors.push({ path: "price.amount", message: "Enter the price as a number such as 15 or 12.50, or leave it empty for a free event." });
    return undefined;
  }
  const digits = currencyDigits(currency);
  // An unknown currency is reported by the schema, on the currency field.
  if (digits === undefined) return { amountMinor: 0, currency };
  const fraction = match[2] ?? "";
  if (fraction.replace(/0+$/, "").length > digits) {
    errors.push({ path: "price.amount", message: digits === 0 ? `${currency} has no cents: enter a whole amount.` : `${currency} has at most ${digits} decimals.` });
    return undefined;
  }
  return { amountMinor: Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, "0").slice(0, digits) || "0"), currency };
}

function numberOrNull(value: string | undefined): number | null {
  const text = (value ?? "").trim();
  return text === "" ? null : Number(text);
}

/**
 * The form's strings in the shape of `createEventInput` (and `updateEventInput`: every
 * field is sent, `null` clears). Mistakes only the form can make (an amount in the wrong
 * format, both an end date and a count) come back as field errors; the schema judges the rest.
 */
export function eventInputFromForm(values: EventFormValues): { input: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const text = (name: string) => (values[name] ?? "").trim();
  const venueId = text("venue.id");
  const lat = numberOrNull(values["venue.lat"]);
  const lng = numberOrNull(values["venue.lng"]);
  const venue = venueId
    ? { id: venueId }
    : {
        name: text("venue.name"),
        address: text("venue.address"),
        city: text("venue.city"),
        ...(lat === null ? {} : { lat }),
        ...(lng === null ? {} : { lng }),
      };
  const lineup = [];
  for (let i = 0; i < MAX_LINEUP_ROWS; i++) {
    const name = text(`lineup.${i}.name`);
    const handle = text(`lineup.${i}.handle`);
    if (!name && !handle) continue;
    lineup.push({ role: text(`lineup.${i}.role`), name, ...(handle ? { handle } : {}) });
  }
  const balanced = values.roleBalance === "on";
  const tolerance = numberOrNull(values["roleBalance.tolerance"]);
  const input: Record<string, unknown> = {
    title: text("title"),
    type: text("type"),
    description: (values.description ?? "").trim(),
    venue,
    start: text("start"),
    end: text("end"),
    ...(text("timeZone") ? { timeZone: text("timeZone") } : {}),
    recurrence: recurrenceFrom(values, errors),
    capacity: numberOrNull(values.capacity),
    roleBalance: balanced ? { tolerance: tolerance ?? 0 } : null,
    lineup,
    price: priceFrom(values, errors),
    priceNote: text("priceNote") || null,
    coOrganizers: text("coOrganizers")
      .split(/[\s,]+/)
      .filter(Boolean),
  };
  if (input.price === undefined) delete input.price;
  return { input, errors };
}

/** An event as the form's strings, for the edit page. */
export function eventFormValues(event: EventDetail, coOrganizers: string[]): EventFormValues {
  const values: EventFormValues = {
    title: event.title,
    type: event.type,
    description: event.description,
    "venue.id": event.venue.id,
    "venue.city": event.city.slug,
    start: event.startLocal,
    end: event.endLocal,
    timeZone: event.timeZone,
    repeat: "none",
    capacity: event.capacity?.toString() ?? "",
    roleBalance: event.roleBalance ? "on" : "",
    "roleBalance.tolerance": event.roleBalance?.tolerance.toString() ?? "",
    "price.amount": "",
    "price.currency": event.price?.currency ?? "EUR",
    priceNote: event.priceNote ?? "",
    coOrganizers: coOrganizers.join(", "),
  };
  if (event.price) {
    const digits = currencyDigits(event.price.currency) ?? 2;
    values["price.amount"] = (event.price.amountMinor / 10 ** digits).toFixed(digits);
  }
  event.lineup.forEach((entry, i) => {
    values[`lineup.${i}.role`] = entry.role;
    values[`lineup.${i}.name`] = entry.name;
    values[`lineup.${i}.handle`] = entry.handle ?? "";
  });
  if (event.recurrence) Object.assign(values, repeatValues(event.recurrence.rrule, event.startLocal, event.timeZone));
  return values;
}

/** A stored rule back as the repeat choices: weekly or monthly when it is exactly what they build, else custom. */
function repeatValues(rrule: string, startLocal: string, timeZone: string): EventFormValues {
  const parts = new Map(rrule.split(";").map((part) => part.split("=") as [string, string]));
  const until = parts.get("UNTIL");
  const count = parts.get("COUNT");
  parts.delete("UNTIL");
  parts.delete("COUNT");
  const core = [...parts].map(([k, v]) => `${k}=${v}`).join(";");
  const start = weekdayOf(startLocal);
  const ends: EventFormValues = {
    repeatCount: count ?? "",
    // UNTIL is stored as the UTC end of the chosen local day: show that local day.
    repeatUntil: until ? instantToLocal(new Date(until.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z")), timeZone).slice(0, 10) : "",
  };
  if (start && core === `FREQ=WEEKLY;BYDAY=${start.weekday}`) return { repeat: "weekly", ...ends };
  if (start && core === `FREQ=MONTHLY;BYDAY=${start.nth === 5 ? -1 : start.nth}${start.weekday}`) return { repeat: "monthly", ...ends };
  return { repeat: "custom", "recurrence.rrule": rrule };
}

/**
 * zod reports a wrong venue as one "invalid union" problem; the member chose one branch (an
 * existing venue or a new one), so show that branch's problems on its own fields.
 */
export function problemsFromIssues(issues: readonly { path: PropertyKey[]; message: string; code?: string; errors?: unknown }[], values: EventFormValues): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String).join(".");
    if (issue.code === "invalid_union" && path === "venue" && Array.isArray(issue.errors)) {
      const branch = (issue.errors as { path: PropertyKey[]; message: string }[][])[values["venue.id"] ? 0 : 1] ?? [];
      for (const inner of branch) out.push({ path: ["venue", ...inner.path.map(String)].join("."), message: inner.message });
      if (branch.length) continue;
    }
    out.push({ path, message: issue.message });
  }
  return out;
}

// ---- Showing it ------------------------------------------------------------------------

/** Which form field shows a problem reported at `path`. */
function fieldFor(path: string): string {
  if (path === "price.amountMinor" || path === "price") return "price.amount";
  if (path === "recurrence" || path === "recurrence.rrule") return "recurrence.rrule";
  if (path === "roleBalance" || path === "roleBalance.tolerance") return "roleBalance.tolerance";
  if (path.startsWith("coOrganizers")) return "coOrganizers";
  if (path === "venue" || path === "venue.id") return "venue.id";
  return path;
}

function errorsByField(problems: FormProblems | undefined): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const [path, message] of Object.entries(problems?.fields ?? {})) byField[fieldFor(path)] ??= message;
  return byField;
}

const inputClass = (error?: string) => `w-full rounded-lg border bg-white px-3 py-2 text-base text-ink ${error ? "border-red-600" : "border-stone-300"}`;

function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  children: (props: { id: string; "aria-describedby"?: string; "aria-invalid"?: true; className: string }) => React.ReactNode;
}) {
  const id = useId();
  return (
    <LabelledControl id={id} label={label} error={error} hint={hint}>
      {({ describedBy, invalid }) => children({ id, "aria-describedby": describedBy, "aria-invalid": invalid, className: inputClass(error) })}
    </LabelledControl>
  );
}

function Section({ legend, children, hint }: { legend: string; children: React.ReactNode; hint?: string }) {
  return (
    <fieldset className="flex flex-col gap-4 rounded-xl border border-stone-200 p-4">
      <legend className="px-1 font-display text-lg font-semibold text-tango-900">{legend}</legend>
      {hint && <p className="-mt-2 text-sm text-stone-600">{hint}</p>}
      {children}
    </fieldset>
  );
}

function describeMonthly(start: string | undefined): string {
  const at = start ? weekdayOf(start) : undefined;
  if (!at) return "Monthly, on the same weekday of the month (e.g. every 2nd Saturday)";
  const names: Record<string, string> = { SU: "Sunday", MO: "Monday", TU: "Tuesday", WE: "Wednesday", TH: "Thursday", FR: "Friday", SA: "Saturday" };
  const nth = at.nth === 5 ? "last" : ["1st", "2nd", "3rd", "4th"][at.nth - 1];
  return `Monthly, every ${nth} ${names[at.weekday]}`;
}

function describeWeekly(start: string | undefined): string {
  const at = start ? weekdayOf(start) : undefined;
  const names: Record<string, string> = { SU: "Sunday", MO: "Monday", TU: "Tuesday", WE: "Wednesday", TH: "Thursday", FR: "Friday", SA: "Saturday" };
  return at ? `Weekly, every ${names[at.weekday]}` : "Weekly, on the start's weekday";
}

export function EventForm({
  values,
  problems,
  cities,
  venues,
  venueCity,
  coverUrl,
  submitLabel,
}: {
  values: EventFormValues;
  problems?: FormProblems;
  cities: CityDto[];
  venues: VenueOption[];
  /** The city whose venues the venue select offers. */
  venueCity: string;
  coverUrl?: string | null;
  submitLabel: string;
}) {
  const errors = errorsByField(problems);
  const v = (name: string) => values[name] ?? "";
  const filledRows = Object.keys(values).filter((k) => /^lineup\.[0-9]+\.name$/.test(k)).length;
  const [lineupRows, setLineupRows] = useState(Math.min(MAX_LINEUP_ROWS, filledRows + EMPTY_LINEUP_ROWS));
  const currencies = v("price.currency") && !CURRENCIES.includes(v("price.currency")) ? [v("price.currency"), ...CURRENCIES] : CURRENCIES;
  const zones = [...new Set([...cities.map((c) => c.timeZone), ...COMMON_TIME_ZONES])].sort();
  const city = cities.find((c) => c.slug === venueCity);
  const problemList = Object.entries(problems?.fields ?? {});
  const zonesId = useId();
  // "Add a row" needs JavaScript; without it the form already offers three empty rows.
  const [canAddRows, setCanAddRows] = useState(false);
  useEffect(() => setCanAddRows(true), []);

  return (
    <Form method="post" encType="multipart/form-data" className="flex flex-col gap-6" noValidate>
      {(problemList.length > 0 || problems?.form) && (
        <div role="alert" className="rounded-xl border border-red-200 bg-red-50 p-4 text-sm text-red-800">
          <p className="font-semibold">{problems?.form ?? "Some fields need another look; nothing was saved. Your entries are kept below."}</p>
          {problemList.length > 0 && (
            <ul className="mt-1 list-disc pl-5">
              {problemList.map(([path, message]) => (
                <li key={path}>{message}</li>
              ))}
            </ul>
          )}
        </div>
      )}

      <Section legend="What">
        <Field label="Title" error={errors.title}>
          {(p) => <input {...p} name="title" type="text" required maxLength={140} defaultValue={v("title")} />}
        </Field>
        <Field label="Type" error={errors.type}>
          {(p) => (
            <select {...p} name="type" defaultValue={v("type") || "milonga"}>
              {eventTypes.map((type: EventType) => (
                <option key={type} value={type}>
                  {EVENT_TYPE_LABELS[type]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Description" error={errors.description} hint="Markdown works: **bold**, *italic*, lists and links.">
          {(p) => <textarea {...p} name="description" rows={6} maxLength={10_000} defaultValue={v("description")} />}
        </Field>
      </Section>

      <Section legend="Where" hint={`Choose a venue in ${city?.name ?? "the city"} or enter a new one.`}>
        <Field label={`Venue in ${city?.name ?? "this city"}`} error={errors["venue.id"]}>
          {(p) => (
            <select {...p} name="venue.id" defaultValue={v("venue.id")}>
              <option value="">A new venue (enter it below)</option>
              {venues.map((venue) => (
                <option key={venue.id} value={venue.id}>
                  {`${venue.name} — ${venue.address}`}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset className="flex flex-col gap-3 rounded-lg bg-stone-50 p-3">
          <legend className="text-sm font-semibold text-stone-700">New venue</legend>
          <Field label="Venue name" error={errors["venue.name"]}>
            {(p) => <input {...p} name="venue.name" type="text" maxLength={120} defaultValue={v("venue.name")} />}
          </Field>
          <Field label="Address" error={errors["venue.address"]}>
            {(p) => <input {...p} name="venue.address" type="text" maxLength={200} autoComplete="street-address" defaultValue={v("venue.address")} />}
          </Field>
          <Field label="City" error={errors["venue.city"]}>
            {(p) => (
              <select {...p} name="venue.city" defaultValue={v("venue.city") || venueCity}>
                {cities.map((c) => (
                  <option key={c.slug} value={c.slug}>
                    {`${c.name}, ${c.country}`}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div className="grid gap-3 sm:grid-cols-2">
            <Field label="Latitude (optional)" error={errors["venue.lat"]} hint="Degrees, e.g. -34.5889">
              {(p) => <input {...p} name="venue.lat" type="number" step="any" min={-90} max={90} defaultValue={v("venue.lat")} />}
            </Field>
            <Field label="Longitude (optional)" error={errors["venue.lng"]} hint="Degrees, e.g. -58.4243">
              {(p) => <input {...p} name="venue.lng" type="number" step="any" min={-180} max={180} defaultValue={v("venue.lng")} />}
            </Field>
          </div>
        </fieldset>
      </Section>

      <Section legend="When" hint="Local time at the venue.">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Starts" error={errors.start}>
            {(p) => <input {...p} name="start" type="datetime-local" required defaultValue={v("start")} />}
          </Field>
          <Field label="Ends" error={errors.end}>
            {(p) => <input {...p} name="end" type="datetime-local" required defaultValue={v("end")} />}
          </Field>
        </div>
        <Field label="Time zone" error={errors.timeZone} hint={`An IANA zone such as Europe/Berlin. Leave empty for the city's own${city ? ` (${city.timeZone})` : ""}.`}>
          {(p) => <input {...p} name="timeZone" type="text" list={zonesId} maxLength={64} autoComplete="off" defaultValue={v("timeZone")} />}
        </Field>
        <datalist id={zonesId}>
          {zones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <fieldset className="flex flex-col gap-3 rounded-lg bg-stone-50 p-3">
          <legend className="text-sm font-semibold text-stone-700">Repeat</legend>
          <Field label="Repeats" error={errors.repeat}>
            {(p) => (
              <select {...p} name="repeat" defaultValue={v("repeat") || "none"}>
                <option value="none">Does not repeat</option>
                <option value="weekly">{describeWeekly(values.start)}</option>
                <option value="monthly">{describeMonthly(values.start)}</option>
                <option value="custom">Custom rule (RRULE)</option>
              </select>
            )}
          </Field>
          <Field label="Custom rule" error={errors["recurrence.rrule"]} hint="Only with “Custom rule”, e.g. FREQ=MONTHLY;BYDAY=1FR,3FR or FREQ=WEEKLY;INTERVAL=2;BYDAY=WE.">
            {(p) => <input {...p} name="recurrence.rrule" type="text" maxLength={256} autoComplete="off" spellCheck={false} defaultValue={v("recurrence.rrule")} />}
          </Field>
          <div className="grid gap-3 sm:grid-cols-2">
            <Field label="Repeat until (optional)" error={errors.repeatUntil}>
              {(p) => <input {...p} name="repeatUntil" type="date" defaultValue={v("repeatUntil")} />}
            </Field>
            <Field label="Or number of dates (optional)" error={errors.repeatCount}>
              {(p) => <input {...p} name="repeatCount" type="number" min={1} max={520} step={1} defaultValue={v("repeatCount")} />}
            </Field>
          </div>
        </fieldset>
      </Section>

      <Section legend="Places and price">
        <Field label="Capacity (optional)" error={errors.capacity} hint="How many dancers fit; leave empty for no limit.">
          {(p) => <input {...p} name="capacity" type="number" min={1} step={1} defaultValue={v("capacity")} />}
        </Field>
        <fieldset className="flex flex-col gap-3 rounded-lg bg-stone-50 p-3">
          <legend className="text-sm font-semibold text-stone-700">Role balance</legend>
          <div className="flex items-center gap-2">
            <input id="roleBalance" name="roleBalance" type="checkbox" defaultChecked={v("roleBalance") === "on"} className="h-5 w-5 accent-tango-600" />
            <label htmlFor="roleBalance" className="text-sm text-stone-700">
              Balance leaders and followers
            </label>
          </div>
          <Field label="Tolerance" error={errors["roleBalance.tolerance"]} hint="How many more of one role than the other may register.">
            {(p) => <input {...p} name="roleBalance.tolerance" type="number" min={0} max={100} step={1} defaultValue={v("roleBalance.tolerance") || "2"} />}
          </Field>
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Price (optional)" error={errors["price.amount"]} hint="e.g. 15 or 12.50; leave empty if it is free.">
            {(p) => <input {...p} name="price.amount" type="text" inputMode="decimal" defaultValue={v("price.amount")} />}
          </Field>
          <Field label="Currency" error={errors["price.currency"]}>
            {(p) => (
              <select {...p} name="price.currency" defaultValue={v("price.currency") || "EUR"}>
                {currencies.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field label="Price note (optional)" error={errors.priceNote} hint="e.g. students €10, includes a class">
          {(p) => <input {...p} name="priceNote" type="text" maxLength={200} defaultValue={v("priceNote")} />}
        </Field>
      </Section>

      <Section legend="Line-up" hint="DJs, teachers, orchestras and performers. Empty rows are ignored.">
        {errors.lineup && <p className="text-sm text-red-700">{errors.lineup}</p>}
        {Array.from({ length: lineupRows }, (_, i) => (
          <fieldset key={i} className="grid gap-3 rounded-lg bg-stone-50 p-3 sm:grid-cols-3">
            <legend className="sr-only">Line-up entry {i + 1}</legend>
            <Field label={`Role ${i + 1}`} error={errors[`lineup.${i}.role`]}>
              {(p) => (
                <select {...p} name={`lineup.${i}.role`} defaultValue={v(`lineup.${i}.role`) || "dj"}>
                  {lineupRoles.map((role) => (
                    <option key={role} value={role}>
                      {LINEUP_LABELS[role]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={`Name ${i + 1}`} error={errors[`lineup.${i}.name`]}>
              {(p) => <input {...p} name={`lineup.${i}.name`} type="text" maxLength={80} defaultValue={v(`lineup.${i}.name`)} />}
            </Field>
            <Field label={`Member handle ${i + 1} (optional)`} error={errors[`lineup.${i}.handle`]}>
              {(p) => <input {...p} name={`lineup.${i}.handle`} type="text" maxLength={31} autoComplete="off" defaultValue={v(`lineup.${i}.handle`)} />}
            </Field>
          </fieldset>
        ))}
        {canAddRows && lineupRows < MAX_LINEUP_ROWS && (
          <button
            type="button"
            onClick={() => setLineupRows((n) => Math.min(MAX_LINEUP_ROWS, n + 1))}
            className="self-start rounded-full border border-stone-300 px-4 py-2 text-sm font-semibold text-stone-700 hover:border-tango-600 hover:text-tango-700"
          >
            Add a row
          </button>
        )}
      </Section>

      <Section legend="Organizers and cover">
        <Field label="Co-organizers (optional)" error={errors.coOrganizers} hint="Member handles, separated by commas. They can edit the event and see who is coming.">
          {(p) => <input {...p} name="coOrganizers" type="text" autoComplete="off" defaultValue={v("coOrganizers")} />}
        </Field>
        {coverUrl && <img src={coverUrl} alt="The current cover" className="max-h-48 w-auto self-start rounded-lg object-cover" />}
        <Field label={coverUrl ? "Replace the cover picture (optional)" : "Cover picture (optional)"} error={errors.cover} hint="JPEG, PNG or WebP, up to 5 MB. Location data is removed. After a mistake elsewhere, choose it again.">
          {(p) => <input {...p} name="cover" type="file" accept="image/jpeg,image/png,image/webp" className="text-sm" />}
        </Field>
      </Section>

      <button type="submit" className="self-start rounded-full bg-tango-600 px-6 py-3 font-semibold text-white hover:bg-tango-700">
        {submitLabel}
      </button>
    </Form>
  );
}

/**
 * Reloads the form's page for another city, so the venue list shows that city's venues (a GET
 * form: it works before the page's JavaScript has loaded).
 */
export function VenueCityPicker({
  action,
  ariaLabel,
  label,
  cities,
  venueCity,
  children,
}: {
  action: string;
  ariaLabel: string;
  label: string;
  cities: CityDto[];
  venueCity: string;
  children: React.ReactNode;
}) {
  return (
    <form method="get" action={action} className="mt-6 flex flex-wrap items-end gap-3 rounded-2xl border border-stone-200 bg-white p-4" aria-label={ariaLabel}>
      <LabelledSelect label={label} name="city" defaultValue={venueCity}>
        {cities.map((c) => (
          <option key={c.slug} value={c.slug}>
            {c.name}, {c.country}
          </option>
        ))}
      </LabelledSelect>
      <button type="submit" className="rounded-lg border border-tango-600 px-4 py-2 font-semibold text-tango-700 hover:bg-tango-600 hover:text-white">
        Show its venues
      </button>
      <p className="w-full text-sm text-stone-600">{children}</p>
    </form>
  );
}
