import type { Route } from "./+types/cities.$slug.calendar-ics";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { citySlugParam } from "../../worker/schemas/events";
import { cityCalendar } from "../../worker/services/calendars";

/** A city's upcoming events as a feed to subscribe to (webcal://), each series once with its RRULE. */
export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  const slug = citySlugParam.safeParse(params.slug);
  if (!slug.success) return notFound();
  let feed: Awaited<ReturnType<typeof cityCalendar>>;
  try {
    feed = await cityCalendar(ctx, slug.data);
  } catch (error) {
    if (error instanceof DomainError && error.status === 404) return notFound();
    throw error;
  }
  const headers = { ETag: feed.etag, "Cache-Control": "public, max-age=900" };
  if (request.headers.get("If-None-Match") === feed.etag) return new Response(null, { status: 304, headers });
  return new Response(feed.ics, {
    headers: {
      ...headers,
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `inline; filename="${slug.data}.ics"`,
    },
  });
}

function notFound(): Response {
  return new Response("There is no such calendar.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}
