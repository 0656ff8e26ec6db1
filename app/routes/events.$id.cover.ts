import type { Route } from "./+types/events.$id.cover";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { getEventCover } from "../../worker/services/event-covers";

/**
 * The event's cover picture. Pages link it as `?v=<version>` and every new cover bumps the
 * version, so a year of caching is safe; the ETag covers links without `v`.
 */
export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  let picture: R2ObjectBody;
  try {
    picture = await getEventCover(ctx, params.id);
  } catch (error) {
    if (error instanceof DomainError && error.status === 404) {
      return new Response("This event has no cover picture.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    }
    throw error;
  }
  const versioned = new URL(request.url).searchParams.has("v");
  const headers = {
    "Content-Type": picture.httpMetadata?.contentType ?? "application/octet-stream",
    "Cache-Control": versioned ? "public, max-age=31536000, immutable" : "public, max-age=300",
    ETag: picture.httpEtag,
  };
  if (request.headers.get("If-None-Match") === picture.httpEtag) {
    await picture.body.cancel();
    return new Response(null, { status: 304, headers });
  }
  return new Response(picture.body, { headers });
}
