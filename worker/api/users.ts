import { createRoute, z } from "@hono/zod-openapi";
import { handleSchema, publicProfileSchema } from "../schemas/auth";
import { getAvatar } from "../services/avatars";
import { getPublicProfile } from "../services/users";
import { apiRouter } from "./router";
import { problem, problemResponses } from "./responses";

const publicProfileRoute = createRoute({
  method: "get",
  path: "/users/{handle}",
  tags: ["Members"],
  summary: "A member's public profile",
  request: { params: z.object({ handle: handleSchema }) },
  responses: {
    200: { description: "What anyone may see of this member.", content: { "application/json": { schema: publicProfileSchema } } },
    404: problem("No member has this handle."),
    ...problemResponses,
  },
});

const avatarRoute = createRoute({
  method: "get",
  path: "/users/{handle}/avatar",
  tags: ["Members"],
  summary: "A member's profile picture",
  request: { params: z.object({ handle: handleSchema }) },
  responses: {
    200: { description: "The picture (JPEG, PNG or WebP).", content: { "image/*": { schema: z.string().meta({ format: "binary" }) } } },
    404: problem("No such member, or no picture."),
    ...problemResponses,
  },
});

export const usersApi = apiRouter()
  .openapi(publicProfileRoute, async (c) => c.json(await getPublicProfile(c.var.ctx, c.req.valid("param").handle), 200))
  .openapi(avatarRoute, async (c) => {
    const picture = await getAvatar(c.var.ctx, c.req.valid("param").handle);
    return c.body(picture.body, 200, {
      "Content-Type": picture.httpMetadata?.contentType ?? "application/octet-stream",
      "Cache-Control": "public, max-age=86400",
      ETag: picture.httpEtag,
    }) as never;
  });
