import type { Route } from "./+types/home";
import { CityPicker } from "../components/city-picker";
import { EventGrid } from "../components/event-card";
import { serverContext } from "../server-context";
import { listCities, resolveVisitorCity, toCityDto } from "../../worker/services/cities";
import { listUpcomingEvents } from "../../worker/services/events";

export function meta({ loaderData: data }: Route.MetaArgs) {
  return [
    { title: data ? `Tango in ${data.city.name} — Mundo Tango` : "Mundo Tango" },
    { name: "description", content: "Find milongas, prácticas, classes, festivals and marathons wherever you dance." },
  ];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const { ctx, visitor } = context.get(serverContext);
  const chosenSlug = new URL(request.url).searchParams.get("city");
  const city = await resolveVisitorCity(ctx, { chosenSlug, visitor });
  if (!city) return null;
  const [cities, upcoming] = await Promise.all([listCities(ctx), listUpcomingEvents(ctx, { city: city.slug, limit: 9 })]);
  return { city: toCityDto(city), cities, events: upcoming.data, hasMore: upcoming.nextCursor !== null };
}

export default function Home({ loaderData }: Route.ComponentProps) {
  if (!loaderData) return <NoCitiesYet />;
  const { city, cities, events, hasMore } = loaderData;
  return (
    <>
      <section className="overflow-hidden rounded-3xl bg-gradient-to-br from-tango-700 via-tango-600 to-tango-900 px-6 py-12 text-white sm:px-10">
        <p className="text-sm font-semibold uppercase tracking-widest text-tango-100">The worldwide tango community</p>
        <h1 className="mt-3 max-w-2xl font-display text-4xl font-bold leading-tight sm:text-5xl">
          Your next tanda is waiting in {city.name}.
        </h1>
        <p className="mt-4 max-w-xl text-tango-100">
          Milongas, prácticas, classes, festivals and marathons — in local time, wherever you travel to dance.
        </p>
        <div className="mt-8 rounded-2xl bg-white/95 p-4 text-ink">
          <CityPicker cities={cities} selected={city.slug} action="/" />
        </div>
      </section>

      <section aria-labelledby="upcoming" className="mt-10">
        <div className="mb-4 flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="upcoming" className="font-display text-2xl font-semibold">
            Upcoming in {city.name}
          </h2>
          <a href={`/events?city=${city.slug}`} className="font-semibold text-tango-700 hover:underline">
            {hasMore ? `All events in ${city.name} →` : `Events in ${city.name} →`}
          </a>
        </div>
        {events.length > 0 ? (
          <EventGrid events={events} />
        ) : (
          <p className="rounded-2xl border border-dashed border-stone-300 bg-white p-8 text-center text-stone-600">
            No events are listed in {city.name} yet. Try a nearby city, or{" "}
            <a className="font-semibold text-tango-700 underline" href="/events">
              browse every city
            </a>
            .
          </p>
        )}
      </section>
    </>
  );
}

function NoCitiesYet() {
  return (
    <section className="mx-auto max-w-xl py-16 text-center">
      <h1 className="font-display text-4xl font-bold text-tango-900">Welcome to Mundo Tango</h1>
      <p className="mt-4 text-lg text-stone-600">No cities have been added yet, so there are no events to show.</p>
      <p className="mt-2 text-stone-500">
        Running locally? <code>npm run db:seed</code> fills the database with a demo world.
      </p>
    </section>
  );
}
