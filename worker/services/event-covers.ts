import { eq, sql } from "drizzle-orm";
import { events } from "../../db/schema";
import type { Ctx } from "../env";
import { Invalid, NotFound, PayloadTooLarge } from "../errors";
import { stripImageMetadata, type CleanImage } from "../lib/image-metadata";
import { loadEvent, requireOrganizer } from "./event-access";

export const MAX_COVER_BYTES = 5 * 1024 * 1024;

/**
 * Checks a cover before anything is stored: at most 5 MB, a JPEG, PNG or WebP by its magic
 * bytes (never its name or declared type), with EXIF/XMP/IPTC and comments removed. The
 * create form calls this first, so a bad picture never leaves a half-made event behind.
 */
export function prepareCover(file: Uint8Array): CleanImage {
  if (file.byteLength > MAX_COVER_BYTES) throw new PayloadTooLarge("The cover is larger than 5 MB.", [{ path: "cover", message: "cover must be at most 5 MB" }]);
  const clean = stripImageMetadata(file);
  if (!clean) throw Invalid.field("cover", "cover must be a JPEG, PNG or WebP picture");
  return clean;
}

/**
 * Stores a new cover for the event (organizers only) in R2 under `events/<id>/cover-<version>`
 * and bumps the event's version, so `/events/:id/cover?v=<version>` can be cached for a year.
 */
export async function setEventCover(ctx: Ctx, eventId: string, file: Uint8Array | CleanImage): Promise<{ coverUrl: string }> {
  const event = await loadEvent(ctx, eventId);
  await requireOrganizer(ctx, event);
  const clean = file instanceof Uint8Array ? prepareCover(file) : file;
  const version = event.version + 1;
  const key = `events/${event.id}/cover-${version}`;
  await ctx.env.MEDIA.put(key, clean.bytes, { httpMetadata: { contentType: clean.type } });
  // Two uploads racing on one version write the same key: the last picture wins for both rows.
  const updated = await ctx.db
    .update(events)
    .set({ coverKey: key, version: sql`${events.version} + 1`, updatedAt: new Date().toISOString() })
    .where(eq(events.id, event.id))
    .returning({ version: events.version });
  if (event.coverKey && event.coverKey !== key) await ctx.env.MEDIA.delete(event.coverKey);
  return { coverUrl: `/events/${event.id}/cover?v=${updated[0]?.version ?? version}` };
}

/** The stored cover, or 404 when the event has none. */
export async function getEventCover(ctx: Ctx, eventId: string): Promise<R2ObjectBody> {
  const event = await loadEvent(ctx, eventId);
  const object = event.coverKey ? await ctx.env.MEDIA.get(event.coverKey) : null;
  if (!object) throw new NotFound("This event has no cover picture.");
  return object;
}
