import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDb } from "../db/client";
import { handleLinkPreview, PREVIEW_MAX_BYTES } from "../queues/jobs/link-preview";
import type { Ctx } from "../worker/env";
import { firstUrl, queueLinkPreview } from "../worker/services/link-previews";
import { verifiedMember } from "./event-factory";

const ctx = (): Ctx => ({ db: createDb(env.DB), env: env as never, requestId: "test", user: null });

interface PreviewRow {
  url: string;
  status: string;
  title: string | null;
  description: string | null;
  imageUrl: string | null;
  siteName: string | null;
  fetchedAt: string | null;
}

let author: string | undefined;
async function post(body = "see the link"): Promise<string> {
  author ??= (await verifiedMember()).user.id;
  const id = crypto.randomUUID();
  await env.DB.prepare("INSERT INTO posts (id, author_id, body, visibility, created_at) VALUES (?, ?, ?, 'public', ?)").bind(id, author, body, new Date().toISOString()).run();
  return id;
}

const previewOf = (postId: string) =>
  env.DB.prepare(
    "SELECT url, status, title, description, image_url AS imageUrl, site_name AS siteName, fetched_at AS fetchedAt FROM link_previews WHERE post_id = ?",
  )
    .bind(postId)
    .first<PreviewRow>();

/** A pending preview for a new post, then the job run as the queue consumer would run it. */
async function fetchPreview(url: string): Promise<PreviewRow> {
  const postId = await post(url);
  await env.DB.prepare("INSERT INTO link_previews (post_id, url, status) VALUES (?, ?, 'pending')").bind(postId, url).run();
  await handleLinkPreview({ type: "link.preview", idempotencyKey: `link.preview:${postId}`, postId, url }, env);
  return (await previewOf(postId))!;
}

const html = (body: string, init: ResponseInit = {}) => new Response(body, { status: 200, ...init, headers: { "Content-Type": "text/html; charset=utf-8", ...(init.headers as Record<string, string>) } });
const redirect = (location: string, status = 302) => new Response(null, { status, headers: { Location: location } });

const PAGE = `<!doctype html><html><head>
  <title>Fallback title</title>
  <meta property="og:title" content="Milonga de los Zucca &amp; amigos">
  <meta property="og:description" content="Every Friday from 22:00.">
  <meta property="og:image" content="https://cdn.example.com/poster.jpg">
  <meta property="og:site_name" content="Tango BA">
</head><body>hello</body></html>`;

function mockFetch(handler: (url: string, init?: RequestInit) => Response | Promise<Response>) {
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => handler(input instanceof Request ? input.url : String(input), init));
}

afterEach(() => vi.restoreAllMocks());

