import { data } from "react-router";
import type { Route } from "./+types/cities.$slug";
import { CalendarGrid, formatCalendarDate, type CalendarDay } from "../components/calendar-grid";
import { EventGrid } from "../components/event-card";
import { FilterProblems } from "../components/filter-problems";
import { EVENT_TYPE_LABELS } from "../lib/format";
import { serverContext } from "../server-context";
import { eventTypes, type EventType } from "../../db/schema/event-types";
import type { Ctx } from "../../worker/env";
import { DomainError, type FieldError } from "../../worker/errors";
import { instantToLocal, localToInstant } from "../../worker/lib/local-time";
import { citySlugParam, eventTypeSchema, type EventDto } from "../../worker/schemas/events";
import { recurrenceSummaries } from "../../worker/services/calendars";
import { findCityBySlug, toCityDto } from "../../worker/services/cities";
import { listUpcomingEvents } from "../../worker/services/events";

const PAGE_SIZE = 12;
const VIEWS = ["list", "week", "month"] as const;
type View = (typeof VIEWS)[number];
/** A month of a busy city (Buenos Aires dances most nights) fits; beyond that the list view pages. */
const MAX_CALENDAR_EVENTS = 400;
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

const TYPE_PLURALS: Record<EventType, string> = {
  milonga: "milongas",
  practica: "prácticas",
  class: "classes",
  workshop: "workshops",
  festival: "festivals",
  marathon: "marathons",
  concert: "concerts",
};

export function meta({ loaderData: data }: Route.MetaArgs) {
  if (!data) return [{ title: "City not found — Mundo Tango" }];
  const title = `Tango in ${data.city.name} — milongas, classes and festivals — Mundo Tango`;
  const description = `Milongas, prácticas, classes, festivals and marathons in ${data.city.name}, ${data.city.country}, in local time. Subscribe to the calendar.`;
  return [
    { title },
    { name: "description", content: description },
    { property: "og:title", content: `Tango in ${data.city.name}` },
    { property: "og:description", content: description },
    { property: "og:type", content: "website" },
    { property: "og:url", content: data.pageUrl },
    { tagName: "link", rel: "canonical", href: data.pageUrl },
    { tagName: "link", rel: "alternate", type: "text/calendar", title: `Tango in ${data.city.name}`, href: data.feedPath },
  ];
}

export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  const slug = citySlugParam.safeParse(params.slug);
  const city = slug.success ? await findCityBySlug(ctx, slug.data) : undefined;
  if (!city) throw data(null, { status: 404 });

  const search = new URL(request.url).searchParams;
  const view: View = VIEWS.find((v) => v === search.get("view")) ?? "list";
  const problems: FieldError[] = [];
  const typeParam = search.get("type") || undefined;
  const type = typeParam === undefined ? undefined : eventTypeSchema.safeParse(typeParam);
  if (type && !type.success) problems.push({ path: "type", message: `type must be one of ${eventTypes.join(", ")}` });
  const today = instantToLocal(new Date(), city.timeZone).slice(0, 10);
  const dateParam = search.get("date") || undefined;
  const date = dateParam && DATE.test(dateParam) && isCalendarDate(dateParam) ? dateParam : today;
  if (dateParam && date !== dateParam) problems.push({ path: "date", message: "date must be a day as YYYY-MM-DD, e.g. 2027-03-12" });
  const cursor = view === "list" ? search.get("cursor") || undefined : undefined;

  const origin = ctx.env.APP_ORIGIN.replace(/\/+$/, "");
  const feedPath = `/cities/${city.slug}/calendar.ics`;
  const base = {
    city: toCityDto(city),
    view,
    filters: { type: type?.success ? type.data : undefined, date: dateParam && date === dateParam ? date : undefined, cursor },
    today,
    pageUrl: `${origin}/cities/${city.slug}`,
    feedPath,
    webcalUrl: `${origin.replace(/^https?:/, "webcal:")}${feedPath}`,
  };
  if (problems.length) {
    return data({ ...base, events: [], nextCursor: null, days: [], range: null, repeats: {}, problems }, { status: 400 });
  }

  try {
    const filterType = type?.success ? type.data : undefined;
    if (view === "list") {
      const page = await listUpcomingEvents(ctx, { city: city.slug, type: filterType, cursor, limit: PAGE_SIZE });
      const repeats = await recurrenceSummaries(ctx, page.data.filter((e) => e.recurring).map((e) => e.eventId));
      return { ...base, events: page.data, nextCursor: page.nextCursor, days: [], range: null, repeats, problems };
    }
    const range = calendarRange(view, date);
    const events = await eventsBetween(ctx, city.slug, filterType, localToInstant(`${range.first}T00:00`, city.timeZone), localToInstant(`${addDays(range.last, 1)}T00:00`, city.timeZone));
    const byDay = new Map<string, CalendarDay["events"]>();
    for (const event of events) {
      // Placed on the day it starts on the city's clock: a milonga from 23:00 to 03:00 is that evening's.
      const local = instantToLocal(event.startsAt, city.timeZone);
      const day = local.slice(0, 10);
      byDay.set(day, [...(byDay.get(day) ?? []), { ...event, time: local.slice(11, 16) }]);
    }
    const days: CalendarDay[] = [];
    for (let day = range.first; day <= range.last; day = addDays(day, 1)) {
      days.push({ date: day, inRange: view === "week" || day.slice(0, 7) === date.slice(0, 7), events: byDay.get(day) ?? [] });
    }
    return { ...base, events, nextCursor: null, days, range: { ...range, anchor: date }, repeats: {}, problems };
  } catch (error) {
    if (!(error instanceof DomainError) || error.status !== 400) throw error;
    return data({ ...base, events: [], nextCursor: null, days: [], range: null, repeats: {}, problems: error.errors ?? [] }, { status: 400 });
  }
}

