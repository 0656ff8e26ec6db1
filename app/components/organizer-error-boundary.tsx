import { isRouteErrorResponse } from "react-router";

/**
 * The error page of an organizer-only event page: why a member may not see it (403, in the
 * page's own words), that the event does not exist (404), or a failure; with a way back.
 */
export function OrganizerErrorBoundary({ error, forbidden }: { error: unknown; forbidden: { title: string; text: string } }) {
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title = status === 403 ? forbidden.title : status === 404 ? "Event not found" : "Something went wrong";
  const text = status === 403 ? forbidden.text : status === 404 ? "There is no event at this address." : "We could not show this page. Please try again in a moment.";
  return (
    <section className="mx-auto max-w-xl py-16 text-center">
      <title>{`${title} — Mundo Tango`}</title>
      <h1 className="font-display text-4xl text-tango-900">{title}</h1>
      <p className="mt-4 text-stone-600">{text}</p>
      <a href="/my/events" className="mt-8 inline-block rounded-full bg-tango-600 px-6 py-3 font-semibold text-white hover:bg-tango-700">
        My events
      </a>
    </section>
  );
}
