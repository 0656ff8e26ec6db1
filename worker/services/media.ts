import { sql } from "drizzle-orm";
import type { Media } from "../../db/schema";
import type { Ctx } from "../env";
import { Invalid } from "../errors";
import { UUID_PATTERN } from "../lib/ids";

/** At most this many pictures per post. */
export const MAX_MEDIA_PER_POST = 6;

export interface MediaDto {
  id: string;
  url: string;
  width: number;
  height: number;
}

/** Where a picture is served. The id is a random UUIDv7: the URL is a capability (docs/media.md). */
export function mediaUrl(id: string): string {
  return `/api/v1/media/${id}`;
}

export function toMediaDto(row: Pick<Media, "id" | "width" | "height">): MediaDto {
  return { id: row.id, url: mediaUrl(row.id), width: row.width, height: row.height };
}

/**
 * Attaches uploads to a post or a story: every id must exist, belong to `ownerId` and not be
 * attached yet, at most six. One UPDATE decides for all of them at once (its guard counts the
 * claimable rows first), so two posts racing for one upload never both get it and a refused
 * claim leaves nothing half-attached. Returns the DTOs in the order given.
 */
export async function claimMedia(ctx: Ctx, ownerId: string, mediaIds: string[]): Promise<MediaDto[]> {
  if (mediaIds.length === 0) return [];
  if (mediaIds.length > MAX_MEDIA_PER_POST) throw Invalid.field("mediaIds", `mediaIds can hold at most ${MAX_MEDIA_PER_POST} pictures`);
  if (new Set(mediaIds).size !== mediaIds.length) throw Invalid.field("mediaIds", "mediaIds must not repeat a picture");
  if (!mediaIds.every((id) => UUID_PATTERN.test(id))) throw Invalid.field("mediaIds", "mediaIds must be ids returned by POST /api/v1/media");
  const now = new Date().toISOString();
  const list = sql.join(
    mediaIds.map((id) => sql`${id}`),
    sql`, `,
  );
  const claimed = await ctx.db.all<Pick<Media, "id" | "width" | "height">>(sql`
    UPDATE media SET attached_at = ${now}
    WHERE id IN (${list}) AND owner_id = ${ownerId} AND attached_at IS NULL
      AND (SELECT count(*) FROM media WHERE id IN (${list}) AND owner_id = ${ownerId} AND attached_at IS NULL) = ${mediaIds.length}
    RETURNING id, width, height`);
  if (claimed.length !== mediaIds.length) {
    throw Invalid.field("mediaIds", "mediaIds must be your own uploads that are not attached to anything yet");
  }
  const byId = new Map(claimed.map((row) => [row.id, row]));
  return mediaIds.map((id) => toMediaDto(byId.get(id)!));
}