/** Every date starting in [from, to), following the listing's pages (the service caps a page at 100). */
async function eventsBetween(ctx: Ctx, city: string, type: EventType | undefined, from: Date, to: Date): Promise<EventDto[]> {
  const events: EventDto[] = [];
  let cursor: string | undefined;
  do {
    const page = await listUpcomingEvents(ctx, { city, type, from: from.toISOString(), to: to.toISOString(), limit: 100, cursor });
    events.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && events.length < MAX_CALENDAR_EVENTS);
  return events;
}

function isCalendarDate(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function addMonths(date: string, months: number): string {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

/** Monday on or before the date. */
function mondayOf(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((weekday + 6) % 7));
}

/** The days a view shows: Monday to Sunday, or whole weeks around the month. */
function calendarRange(view: "week" | "month", date: string): { first: string; last: string; previous: string; next: string } {
  if (view === "week") {
    const first = mondayOf(date);
    return { first, last: addDays(first, 6), previous: addDays(first, -7), next: addDays(first, 7) };
  }
  const monthStart = `${date.slice(0, 7)}-01`;
  const monthEnd = addDays(addMonths(monthStart, 1), -1);
  return { first: mondayOf(monthStart), last: addDays(mondayOf(monthEnd), 6), previous: addMonths(monthStart, -1), next: addMonths(monthStart, 1) };
}

export default function CityPage({ loaderData }: Route.ComponentProps) {
  const { city, view, filters, today, events, nextCursor, days, range, repeats, problems, feedPath, webcalUrl } = loaderData;
  const link = (changes: { view?: View; type?: EventType | null; date?: string | null; cursor?: string | null }) => {
    const params = new URLSearchParams();
    const nextView = changes.view ?? view;
    if (nextView !== "list") params.set("view", nextView);
    const type = changes.type === undefined ? filters.type : changes.type;
    if (type) params.set("type", type);
    const date = changes.date === undefined ? filters.date : changes.date;
    if (date && nextView !== "list") params.set("date", date);
    if (changes.cursor && nextView === "list") params.set("cursor", changes.cursor);
    return `/cities/${city.slug}${params.size ? `?${params}` : ""}`;
  };
  const what = filters.type ? TYPE_PLURALS[filters.type] : "events";
  const rangeLabel = range
    ? view === "week"
      ? `${formatCalendarDate(range.first, { day: "numeric", month: "short" })} – ${formatCalendarDate(range.last, { day: "numeric", month: "short", year: "numeric" })}`
      : formatCalendarDate(range.anchor, { month: "long", year: "numeric" })
    : "Coming up";
  const when =
    view === "list" ? `in ${city.name} yet` : !filters.date ? `this ${view}` : view === "week" ? `in the week of ${rangeLabel}` : `in ${rangeLabel}`;
  const pillClass = (active: boolean) =>
    `inline-block rounded-full border px-3 py-1.5 text-sm font-medium ${active ? "border-tango-600 bg-tango-600 text-white" : "border-stone-300 bg-white text-stone-700 hover:border-tango-600 hover:text-tango-700"}`;

  return (
    <>
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="text-sm font-semibold uppercase tracking-widest text-tango-700">{city.country}</p>
          <h1 className="font-display text-3xl font-bold text-tango-900 sm:text-4xl">Tango in {city.name}</h1>
          <p className="mt-1 text-stone-600">Times are local to {city.name}.</p>
        </div>
        <div className="flex flex-col items-start gap-1 text-sm sm:items-end">
          <a href={feedPath} className="rounded-full border border-tango-600 px-4 py-2 font-semibold text-tango-700 hover:bg-tango-600 hover:text-white">
            Subscribe to this calendar
          </a>
          <a href={webcalUrl} className="text-tango-700 underline">
            Open in your calendar app (webcal)
          </a>
        </div>
      </header>

      <nav aria-label="Calendar view" className="mt-6">
        <ul className="flex flex-wrap gap-2">
          {VIEWS.map((v) => (
            <li key={v}>
              <a href={link({ view: v, date: null, cursor: null })} aria-current={v === view ? "page" : undefined} className={pillClass(v === view)}>
                {v === "list" ? "List" : v === "week" ? "Week" : "Month"}
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <nav aria-label="Kind of event" className="mt-3">
        <ul className="flex flex-wrap gap-2">
          <li>
            <a href={link({ type: null, cursor: null })} aria-current={!filters.type ? "page" : undefined} className={pillClass(!filters.type)}>
              Every kind
            </a>
          </li>
          {eventTypes.map((type) => (
            <li key={type}>
              <a href={link({ type, cursor: null })} aria-current={filters.type === type ? "page" : undefined} className={pillClass(filters.type === type)}>
                {EVENT_TYPE_LABELS[type]}
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <FilterProblems problems={problems} startOver={`/cities/${city.slug}`} />

      <section aria-labelledby="range" className="mt-6">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="range" className="font-display text-2xl font-semibold text-ink">
            {rangeLabel}
          </h2>
          {range && (
            <nav aria-label={view === "week" ? "Weeks" : "Months"} className="flex flex-wrap gap-2 text-sm">
              <a href={link({ date: range.previous })} rel="prev" className={pillClass(false)}>
                ← Previous {view}
              </a>
              <a href={link({ date: null })} className={pillClass(false)}>
                {view === "week" ? "This week" : "This month"}
              </a>
              <a href={link({ date: range.next })} rel="next" className={pillClass(false)}>
                Next {view} →
              </a>
            </nav>
          )}
        </div>

        {problems.length === 0 && events.length === 0 && (
          <p className="mt-4 rounded-2xl border border-dashed border-stone-300 bg-white p-8 text-center text-stone-600">
            {filters.cursor ? (
              "That was the last page."
            ) : (
              <>
                {`No ${what} listed ${when} — `}
                <a className="font-semibold text-tango-700 underline" href="/events/new">
                  organizers can add one
                </a>
                .
              </>
            )}
          </p>
        )}

        {view === "list" ? (
          events.length > 0 && (
            <div className="mt-4">
              <EventGrid events={events} repeats={repeats} />
            </div>
          )
        ) : (
          days.length > 0 && <CalendarGrid view={view} days={days} today={today} label={`${rangeLabel} in ${city.name}`} />
        )}
      </section>

      {view === "list" && (filters.cursor || nextCursor) && (
        <nav aria-label="Pagination" className="mt-8 flex flex-wrap items-center justify-between gap-4">
          {filters.cursor ? (
            <a href={link({ cursor: null })} className="font-semibold text-tango-700 hover:underline">
              ← First page
            </a>
          ) : (
            <span />
          )}
          {nextCursor && (
            <a href={link({ cursor: nextCursor })} rel="next" className="rounded-full bg-tango-600 px-5 py-2.5 font-semibold text-white hover:bg-tango-700">
              Next page →
            </a>
          )}
        </nav>
      )}
    </>
  );
}