describe("the link preview job", () => {
  it("stores Open Graph metadata from an HTML page, fetched with manual redirects", async () => {
    const spy = mockFetch(() => html(PAGE));
    const row = await fetchPreview("https://tango.example.com/milonga");
    expect(row).toMatchObject({ status: "ready", title: "Milonga de los Zucca & amigos", description: "Every Friday from 22:00.", imageUrl: "https://cdn.example.com/poster.jpg", siteName: "Tango BA" });
    expect(row.fetchedAt).toBeTruthy();
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]![1]).toMatchObject({ redirect: "manual" });
    expect(spy.mock.calls[0]![1]!.signal).toBeInstanceOf(AbortSignal);
  });

  it("falls back to <title> and ignores relative or non-http og:image", async () => {
    mockFetch(() => html(`<html><head><title>Práctica &lt;nueva&gt;</title><meta property="og:image" content="/poster.jpg"></head></html>`));
    expect(await fetchPreview("https://tango.example.com/a")).toMatchObject({ status: "ready", title: "Práctica <nueva>", imageUrl: null, description: null });
    vi.restoreAllMocks();
    mockFetch(() => html(`<html><head><title>x</title><meta property="og:image" content="javascript:alert(1)"></head></html>`));
    expect((await fetchPreview("https://tango.example.com/b")).imageUrl).toBeNull();
  });

  it("refuses a redirect to the metadata address and stores nothing from it", async () => {
    const spy = mockFetch((url) => (url.startsWith("https://tango.example.com") ? redirect("http://169.254.169.254/latest/meta-data/") : html("<title>SECRET CREDENTIALS</title>")));
    const row = await fetchPreview("https://tango.example.com/r");
    expect(row).toMatchObject({ status: "failed", title: null, description: null, imageUrl: null, siteName: null });
    expect(spy.mock.calls.map(([input]) => String(input))).toEqual(["https://tango.example.com/r"]);
  });

  it.each([
    "http://localhost:8787/admin",
    "http://[::1]/",
    "http://2130706433/",
    "http://10.0.0.5/",
    "http://metadata.google.internal/",
    "https://user:pw@example.com/",
    "https://example.com:8443/",
    "file:///etc/passwd",
  ])("re-checks every hop: a relative or absolute redirect to %s is refused", async (target) => {
    const spy = mockFetch((url) => (url === "https://tango.example.com/hop" ? redirect(target, 301) : html("<title>internal</title>")));
    expect((await fetchPreview("https://tango.example.com/hop")).status).toBe("failed");
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it("follows at most three redirects", async () => {
    const spy = mockFetch((url) => {
      const n = Number(new URL(url).searchParams.get("n") ?? "0");
      return n < 3 ? redirect(`/next?n=${n + 1}`) : html("<title>Arrived</title>");
    });
    expect(await fetchPreview("https://tango.example.com/start")).toMatchObject({ status: "ready", title: "Arrived" });
    expect(spy).toHaveBeenCalledTimes(4);
    vi.restoreAllMocks();
    const loop = mockFetch((url) => redirect(`/again?n=${Number(new URL(url).searchParams.get("n") ?? "0") + 1}`));
    expect((await fetchPreview("https://tango.example.com/loop")).status).toBe("failed");
    expect(loop).toHaveBeenCalledTimes(4);
  });

  it("gives up after 3 seconds when the server does not answer", async () => {
    mockFetch(
      (_url, init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener("abort", () => reject(init.signal!.reason));
        }),
    );
    const started = Date.now();
    const row = await fetchPreview("https://slow.example.com/");
    const elapsed = Date.now() - started;
    expect(row.status).toBe("failed");
    expect(elapsed).toBeGreaterThanOrEqual(2900);
    expect(elapsed).toBeLessThan(4500);
  });

  it("gives up after 3 seconds when the body trickles forever, even if fetch ignores the signal", async () => {
    mockFetch(() => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("<html><head><title>slow"));
        },
      });
      return new Response(body, { headers: { "Content-Type": "text/html" } });
    });
    const started = Date.now();
    expect((await fetchPreview("https://trickle.example.com/")).status).toBe("failed");
    expect(Date.now() - started).toBeLessThan(4500);
  });

  it("reads at most 1 MB of a 2 MB page", async () => {
    let pulled = 0;
    const chunk = new TextEncoder().encode("<p>" + "x".repeat(64 * 1024 - 7) + "</p>");
    mockFetch(() => {
      const head = new TextEncoder().encode("<html><head><title>Big page</title></head><body>");
      const tail = new TextEncoder().encode('<meta property="og:title" content="Beyond the cap"></body></html>');
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = sent === 0 ? head : sent >= 2 * 1024 * 1024 ? tail : chunk;
          if (sent > 2 * 1024 * 1024) return controller.close();
          controller.enqueue(next);
          sent += next.byteLength;
          pulled += next.byteLength;
        },
      });
      return new Response(body, { headers: { "Content-Type": "text/html" } });
    });
    const row = await fetchPreview("https://big.example.com/");
    expect(row).toMatchObject({ status: "ready", title: "Big page" });
    expect(pulled).toBeLessThan(PREVIEW_MAX_BYTES + 3 * chunk.byteLength);
  });

  it.each([
    ["a PDF", () => new Response("%PDF-1.7", { headers: { "Content-Type": "application/pdf" } })],
    ["an image", () => new Response(new Uint8Array([0x89, 0x50]), { headers: { "Content-Type": "image/png" } })],
    ["no content type", () => new Response("<title>hi</title>")],
    ["a 404", () => html("<title>Not found</title>", { status: 404 })],
    ["a 500", () => html("<title>Oops</title>", { status: 500 })],
    ["a redirect without Location", () => new Response(null, { status: 302 })],
    ["a network error", () => Promise.reject(new TypeError("connection refused"))],
    ["a page without any title", () => html("<html><body>nothing</body></html>")],
  ])("fails cleanly on %s", async (_name, respond) => {
    mockFetch(respond as () => Response);
    const row = await fetchPreview("https://odd.example.com/");
    expect(row).toMatchObject({ status: "failed", title: null });
  });

  it("does nothing when the post no longer links there", async () => {
    const spy = mockFetch(() => html(PAGE));
    const postId = await post();
    await handleLinkPreview({ type: "link.preview", idempotencyKey: "k", postId, url: "https://tango.example.com/gone" }, env);
    expect(spy).not.toHaveBeenCalled();
    expect(await previewOf(postId)).toBeNull();
  });
});

