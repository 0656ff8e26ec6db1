import { createRoute, z } from "@hono/zod-openapi";
import { deleteAccountInput, meSchema, sessionSchema, updateProfileInput } from "../schemas/auth";
import { Invalid } from "../errors";
import { deleteAccount } from "../services/account-deletion";
import { setAvatar } from "../services/avatars";
import { listSessions, revokeSession } from "../services/auth";
import { getMe, requireSignedIn, updateMe } from "../services/users";
import { apiRouter } from "./router";
import { problem, problemResponses } from "./responses";

const signedIn = { security: [{ bearer: [] }] };
const unauthorized = { 401: problem("Not signed in, or the token expired.") };

const meRoute = createRoute({
  method: "get",
  path: "/me",
  tags: ["Me"],
  summary: "The signed-in member",
  ...signedIn,
  responses: { 200: { description: "Profile, roles and email status.", content: { "application/json": { schema: meSchema } } }, ...unauthorized, ...problemResponses },
});

const updateMeRoute = createRoute({
  method: "patch",
  path: "/me",
  tags: ["Me"],
  summary: "Edit your profile",
  description: "Send only the fields to change; `null` clears one.",
  ...signedIn,
  request: { body: { required: true, content: { "application/json": { schema: updateProfileInput } } } },
  responses: { 200: { description: "The updated profile.", content: { "application/json": { schema: meSchema } } }, ...unauthorized, ...problemResponses },
});

const deleteMeRoute = createRoute({
  method: "delete",
  path: "/me",
  tags: ["Me"],
  summary: "Delete your account",
  description: "Needs your password. Personal data is removed; events you organized stay, with no organizer named.",
  ...signedIn,
  request: { body: { required: true, content: { "application/json": { schema: deleteAccountInput } } } },
  responses: { 204: { description: "Deleted." }, ...unauthorized, 429: problem("Too many wrong passwords; wait `Retry-After` seconds."), ...problemResponses },
});

const avatarRoute = createRoute({
  method: "post",
  path: "/me/avatar",
  tags: ["Me"],
  summary: "Upload your profile picture",
  description:
    "multipart/form-data with one file field `avatar`: JPEG, PNG or WebP (recognised by content, not name), at most 5 MB. Location and other metadata are removed before it is stored.",
  ...signedIn,
  responses: {
    200: { description: "Stored.", content: { "application/json": { schema: z.object({ avatarUrl: z.string() }) } } },
    413: problem("Larger than 5 MB."),
    ...unauthorized,
    ...problemResponses,
  },
});

const sessionsRoute = createRoute({
  method: "get",
  path: "/me/sessions",
  tags: ["Me"],
  summary: "Where you are signed in",
  ...signedIn,
  responses: {
    200: { description: "Active sessions, oldest first.", content: { "application/json": { schema: z.object({ data: z.array(sessionSchema) }) } } },
    ...unauthorized,
    ...problemResponses,
  },
});

const revokeSessionRoute = createRoute({
  method: "delete",
  path: "/me/sessions/{id}",
  tags: ["Me"],
  summary: "Sign out one of your sessions",
  ...signedIn,
  request: { params: z.object({ id: z.string().min(1).max(64) }) },
  responses: { 204: { description: "Signed out there." }, 404: problem("You have no active session with that id."), ...unauthorized, ...problemResponses },
});

export const meApi = apiRouter()
  .openapi(meRoute, async (c) => c.json(await getMe(c.var.ctx, requireSignedIn(c.var.ctx).id), 200))
  .openapi(updateMeRoute, async (c) => c.json(await updateMe(c.var.ctx, c.req.valid("json")), 200))
  .openapi(deleteMeRoute, async (c) => {
    await deleteAccount(c.var.ctx, c.req.valid("json").password);
    return c.body(null, 204);
  })
  .openapi(avatarRoute, async (c) => {
    requireSignedIn(c.var.ctx);
    const contentType = c.req.header("Content-Type") ?? "";
    if (!contentType.startsWith("multipart/form-data")) throw Invalid.field("avatar", "send the picture as multipart/form-data in a field named avatar");
    const file = (await c.req.parseBody())["avatar"];
    if (!(file instanceof File)) throw Invalid.field("avatar", "send the picture as a file field named avatar");
    return c.json(await setAvatar(c.var.ctx, new Uint8Array(await file.arrayBuffer())), 200);
  })
  .openapi(sessionsRoute, async (c) => c.json({ data: await listSessions(c.var.ctx) }, 200))
  .openapi(revokeSessionRoute, async (c) => {
    await revokeSession(c.var.ctx, c.req.valid("param").id);
    return c.body(null, 204);
  });
