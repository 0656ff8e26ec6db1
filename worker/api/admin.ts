import { createRoute, z } from "@hono/zod-openapi";
import { roles } from "../../db/schema/users";
import { setRoles } from "../services/admin";
import { apiRouter } from "./router";
import { problem, problemResponses } from "./responses";

const setRolesInput = z
  .strictObject({ roles: z.array(z.enum(roles, { error: `each role must be one of ${roles.join(", ")}` })).max(roles.length) })
  .meta({ id: "SetRolesInput" });

const setRolesRoute = createRoute({
  method: "patch",
  path: "/admin/users/{id}",
  tags: ["Admin"],
  summary: "Set a member's roles",
  description: "Admins manage organizer and moderator; only founders manage admin and founder.",
  security: [{ bearer: [] }],
  request: {
    params: z.object({ id: z.string().min(1).max(64) }),
    body: { required: true, content: { "application/json": { schema: setRolesInput } } },
  },
  responses: {
    200: { description: "The member's roles now.", content: { "application/json": { schema: z.object({ id: z.string(), roles: z.array(z.enum(roles)) }) } } },
    401: problem("Not signed in."),
    403: problem("Not allowed to manage one of these roles."),
    404: problem("No member with that id."),
    ...problemResponses,
  },
});

export const adminApi = apiRouter().openapi(setRolesRoute, async (c) => c.json(await setRoles(c.var.ctx, c.req.valid("param").id, c.req.valid("json").roles), 200));
