import { and, eq } from "drizzle-orm";
import { createDb } from "../../db/client";
import { linkPreviews } from "../../db/schema";
import { checkPublicUrl } from "../../worker/lib/public-url";
import { log } from "../../worker/lib/log";
import { storeLinkPreview, type LinkPreviewData } from "../../worker/services/link-previews";
import type { Job } from "../jobs";

export type LinkPreviewJob = Extract<Job, { type: "link.preview" }>;

export const PREVIEW_TIMEOUT_MS = 3000;
export const PREVIEW_MAX_BYTES = 1024 * 1024;
export const PREVIEW_MAX_REDIRECTS = 3;
const MAX_TEXT = { title: 300, description: 500, siteName: 100 } as const;

/**
 * Fetches the linked page and stores its preview as `ready`, or `failed` when the guard
 * refuses an address (also after a redirect), the page is slow, not HTML or unreadable. A
 * failure is an answer, not an error: the job never retries, nothing is fetched twice.
 */
export async function handleLinkPreview(job: LinkPreviewJob, env: Cloudflare.Env): Promise<void> {
  const db = createDb(env.DB);
  // Deleted post, edited link or a redelivered job already done: nothing to fetch.
  const pending = await db
    .select({ postId: linkPreviews.postId })
    .from(linkPreviews)
    .where(and(eq(linkPreviews.postId, job.postId), eq(linkPreviews.url, job.url), eq(linkPreviews.status, "pending")))
    .get();
  if (!pending) return;
  const outcome = await fetchLinkPreview(job.url);
  if (!outcome.ok) log("info", "link-preview.failed", { postId: job.postId, reason: outcome.reason });
  await storeLinkPreview({ db }, job.postId, job.url, outcome.ok ? outcome.preview : null);
}

export type PreviewOutcome = { ok: true; preview: LinkPreviewData } | { ok: false; reason: string };

/**
 * The whole fetch under one 3 s budget: redirects followed by hand (at most 3), each hop
 * checked by the SSRF guard before it is requested; at most 1 MB of the body is read; only
 * text/html is parsed.
 */
export async function fetchLinkPreview(url: string, options: { timeoutMs?: number; maxBytes?: number } = {}): Promise<PreviewOutcome> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? PREVIEW_TIMEOUT_MS);
  const maxBytes = options.maxBytes ?? PREVIEW_MAX_BYTES;
  try {
    let current = url;
    for (let hop = 0; ; hop++) {
      const check = checkPublicUrl(current);
      if (!check.ok) return { ok: false, reason: `refused ${hop === 0 ? "address" : "redirect"}: ${check.reason}` };
      const response = await abortable(
        fetch(check.url.href, { redirect: "manual", signal, headers: { Accept: "text/html", "User-Agent": "MundoTangoLinkPreview/1.0 (+https://mundotango.life)" } }),
        signal,
      );
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        await response.body?.cancel().catch(() => undefined);
        const location = response.headers.get("Location");
        if (!location) return { ok: false, reason: "redirect without a location" };
        if (hop >= PREVIEW_MAX_REDIRECTS) return { ok: false, reason: "too many redirects" };
        try {
          current = new URL(location, check.url).href;
        } catch {
          return { ok: false, reason: "redirect to an invalid address" };
        }
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return { ok: false, reason: `status ${response.status}` };
      }
      const type = (response.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (type !== "text/html") {
        await response.body?.cancel().catch(() => undefined);
        return { ok: false, reason: `not HTML (${type || "no type"})` };
      }
      const html = await readAtMost(response, maxBytes, signal);
      const preview = await parsePreview(html);
      if (!preview.title && !preview.description) return { ok: false, reason: "no title" };
      return { ok: true, preview };
    }
  } catch (error) {
    return { ok: false, reason: signal.aborted ? "timed out" : `fetch failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Rejects as soon as the signal aborts, even if the promise itself would never settle. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** The first `maxBytes` of the body; the rest is never read (the stream is cancelled). */
async function readAtMost(response: Response, maxBytes: number, signal: AbortSignal): Promise<Uint8Array<ArrayBuffer>> {
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    while (total < maxBytes) {
      const { done, value } = await abortable(reader.read(), signal);
      if (done) break;
      const room = maxBytes - total;
      const chunk = value.byteLength > room ? value.subarray(0, room) : value;
      parts.push(chunk);
      total += chunk.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** og:title, og:description, og:image (absolute http(s) only), og:site_name, falling back to <title>. */
export async function parsePreview(html: Uint8Array<ArrayBuffer>): Promise<LinkPreviewData> {
  const meta: Record<string, string> = {};
  let title = "";
  let inTitle = false;
  const rewriter = new HTMLRewriter()
    .on("meta", {
      element(element) {
        const key = (element.getAttribute("property") ?? element.getAttribute("name") ?? "").toLowerCase();
        const content = element.getAttribute("content");
        if (content !== null && ["og:title", "og:description", "og:image", "og:site_name", "description"].includes(key) && !(key in meta)) meta[key] = content;
      },
    })
    .on("title", {
      element(element) {
        if (title === "") inTitle = true;
        element.onEndTag(() => {
          inTitle = false;
        });
      },
      text(chunk) {
        if (inTitle && title.length < 1000) title += chunk.text;
      },
    });
  await rewriter.transform(new Response(html, { headers: { "Content-Type": "text/html" } })).arrayBuffer();
  const image = meta["og:image"] ? absoluteHttpUrl(decodeEntities(meta["og:image"])) : null;
  return {
    title: clean(meta["og:title"] ?? title, MAX_TEXT.title),
    description: clean(meta["og:description"] ?? meta["description"] ?? "", MAX_TEXT.description),
    imageUrl: image,
    siteName: clean(meta["og:site_name"] ?? "", MAX_TEXT.siteName),
  };
}

function absoluteHttpUrl(value: string): string | null {
  try {
    const url = new URL(value.trim());
    return (url.protocol === "https:" || url.protocol === "http:") && url.href.length <= 2048 ? url.href : null;
  } catch {
    return null;
  }
}

/** Attribute values reach us raw from HTMLRewriter; <title> text too. Decode the common entities. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos|#39|nbsp);/gi, (_, code: string) => {
    const lower = code.toLowerCase();
    if (lower.startsWith("#x")) return safeCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith("#")) return safeCodePoint(parseInt(lower.slice(1), 10));
    return ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " } as Record<string, string>)[lower] ?? "";
  });
}

function safeCodePoint(n: number): string {
  return n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : "";
}

function clean(text: string, max: number): string | null {
  // eslint-disable-next-line no-control-regex
  const value = decodeEntities(text).replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
  return value === "" ? null : [...value].slice(0, max).join("");
}
