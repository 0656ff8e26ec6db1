import { and, eq, sql } from "drizzle-orm";
import { linkPreviews, posts } from "../../db/schema";
import { enqueue } from "../../queues/producer";
import type { Ctx } from "../env";
import { checkPublicUrl, MAX_URL_LENGTH } from "../lib/public-url";
import { log } from "../lib/log";

/** The first http(s) URL in a post body (Markdown link targets included), trailing punctuation removed. */
export function firstUrl(body: string): string | undefined {
  const match = /https?:\/\/[^\s<>"'`()[\]{}]+/i.exec(body);
  if (!match) return undefined;
  const url = match[0].replace(/[.,;:!?*_~]+$/, "");
  if (url.length > MAX_URL_LENGTH) return undefined;
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}

/**
 * Keeps a post's link preview in step with its body: the first URL gets a `pending` row and a
 * queue job that fetches it (link-preview job); a body without a URL loses its preview; an
 * unchanged URL keeps the preview it has. A URL the SSRF guard refuses is stored as `failed`
 * at once and never queued. Never throws for a bad URL: a post is never refused for its link.
 */
export async function queueLinkPreview(ctx: Ctx, postId: string, body: string): Promise<void> {
  const url = firstUrl(body);
  if (!url) {
    await ctx.db.delete(linkPreviews).where(eq(linkPreviews.postId, postId));
    return;
  }
  const existing = await ctx.db.select({ url: linkPreviews.url }).from(linkPreviews).where(eq(linkPreviews.postId, postId)).get();
  if (existing?.url === url) return;
  const allowed = checkPublicUrl(url).ok;
  const row = { url, status: allowed ? ("pending" as const) : ("failed" as const), title: null, description: null, imageUrl: null, siteName: null, fetchedAt: allowed ? null : new Date().toISOString() };
  // Only while the post exists, in the same statement: an edit racing the post's deletion stores nothing (no foreign-key 500).
  const stored = await ctx.db.all<{ one: number }>(sql`
    INSERT INTO ${linkPreviews} (post_id, url, status, title, description, image_url, site_name, fetched_at)
    SELECT ${postId}, ${row.url}, ${row.status}, NULL, NULL, NULL, NULL, ${row.fetchedAt}
    WHERE EXISTS (SELECT 1 FROM ${posts} WHERE ${posts.id} = ${postId})
    ON CONFLICT (post_id) DO UPDATE SET url = excluded.url, status = excluded.status, title = NULL, description = NULL, image_url = NULL, site_name = NULL, fetched_at = excluded.fetched_at
    RETURNING 1 AS one`);
  if (!allowed || stored.length === 0) return;
  try {
    await enqueue(ctx.env.JOBS, { type: "link.preview", idempotencyKey: `link.preview:${postId}`, postId, url });
  } catch (error) {
    // The post is saved either way; a preview that never comes is only cosmetic.
    log("error", "link-preview.enqueue-failed", { postId, error: String(error) });
  }
}

/** Stores a fetch's outcome, but only if the post still links to the same URL. */
export async function storeLinkPreview(ctx: Pick<Ctx, "db">, postId: string, url: string, preview: LinkPreviewData | null): Promise<void> {
  const fetchedAt = new Date().toISOString();
  const set = preview
    ? { status: "ready" as const, title: preview.title, description: preview.description, imageUrl: preview.imageUrl, siteName: preview.siteName, fetchedAt }
    : { status: "failed" as const, title: null, description: null, imageUrl: null, siteName: null, fetchedAt };
  await ctx.db
    .update(linkPreviews)
    .set(set)
    .where(and(eq(linkPreviews.postId, postId), eq(linkPreviews.url, url)));
}

export interface LinkPreviewData {
  title: string | null;
  description: string | null;
  imageUrl: string | null;
  siteName: string | null;
}
