import { redirect } from "react-router";
import type { Route } from "./+types/my.events";
import { EVENT_TYPE_LABELS, formatEventDate } from "../lib/format";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { listMyRsvps, listOrganizedEvents } from "../../worker/services/my-events";

export const meta: Route.MetaFunction = () => [{ title: "My events — Mundo Tango" }];

const PAGE_SIZE = 20;

export async function loader({ request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  if (!ctx.user) throw redirect("/login?redirectTo=/my/events");
  const params = new URL(request.url).searchParams;
  const cursors = { organizing: params.get("organizing") ?? undefined, rsvps: params.get("rsvps") ?? undefined };
  try {
    const [organizing, rsvps] = await Promise.all([
      listOrganizedEvents(ctx, { limit: PAGE_SIZE, cursor: cursors.organizing }),
      listMyRsvps(ctx, { limit: PAGE_SIZE, cursor: cursors.rsvps }),
    ]);
    return { organizing, rsvps, cursors, verified: ctx.user.emailVerified };
  } catch (error) {
    // A stale or hand-edited cursor: start the lists over rather than fail the page.
    if (error instanceof DomainError && error.status === 400) throw redirect("/my/events");
    throw error;
  }
}

const STATUS_LABELS = { going: "Going", waitlisted: "Waitlisted", interested: "Interested", not_going: "Not going" } as const;

function time(startsAt: string, startLocal: string, timeZone: string) {
  return (
    <time dateTime={startsAt}>
      {formatEventDate(startsAt, timeZone)}, {startLocal.slice(11, 16)}
    </time>
  );
}

export default function MyEvents({ loaderData }: Route.ComponentProps) {
  const { organizing, rsvps, cursors, verified } = loaderData;
  const link = (list: "organizing" | "rsvps", cursor: string | null) => {
    const params = new URLSearchParams();
    const other = list === "organizing" ? "rsvps" : "organizing";
    if (cursors[other]) params.set(other, cursors[other]);
    if (cursor) params.set(list, cursor);
    return `/my/events${params.size ? `?${params}` : ""}`;
  };
  let shownPastHeading = false;

  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="font-display text-3xl font-bold text-tango-900">My events</h1>
        <a href="/events/new" className="rounded-full bg-tango-600 px-5 py-2.5 font-semibold text-white hover:bg-tango-700">
          New event
        </a>
      </div>

      <section aria-labelledby="organizing-heading" className="mt-8">
        <h2 id="organizing-heading" className="font-display text-2xl font-semibold text-tango-900">
          Events I organize
        </h2>
        {organizing.data.length === 0 ? (
          <p className="mt-4 rounded-2xl border border-dashed border-stone-300 bg-white p-6 text-stone-700">
            {cursors.organizing ? (
              "That was the last page."
            ) : verified ? (
              <>
                You do not organize any events yet. <a className="font-semibold text-tango-700 underline" href="/events/new">Create your first event</a>: a
                milonga, a class or a whole festival.
              </>
            ) : (
              <>
                You do not organize any events yet. To host one, confirm your email first (the link is in the mail we sent you), then{" "}
                <a className="font-semibold text-tango-700 underline" href="/events/new">create an event</a>.
              </>
            )}
          </p>
        ) : (
          <ul className="mt-4 flex flex-col gap-3">
            {organizing.data.map((event) => {
              const pastHeading = event.nextStartsAt === null && !shownPastHeading;
              if (pastHeading) shownPastHeading = true;
              return (
                <li key={event.id} className="flex flex-col gap-2">
                  {pastHeading && <h3 className="mt-4 text-sm font-semibold uppercase tracking-wide text-stone-600">Past events</h3>}
                  <article className="flex flex-wrap items-center justify-between gap-3 rounded-2xl border border-stone-200 bg-white p-4">
                    <div>
                      <h3 className="font-semibold text-ink">
                        <a href={`/events/${event.id}`} className="hover:text-tango-700 hover:underline">
                          {event.title}
                        </a>
                        {event.status === "cancelled" && <span className="ml-2 rounded-full bg-red-50 px-2 py-0.5 text-xs font-semibold text-red-800">Cancelled</span>}
                      </h3>
                      <p className="text-sm text-stone-600">
                        {EVENT_TYPE_LABELS[event.type]}
                        {event.recurring ? " series" : ""} · {event.nextStartsAt ? "Next: " : "Last: "}
                        {time(event.startsAt, event.startLocal, event.timeZone)} · {event.venue.name}, {event.city.name}
                        {event.role === "co-organizer" ? " · co-organizer" : ""}
                      </p>
                    </div>
                    <nav aria-label={`Manage ${event.title}`} className="flex flex-wrap gap-2 text-sm">
                      {event.status !== "cancelled" && (
                        <a href={`/events/${event.id}/edit`} className="rounded-full border border-stone-300 px-3 py-1.5 font-semibold text-stone-700 hover:border-tango-600 hover:text-tango-700">
                          Edit
                        </a>
                      )}
                      <a href={`/events/${event.id}/attendees`} className="rounded-full border border-stone-300 px-3 py-1.5 font-semibold text-stone-700 hover:border-tango-600 hover:text-tango-700">
                        Attendees
                      </a>
                      <a href={`/events/${event.id}/check-in`} className="rounded-full border border-stone-300 px-3 py-1.5 font-semibold text-stone-700 hover:border-tango-600 hover:text-tango-700">
                        Check-in
                      </a>
                    </nav>
                  </article>
                </li>
              );
            })}
          </ul>
        )}
        <nav aria-label="More events I organize" className="mt-4 flex justify-between gap-4">
          {cursors.organizing ? (
            <a href={link("organizing", null)} className="font-semibold text-tango-700 hover:underline">
              ← First page
            </a>
          ) : (
            <span />
          )}
          {organizing.nextCursor && (
            <a href={link("organizing", organizing.nextCursor)} className="font-semibold text-tango-700 hover:underline">
              More events I organize →
            </a>
          )}
        </nav>
      </section>

      <section aria-labelledby="rsvps-heading" className="mt-10">
        <h2 id="rsvps-heading" className="font-display text-2xl font-semibold text-tango-900">
          Coming up for me
        </h2>
        {rsvps.data.length === 0 ? (
          <p className="mt-4 rounded-2xl border border-dashed border-stone-300 bg-white p-6 text-stone-700">
            {cursors.rsvps ? (
              "That was the last page."
            ) : (
              <>
                Nothing planned yet. <a className="font-semibold text-tango-700 underline" href="/events">Find a milonga</a> and say you are going: it
                shows up here.
              </>
            )}
          </p>
        ) : (
          <ul className="mt-4 flex flex-col gap-3">
            {rsvps.data.map((r) => (
              <li key={`${r.eventId}-${r.occurrenceKey}`} className="flex flex-wrap items-center justify-between gap-3 rounded-2xl border border-stone-200 bg-white p-4">
                <div>
                  <h3 className="font-semibold text-ink">
                    <a href={`/events/${r.eventId}`} className="hover:text-tango-700 hover:underline">
                      {r.title}
                    </a>
                    {r.eventStatus === "cancelled" && <span className="ml-2 rounded-full bg-red-50 px-2 py-0.5 text-xs font-semibold text-red-800">Cancelled</span>}
                  </h3>
                  <p className="text-sm text-stone-600">
                    {time(r.startsAt, r.startLocal, r.timeZone)} · {r.venue.name}, {r.city.name}
                  </p>
                </div>
                <p className="text-sm font-semibold text-stone-700">
                  {`${STATUS_LABELS[r.status]}${r.waitlistPosition !== null ? ` — number ${r.waitlistPosition} in line` : ""}${r.role ? ` · ${r.role}` : ""}`}
                </p>
              </li>
            ))}
          </ul>
        )}
        <nav aria-label="More of my RSVPs" className="mt-4 flex justify-between gap-4">
          {cursors.rsvps ? (
            <a href={link("rsvps", null)} className="font-semibold text-tango-700 hover:underline">
              ← First page
            </a>
          ) : (
            <span />
          )}
          {rsvps.nextCursor && (
            <a href={link("rsvps", rsvps.nextCursor)} className="font-semibold text-tango-700 hover:underline">
              More →
            </a>
          )}
        </nav>
      </section>
    </>
  );
}
