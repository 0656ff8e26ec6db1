import type { EventDto } from "../../worker/schemas/events";
import { eventHref } from "./event-card";

export type CalendarView = "week" | "month";

/** One day of a calendar view, in the city's zone: `date` is its "YYYY-MM-DD". */
export interface CalendarDay {
  date: string;
  /** False for the days of the neighbouring months that fill a month grid's first and last weeks. */
  inRange: boolean;
  events: (EventDto & { time: string })[];
}

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** Calendar dates are formatted at noon UTC: the same label on the server and in every browser. */
export function formatCalendarDate(date: string, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat("en-GB", { ...options, timeZone: "UTC" }).format(new Date(`${date}T12:00:00Z`));
}

/**
 * A week or a month as a grid of days, Monday first. On a phone it is a list: a week shows
 * every day, a month only the days something happens. Wider screens get seven columns.
 */
export function CalendarGrid({ view, days, today, label }: { view: CalendarView; days: CalendarDay[]; today: string; label: string }) {
  const month = view === "month";
  return (
    <div className="mt-4">
      <div aria-hidden="true" className="hidden grid-cols-7 gap-2 pb-1 text-center text-xs font-semibold uppercase tracking-wide text-stone-600 sm:grid">
        {WEEKDAYS.map((day) => (
          <span key={day}>{day}</span>
        ))}
      </div>
      <ol aria-label={label} className="grid grid-cols-1 gap-2 sm:grid-cols-7">
        {days.map((day) => {
          const isToday = day.date === today;
          const hiddenOnPhone = month && (day.events.length === 0 || !day.inRange);
          return (
            <li
              key={day.date}
              className={`${hiddenOnPhone ? "hidden sm:block" : ""} ${month ? "sm:min-h-28" : "sm:min-h-40"} rounded-xl border p-2 ${
                isToday ? "border-tango-600 bg-tango-50" : day.inRange ? "border-stone-200 bg-white" : "border-stone-100 bg-stone-100"
              }`}
            >
              <h3 className={`text-sm font-semibold ${day.inRange ? "text-ink" : "text-stone-600"}`}>
                <time dateTime={day.date}>
                  <span className="sm:hidden">{formatCalendarDate(day.date, { weekday: "long", day: "numeric", month: "long" })}</span>
                  <span className="hidden sm:inline">
                    <span className="sr-only">{formatCalendarDate(day.date, { weekday: "long" })} </span>
                    {formatCalendarDate(day.date, month ? { day: "numeric" } : { day: "numeric", month: "short" })}
                    {month && <span className="sr-only"> {formatCalendarDate(day.date, { month: "long" })}</span>}
                  </span>
                </time>
                {isToday && <span className="ml-1 text-xs font-semibold text-tango-700">Today</span>}
              </h3>
              {day.events.length > 0 ? (
                <ul className="mt-1 flex flex-col gap-1">
                  {day.events.map((event) => (
                    <li key={`${event.eventId}:${event.occurrenceKey}`}>
                      <a
                        href={eventHref(event)}
                        className="block rounded-md bg-tango-50 px-2 py-1 text-sm leading-snug text-ink hover:bg-tango-100 sm:text-xs"
                      >
                        <span className="font-semibold text-tango-700">{event.time}</span> {event.title}
                        {event.moved && <span className="text-amber-900"> (moved)</span>}
                      </a>
                    </li>
                  ))}
                </ul>
              ) : (
                !month && <p className="mt-1 text-xs text-stone-600">Nothing listed</p>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
