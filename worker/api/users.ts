import { createRoute, z } from "@hono/zod-openapi";
import { handleSchema, publicProfileSchema } from "../schemas/auth";
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

export const usersApi = apiRouter().openapi(publicProfileRoute, async (c) => c.json(await getPublicProfile(c.var.ctx, c.req.valid("param").handle), 200));
