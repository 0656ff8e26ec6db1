import { data } from "react-router";
import type { Route } from "./+types/events";
import { CityPicker } from "../components/city-picker";
import { EventGrid } from "../components/event-card";
import { FilterProblems } from "../components/filter-problems";
import { LabelledSelect } from "../components/labelled-select";
import { EVENT_TYPE_LABELS } from "../lib/format";
import { serverContext } from "../server-context";
import { eventTypes } from "../../db/schema/event-types";
import { DomainError } from "../../worker/errors";
import { fieldErrors } from "../../worker/lib/field-errors";
import { listEventsQuery } from "../../worker/schemas/events";
import { listCities } from "../../worker/services/cities";
import { listUpcomingEvents } from "../../worker/services/events";

/** Four rows of three on a wide screen. */
const PAGE_SIZE = 12;

export function meta({ loaderData: data }: Route.MetaArgs) {
  const city = data?.cities.find((c) => c.slug === data.filters.city);
  return [{ title: city ? `Tango events in ${city.name} — Mundo Tango` : "Tango events worldwide — Mundo Tango" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  const params = Object.fromEntries([...new URL(request.url).searchParams].filter(([, value]) => value !== ""));
  const cities = await listCities(ctx);
  const parsed = listEventsQuery.safeParse(params);
  const filters: Record<string, string | undefined> = { city: params.city, type: params.type, from: params.from, to: params.to, limit: params.limit, cursor: params.cursor };
  if (!parsed.success) {
    return data({ cities, filters, events: [], nextCursor: null, problems: fieldErrors(parsed.error) }, { status: 400 });
  }
  try {
    const page = await listUpcomingEvents(ctx, { ...parsed.data, limit: params.limit ? parsed.data.limit : PAGE_SIZE });
    return { cities, filters, events: page.data, nextCursor: page.nextCursor, problems: [] };
  } catch (error) {
    if (!(error instanceof DomainError) || error.status !== 400) throw error;
    return data({ cities, filters, events: [], nextCursor: null, problems: error.errors ?? [] }, { status: 400 });
  }
}

export default function Events({ loaderData }: Route.ComponentProps) {
  const { cities, filters, events, nextCursor, problems } = loaderData;
  const city = cities.find((c) => c.slug === filters.city);
  const pageLink = (cursor: string | null) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(filters)) if (value && name !== "cursor") params.set(name, value);
    if (cursor) params.set("cursor", cursor);
    return `/events${params.size ? `?${params}` : ""}`;
  };

  return (
    <>
      <h1 className="font-display text-3xl font-bold text-tango-900">{city ? `Tango in ${city.name}` : "Tango events worldwide"}</h1>
      <p className="mt-2 text-stone-600">Times are shown in each venue's local time.</p>

      <div className="mt-6 rounded-2xl border border-stone-200 bg-white p-4">
        <CityPicker cities={cities} selected={filters.city} action="/events">
          <LabelledSelect label="Type" name="type" defaultValue={filters.type ?? ""}>
            <option value="">Every kind</option>
            {eventTypes.map((type) => (
              <option key={type} value={type}>
                {EVENT_TYPE_LABELS[type]}
              </option>
            ))}
          </LabelledSelect>
        </CityPicker>
      </div>

      <FilterProblems problems={problems} startOver="/events" />

      <section aria-labelledby="results" className="mt-6">
        <h2 id="results" className="sr-only">
          Events
        </h2>
        {events.length > 0 ? (
          <EventGrid events={events} />
        ) : (
          problems.length === 0 && (
            <p className="rounded-2xl border border-dashed border-stone-300 bg-white p-8 text-center text-stone-600">
              {filters.cursor ? "That was the last page." : "No upcoming events match these filters."}{" "}
              <a className="font-semibold text-tango-700 underline" href="/events">
                See every upcoming event
              </a>
              .
            </p>
          )
        )}
      </section>

      <nav aria-label="Pagination" className="mt-8 flex flex-wrap items-center justify-between gap-4">
        {filters.cursor ? (
          <a href={pageLink(null)} className="font-semibold text-tango-700 hover:underline">
            ← First page
          </a>
        ) : (
          <span />
        )}
        {nextCursor && (
          <a
            href={pageLink(nextCursor)}
            rel="next"
            className="rounded-full bg-tango-600 px-5 py-2.5 font-semibold text-white hover:bg-tango-700"
          >
            Next page →
          </a>
        )}
      </nav>
    </>
  );
}
