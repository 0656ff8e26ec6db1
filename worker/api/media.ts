import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { Invalid } from "../errors";
import { mediaIdParam, mediaSchema } from "../schemas/media";
import { getMediaObject, uploadMedia } from "../services/media";
import { requireSignedIn } from "../services/users";
import { apiRouter } from "./router";
import { problem, problemResponses } from "./responses";

const uploadRoute = createRoute({
  method: "post",
  path: "/media",
  tags: ["Media"],
  summary: "Upload a picture for a post or a story",
  description:
    "multipart/form-data with one file field `file`: JPEG, PNG, WebP or GIF, recognised by its bytes (never its name or declared type), at most 10 MB. EXIF, XMP and comments (location above all) are removed before it is stored. Verified members only; 60 uploads an hour. An upload nothing refers to within 24 hours is deleted.",
  security: [{ bearer: [] }],
  responses: {
    201: { description: "Stored; attach it with `mediaIds` (posts) or `mediaId` (stories).", content: { "application/json": { schema: mediaSchema } } },
    401: problem("Not signed in."),
    403: problem("Your email address is not confirmed yet."),
    413: problem("Larger than 10 MB."),
    415: problem("Not a JPEG, PNG, WebP or GIF picture."),
    422: problem("The picture is damaged or incomplete (no readable size)."),
    429: problem("Too many uploads; wait `Retry-After` seconds."),
    ...problemResponses,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/media/{id}",
  tags: ["Media"],
  summary: "An uploaded picture",
  description:
    "Served with a one-year immutable cache, its ETag and stored type, `nosniff` and a CSP that forbids scripts. The id is unguessable: whoever has the URL can see the picture (docs/media.md).",
  request: { params: mediaIdParam },
  responses: {
    200: { description: "The picture.", content: { "image/*": { schema: z.string().meta({ format: "binary" }) } } },
    304: { description: "Not modified (If-None-Match)." },
    404: problem("No picture with this id."),
    ...problemResponses,
  },
});

/** Nothing served from /media may run a script or be framed, whatever a browser makes of it. */
export const MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'";

/**
 * Mounted in worker/app.ts outside the site-wide secure headers, so it has the last word on
 * the picture's CSP (the site's own policy allows same-origin scripts).
 */
export const mediaResponseHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (c.req.method === "GET" || c.req.method === "HEAD") c.res.headers.set("Content-Security-Policy", MEDIA_CSP);
});

export const mediaApi = apiRouter()
  .openapi(uploadRoute, async (c) => {
    requireSignedIn(c.var.ctx);
    if (!(c.req.header("Content-Type") ?? "").startsWith("multipart/form-data")) throw Invalid.field("file", "send the picture as multipart/form-data in a field named file");
    let form: Record<string, unknown>;
    try {
      form = await c.req.parseBody();
    } catch {
      throw Invalid.field("file", "send the picture as multipart/form-data in a field named file");
    }
    const file = form["file"];
    if (!(file instanceof File)) throw Invalid.field("file", "send the picture as a file field named file");
    return c.json(await uploadMedia(c.var.ctx, new Uint8Array(await file.arrayBuffer())), 201);
  })
  .openapi(getRoute, async (c) => {
    const { object, contentType } = await getMediaObject(c.var.ctx, c.req.valid("param").id);
    const headers = {
      "Content-Type": contentType,
      "Cache-Control": "public, max-age=31536000, immutable",
      ETag: object.httpEtag,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": MEDIA_CSP,
      "Content-Disposition": "inline",
      "Cross-Origin-Resource-Policy": "same-site",
    };
    const ifNoneMatch = c.req.header("If-None-Match");
    if (ifNoneMatch && ifNoneMatch.split(",").some((tag) => tag.trim() === object.httpEtag || tag.trim() === "*")) {
      if ("body" in object) await object.body.cancel();
      return new Response(null, { status: 304, headers }) as never;
    }
    return new Response("body" in object ? object.body : null, { status: 200, headers }) as never;
  });