describe("queueLinkPreview", () => {
  it("queues the first URL, keeps an unchanged one, replaces an edited one and drops a removed one", async () => {
    const send = vi.spyOn(env.JOBS, "send").mockResolvedValue(undefined as never);
    const postId = await post();
    await queueLinkPreview(ctx(), postId, "Tonight! https://tango.example.com/milonga, then https://other.example.com/");
    expect(await previewOf(postId)).toMatchObject({ url: "https://tango.example.com/milonga", status: "pending" });
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0]![0]).toMatchObject({ type: "link.preview", postId, url: "https://tango.example.com/milonga" });

    await env.DB.prepare("UPDATE link_previews SET status = 'ready', title = 'Milonga' WHERE post_id = ?").bind(postId).run();
    await queueLinkPreview(ctx(), postId, "edited text, same link https://tango.example.com/milonga");
    expect(await previewOf(postId)).toMatchObject({ status: "ready", title: "Milonga" });
    expect(send).toHaveBeenCalledTimes(1);

    await queueLinkPreview(ctx(), postId, "now [this one](https://new.example.com/path).");
    expect(await previewOf(postId)).toMatchObject({ url: "https://new.example.com/path", status: "pending", title: null });
    expect(send).toHaveBeenCalledTimes(2);

    await queueLinkPreview(ctx(), postId, "no link any more");
    expect(await previewOf(postId)).toBeNull();
  });

  it("stores a refused URL as failed without queueing it, and never throws", async () => {
    const send = vi.spyOn(env.JOBS, "send").mockResolvedValue(undefined as never);
    const postId = await post();
    await queueLinkPreview(ctx(), postId, "look http://169.254.169.254/latest/meta-data/");
    expect(await previewOf(postId)).toMatchObject({ status: "failed" });
    for (const body of ["http://[::1", "https://" + "a".repeat(5000), "http://%zz", "ftp://example.com", "\u0000"]) {
      await expect(queueLinkPreview(ctx(), postId, body)).resolves.toBeUndefined();
    }
    expect(send).not.toHaveBeenCalled();
  });

  it("keeps the post when the queue is down", async () => {
    vi.spyOn(env.JOBS, "send").mockRejectedValue(new Error("queue unavailable"));
    const postId = await post();
    await expect(queueLinkPreview(ctx(), postId, "https://tango.example.com/")).resolves.toBeUndefined();
    expect((await previewOf(postId))?.status).toBe("pending");
  });

  it("finds the first http(s) URL without trailing punctuation", () => {
    expect(firstUrl("Go to https://example.com/a. Now!")).toBe("https://example.com/a");
    expect(firstUrl("(see http://example.com/x)")).toBe("http://example.com/x");
    expect(firstUrl("<https://example.com/y>")).toBe("https://example.com/y");
    expect(firstUrl("no links, javascript:alert(1)")).toBeUndefined();
  });
});
