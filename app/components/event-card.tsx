import type { EventDto } from "../../worker/schemas/events";
import { EVENT_TYPE_LABELS, formatEventDate, formatEventTimeRange, formatPrice } from "../lib/format";

/** The page of one listed date: a series' card opens on that date, so an RSVP there is about it. */
export function eventHref(event: Pick<EventDto, "eventId" | "occurrenceKey" | "recurring">): string {
  return event.recurring ? `/events/${event.eventId}?occurrence=${event.occurrenceKey}` : `/events/${event.eventId}`;
}

/**
 * One listed date. `repeats` is the series' rule in words ("Every Thursday") when the
 * page knows it; a recurring date without it still says that it repeats.
 */
export function EventCard({ event, repeats }: { event: EventDto; repeats?: string }) {
  return (
    <article className="relative flex h-full flex-col rounded-2xl border border-stone-200 bg-white p-5 shadow-sm transition focus-within:shadow-md hover:shadow-md">
      <div className="flex items-center justify-between gap-2 text-xs font-semibold uppercase tracking-wide">
        <span className="rounded-full bg-tango-50 px-2.5 py-1 text-tango-700">{EVENT_TYPE_LABELS[event.type]}</span>
        <span className="text-stone-600">{formatPrice(event.price)}</span>
      </div>
      <h3 className="mt-3 font-display text-lg font-semibold leading-snug text-ink">
        {/* The link stretches over the card, so the whole card opens the event. */}
        <a href={eventHref(event)} className="after:absolute after:inset-0 after:rounded-2xl hover:text-tango-700">
          {event.title}
        </a>
      </h3>
      <p className="mt-1 text-sm font-medium text-tango-700">
        <time dateTime={event.startsAt}>{formatEventDate(event.startsAt, event.timeZone)}</time>
        <span className="text-stone-600"> · {formatEventTimeRange(event.startsAt, event.endsAt, event.timeZone)}</span>
      </p>
      {(event.recurring || event.moved) && (
        <p className="mt-1 flex flex-wrap gap-2 text-xs font-medium">
          {event.recurring && <span className="text-stone-600">↻ {repeats ?? "Repeats"}</span>}
          {event.moved && <span className="rounded bg-amber-100 px-1.5 text-amber-900">Moved from its usual time</span>}
        </p>
      )}
      <p className="mt-2 text-sm text-stone-600">
        {event.venue.name}, {event.city.name}
      </p>
      <p className="mt-1 text-xs text-stone-600">{event.venue.address}</p>
    </article>
  );
}

export function EventGrid({ events, repeats = {} }: { events: EventDto[]; repeats?: Record<string, string> }) {
  return (
    <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
      {events.map((event) => (
        <li key={`${event.eventId}:${event.occurrenceKey}`}>
          <EventCard event={event} repeats={repeats[event.eventId]} />
        </li>
      ))}
    </ul>
  );
}
