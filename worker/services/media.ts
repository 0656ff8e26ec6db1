import { and, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { media, type Media } from "../../db/schema";
import type { Ctx } from "../env";
import { Invalid, NotFound, PayloadTooLarge, UnprocessableImage, UnsupportedMediaType } from "../errors";
import { UUID_PATTERN, uuidv7 } from "../lib/ids";
import { sniffMediaType, stripMediaMetadata, type MediaImageType } from "../lib/image-metadata";
import { readImageSize } from "../lib/image-size";
import { log } from "../lib/log";
import { requireVerifiedMember } from "./authorization";
import { enforce } from "./rate-limit";

/** At most this many pictures per post. */
export const MAX_MEDIA_PER_POST = 6;
/** 10 MiB per picture. */
export const MAX_MEDIA_BYTES = 10 * 1024 * 1024;
/** A 100-megapixel limit keeps decompression bombs out of every browser that shows them. */
const MAX_PIXELS = 100_000_000;
/** Unattached uploads older than this are swept by the cron. */
export const UNATTACHED_TTL_MS = 24 * 60 * 60 * 1000;
/** Rows the cron handles per task and run: bounded, the next run picks up the rest. */
export const SWEEP_BATCH = 100;

export const MEDIA_TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"] as const satisfies readonly MediaImageType[];
const EXTENSIONS: Record<MediaImageType, string> = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif" };

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

export interface CleanMedia {
  type: MediaImageType;
  bytes: Uint8Array;
  width: number;
  height: number;
}

/**
 * Checks a picture before anything is stored. The type comes from the magic bytes only (a PNG
 * named .jpg is a PNG; an SVG named .png is refused): 413 over 10 MiB, 415 for anything but
 * JPEG, PNG, WebP or GIF, 422 when the image does not hold together (truncated, no size).
 * EXIF, XMP, IPTC and comments (the GPS position above all) are removed.
 */
export function prepareMedia(file: Uint8Array, field = "file"): CleanMedia {
  const errors = (message: string) => [{ path: field, message }];
  if (file.byteLength > MAX_MEDIA_BYTES) throw new PayloadTooLarge("The picture is larger than 10 MB.", errors(`${field} must be at most 10 MB`));
  if (!sniffMediaType(file)) {
    throw new UnsupportedMediaType("This file is not a JPEG, PNG, WebP or GIF picture.", errors(`${field} must be a JPEG, PNG, WebP or GIF picture`));
  }
  const clean = stripMediaMetadata(file);
  const size = clean ? readImageSize(clean.bytes, clean.type) : undefined;
  if (!clean || !size) throw new UnprocessableImage("This picture is damaged or incomplete; export it again and retry.", errors(`${field} is damaged or incomplete`));
  if (size.width * size.height > MAX_PIXELS) throw new UnprocessableImage("This picture has more than 100 megapixels; make it smaller and retry.", errors(`${field} has too many pixels`));
  return { type: clean.type, bytes: clean.bytes, ...size };
}

/**
 * Stores one upload of a verified member in R2 under `media/<owner>/<id>.<ext>` and records
 * it unattached; `claimMedia` attaches it to a post or story, the cron sweeps it otherwise.
 */
export async function uploadMedia(ctx: Ctx, file: Uint8Array, field = "file"): Promise<MediaDto> {
  const me = requireVerifiedMember(ctx);
  const clean = prepareMedia(file, field);
  await enforce(ctx.env, "upload.user", `upload:user:${me.id}`);
  return store(ctx, me.id, clean);
}

async function store(ctx: Ctx, ownerId: string, clean: CleanMedia): Promise<MediaDto> {
  const id = uuidv7();
  const key = `media/${ownerId}/${id}.${EXTENSIONS[clean.type]}`;
  await ctx.env.MEDIA.put(key, clean.bytes, { httpMetadata: { contentType: clean.type } });
  const row = { id, ownerId, key, contentType: clean.type, width: clean.width, height: clean.height, bytes: clean.bytes.byteLength, createdAt: new Date().toISOString(), attachedAt: null };
  try {
    await ctx.db.insert(media).values(row);
  } catch (error) {
    await ctx.env.MEDIA.delete(key);
    throw error;
  }
  return toMediaDto(row);
}

/**
 * For page actions without JavaScript (the composer, the story form): checks every file first,
 * so one bad picture stores none, then uploads them in order. Empty file inputs (a form sent
 * with nothing chosen) are skipped. `field` names the form field in errors.
 */
export async function uploadMediaFiles(ctx: Ctx, files: File[], field = "files"): Promise<MediaDto[]> {
  const me = requireVerifiedMember(ctx);
  const chosen = files.filter((file) => file.size > 0);
  if (chosen.length > MAX_MEDIA_PER_POST) throw Invalid.field(field, `${field} can hold at most ${MAX_MEDIA_PER_POST} pictures`);
  const cleaned: CleanMedia[] = [];
  for (const file of chosen) {
    if (file.size > MAX_MEDIA_BYTES) prepareMedia(new Uint8Array(MAX_MEDIA_BYTES + 1), field);
    cleaned.push(prepareMedia(new Uint8Array(await file.arrayBuffer()), field));
  }
  const stored: MediaDto[] = [];
  for (const clean of cleaned) {
    await enforce(ctx.env, "upload.user", `upload:user:${me.id}`);
    stored.push(await store(ctx, me.id, clean));
  }
  return stored;
}

/**
 * The pictures a page form carries, as media ids for `claimMedia`: the `mediaIds` that
 * MediaUpload wrote (JavaScript uploaded them already) followed by any files sent in `field`
 * (no JavaScript), which are checked and stored here. At most `max` in all; errors name `field`.
 */
export async function mediaIdsFromForm(ctx: Ctx, form: FormData, { field = "files", max = MAX_MEDIA_PER_POST }: { field?: string; max?: number } = {}): Promise<string[]> {
  const ids = form
    .getAll("mediaIds")
    .map(String)
    .filter((id) => id !== "");
  const files = form.getAll(field).filter((value): value is File => value instanceof File && value.size > 0);
  if (ids.length + files.length > max) throw Invalid.field(field, max === 1 ? `${field} can hold one picture` : `${field} can hold at most ${max} pictures`);
  if (files.length === 0) return ids;
  const uploaded = await uploadMediaFiles(ctx, files, field);
  return [...ids, ...uploaded.map((m) => m.id)];
}

/** The stored picture for GET /media/{id}: anyone holding the id may see it (a capability URL). */
export async function getMediaObject(ctx: Ctx, id: string): Promise<{ object: R2ObjectBody | R2Object; contentType: string }> {
  const notFound = () => new NotFound("No picture with this id.");
  if (!UUID_PATTERN.test(id)) throw notFound();
  const row = await ctx.db.select({ key: media.key, contentType: media.contentType }).from(media).where(eq(media.id, id)).get();
  if (!row) throw notFound();
  const object = await ctx.env.MEDIA.get(row.key);
  if (!object) throw notFound();
  return { object, contentType: row.contentType };
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
  if (!mediaIds.every((id) => typeof id === "string" && UUID_PATTERN.test(id))) throw Invalid.field("mediaIds", "mediaIds must be ids returned by POST /api/v1/media");
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

/** Deletes media rows and their R2 objects; R2 first, so a failure leaves a row the next run retries. */
export async function deleteMedia(ctx: Pick<Ctx, "db" | "env">, rows: Array<Pick<Media, "id" | "key">>): Promise<number> {
  if (rows.length === 0) return 0;
  await ctx.env.MEDIA.delete(rows.map((row) => row.key));
  await ctx.db.delete(media).where(
    inArray(
      media.id,
      rows.map((row) => row.id),
    ),
  );
  return rows.length;
}

/** Media rows the orphan sweep examines per run, walking the table by id from where it stopped. */
export const ORPHAN_SCAN_BATCH = 1000;
const ORPHAN_CURSOR_KEY = "media-sweep:after";

/**
 * Cron: uploads never attached within 24 hours (index on attached_at, created_at), and attached
 * media nothing refers to any more (its post or story was deleted, or a post was edited without
 * it). The orphan check walks the media table by primary key, ORPHAN_SCAN_BATCH rows per run,
 * remembering its place in KV, so each run's work is bounded however large the table grows.
 * A picture claimed a moment ago whose post_media row is not written yet is kept: only media
 * attached more than an hour ago can be an orphan.
 */
export async function sweepMedia(ctx: Pick<Ctx, "db" | "env">, now: Date = new Date()): Promise<number> {
  const unattached = await ctx.db
    .select({ id: media.id, key: media.key })
    .from(media)
    .where(and(isNull(media.attachedAt), lt(media.createdAt, new Date(now.getTime() - UNATTACHED_TTL_MS).toISOString())))
    .limit(SWEEP_BATCH)
    .all();
  const after = (await ctx.env.CACHE.get(ORPHAN_CURSOR_KEY)) ?? "";
  const settled = new Date(now.getTime() - 60 * 60 * 1000).toISOString();
  const scanned = await ctx.db.all<{ id: string; key: string; orphan: number }>(sql`
    SELECT id, key,
      (attached_at IS NOT NULL AND attached_at < ${settled}
        AND NOT EXISTS (SELECT 1 FROM post_media WHERE post_media.media_id = media.id)
        AND NOT EXISTS (SELECT 1 FROM stories WHERE stories.media_id = media.id)) AS orphan
    FROM media WHERE id > ${after} ORDER BY id LIMIT ${ORPHAN_SCAN_BATCH}`);
  const orphaned = scanned.filter((row) => row.orphan === 1).slice(0, SWEEP_BATCH);
  const last = orphaned.length === SWEEP_BATCH ? orphaned.at(-1)!.id : scanned.length === ORPHAN_SCAN_BATCH ? scanned.at(-1)!.id : "";
  if (last) await ctx.env.CACHE.put(ORPHAN_CURSOR_KEY, last);
  else if (after) await ctx.env.CACHE.delete(ORPHAN_CURSOR_KEY);
  const deleted = (await deleteMedia(ctx, unattached)) + (await deleteMedia(ctx, orphaned));
  if (deleted > 0) log("info", "media.swept", { unattached: unattached.length, orphaned: orphaned.length });
  return deleted;
}

/**
 * Account deletion: every picture a member uploaded (R2 objects under `media/<owner>/`). The
 * rows go by ON DELETE CASCADE with the user; the objects would stay behind unreachable, so
 * whoever deletes an account calls this too (before or after the row, the prefix is enough).
 */
export async function deleteMediaObjectsOf(env: Pick<Ctx["env"], "MEDIA">, ownerId: string): Promise<number> {
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await env.MEDIA.list({ prefix: `media/${ownerId}/`, cursor, limit: 1000 });
    if (page.objects.length > 0) await env.MEDIA.delete(page.objects.map((object) => object.key));
    deleted += page.objects.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return deleted;
}
