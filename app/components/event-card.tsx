import type { EventDto } from "../../worker/schemas/events";
import { EVENT_TYPE_LABELS, formatEventDate, formatEventTimeRange, formatPrice } from "../lib/format";

export function EventCard({ event }: { event: EventDto }) {
  return (
    <article className="flex h-full flex-col rounded-2xl border border-stone-200 bg-white p-5 shadow-sm transition hover:shadow-md">
      <div className="flex items-center justify-between gap-2 text-xs font-semibold uppercase tracking-wide">
        <span className="rounded-full bg-tango-50 px-2.5 py-1 text-tango-700">{EVENT_TYPE_LABELS[event.type]}</span>
        <span className="text-stone-500">{formatPrice(event.price)}</span>
      </div>
      <h3 className="mt-3 font-display text-lg font-semibold leading-snug text-ink">{event.title}</h3>
      <p className="mt-1 text-sm font-medium text-tango-700">
        <time dateTime={event.startsAt}>{formatEventDate(event.startsAt, event.timeZone)}</time>
        <span className="text-stone-500"> · {formatEventTimeRange(event.startsAt, event.endsAt, event.timeZone)}</span>
      </p>
      <p className="mt-2 text-sm text-stone-600">
        {event.venue.name}, {event.city.name}
      </p>
      <p className="mt-1 text-xs text-stone-500">{event.venue.address}</p>
    </article>
  );
}

export function EventGrid({ events }: { events: EventDto[] }) {
  return (
    <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
      {events.map((event) => (
        <li key={event.id}>
          <EventCard event={event} />
        </li>
      ))}
    </ul>
  );
}
