import type { Route } from "./+types/events.$id.calendar-ics";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { eventCalendar } from "../../worker/services/calendars";

/** One event as an .ics file to open in a calendar app; a series carries its RRULE and exceptions. */
export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  let feed: Awaited<ReturnType<typeof eventCalendar>>;
  try {
    feed = await eventCalendar(ctx, params.id);
  } catch (error) {
    if (error instanceof DomainError && error.status === 404) return notFound();
    throw error;
  }
  const headers = {
    ETag: feed.etag,
    "Cache-Control": "public, max-age=300",
  };
  if (request.headers.get("If-None-Match") === feed.etag) return new Response(null, { status: 304, headers });
  return new Response(feed.ics, {
    headers: {
      ...headers,
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="${feed.filename}"`,
    },
  });
}

function notFound(): Response {
  return new Response("There is no such calendar.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
