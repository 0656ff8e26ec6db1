import { createRoute, z } from "@hono/zod-openapi";
import { handleSchema } from "../schemas/auth";
import { blockStateSchema, followStateSchema, memberSummaryPageSchema, muteStateSchema, pageQuery } from "../schemas/social";
import { block, follow, listFollowers, listFollowing, listMyBlocks, listMyMutes, mute, unblock, unfollow, unmute } from "../services/social-graph";
import { apiRouter } from "./router";
import { problem, problemResponses } from "./responses";

const signedIn = { security: [{ bearer: [] }] };
const params = z.object({ handle: handleSchema });
const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const notFound = { 404: problem("No member has this handle.") };
const unauthorized = { 401: problem("Not signed in.") };

const followRoute = createRoute({
  method: "post",
  path: "/users/{handle}/follow",
  tags: ["Social graph"],
  summary: "Follow a member",
  description: "Idempotent: 201 when this call started the follow (the member is notified once), 200 when you already followed. 400 for yourself, 403 across a block.",
  ...signedIn,
  request: { params },
  responses: {
    201: { description: "Now following.", content: json(followStateSchema) },
    200: { description: "Already following.", content: json(followStateSchema) },
    ...unauthorized,
    403: problem("A block between you and this member."),
    ...notFound,
    ...problemResponses,
  },
});

const unfollowRoute = createRoute({
  method: "delete",
  path: "/users/{handle}/follow",
  tags: ["Social graph"],
  summary: "Stop following a member",
  description: "Idempotent: 204 whether or not you followed.",
  ...signedIn,
  request: { params },
  responses: { 204: { description: "Not following." }, ...unauthorized, ...notFound, ...problemResponses },
});

const followersRoute = createRoute({
  method: "get",
  path: "/users/{handle}/followers",
  tags: ["Social graph"],
  summary: "Who follows a member",
  description: "Newest first. Members blocked either way with the viewer are left out.",
  request: { params, query: pageQuery },
  responses: { 200: { description: "A page of members.", content: json(memberSummaryPageSchema) }, ...notFound, ...problemResponses },
});

const followingRoute = createRoute({
  method: "get",
  path: "/users/{handle}/following",
  tags: ["Social graph"],
  summary: "Whom a member follows",
  description: "Newest first. Members blocked either way with the viewer are left out.",
  request: { params, query: pageQuery },
  responses: { 200: { description: "A page of members.", content: json(memberSummaryPageSchema) }, ...notFound, ...problemResponses },
});

const blockRoute = createRoute({
  method: "post",
  path: "/users/{handle}/block",
  tags: ["Social graph"],
  summary: "Block a member",
  description:
    "Removes follows both ways and refuses new follows, comments, reactions and mentions between you; each of you stops seeing the other's content. The member is not told. 201 when new, 200 when already blocked.",
  ...signedIn,
  request: { params },
  responses: {
    201: { description: "Blocked.", content: json(blockStateSchema) },
    200: { description: "Already blocked.", content: json(blockStateSchema) },
    ...unauthorized,
    ...notFound,
    ...problemResponses,
  },
});

const unblockRoute = createRoute({
  method: "delete",
  path: "/users/{handle}/block",
  tags: ["Social graph"],
  summary: "Unblock a member",
  description: "Idempotent: 204. Follows removed by the block do not come back.",
  ...signedIn,
  request: { params },
  responses: { 204: { description: "Not blocked." }, ...unauthorized, ...notFound, ...problemResponses },
});

const muteRoute = createRoute({
  method: "post",
  path: "/users/{handle}/mute",
  tags: ["Social graph"],
  summary: "Mute a member",
  description: "Only hides their posts and notifications from you; follows stay and they are not told. 201 when new, 200 when already muted.",
  ...signedIn,
  request: { params },
  responses: {
    201: { description: "Muted.", content: json(muteStateSchema) },
    200: { description: "Already muted.", content: json(muteStateSchema) },
    ...unauthorized,
    ...notFound,
    ...problemResponses,
  },
});

const unmuteRoute = createRoute({
  method: "delete",
  path: "/users/{handle}/mute",
  tags: ["Social graph"],
  summary: "Unmute a member",
  description: "Idempotent: 204.",
  ...signedIn,
  request: { params },
  responses: { 204: { description: "Not muted." }, ...unauthorized, ...notFound, ...problemResponses },
});

const myBlocksRoute = createRoute({
  method: "get",
  path: "/me/blocks",
  tags: ["Social graph"],
  summary: "Members you blocked",
  description: "Newest first, so a block can be undone.",
  ...signedIn,
  request: { query: pageQuery },
  responses: { 200: { description: "A page of members.", content: json(memberSummaryPageSchema) }, ...unauthorized, ...problemResponses },
});

const myMutesRoute = createRoute({
  method: "get",
  path: "/me/mutes",
  tags: ["Social graph"],
  summary: "Members you muted",
  description: "Newest first, so a mute can be undone.",
  ...signedIn,
  request: { query: pageQuery },
  responses: { 200: { description: "A page of members.", content: json(memberSummaryPageSchema) }, ...unauthorized, ...problemResponses },
});

export const socialApi = apiRouter()
  .openapi(followRoute, async (c) => {
    const { created, ...state } = await follow(c.var.ctx, c.req.valid("param").handle);
    return c.json(state, created ? 201 : 200);
  })
  .openapi(unfollowRoute, async (c) => {
    await unfollow(c.var.ctx, c.req.valid("param").handle);
    return c.body(null, 204);
  })
  .openapi(followersRoute, async (c) => c.json(await listFollowers(c.var.ctx, c.req.valid("param").handle, c.req.valid("query")), 200))
  .openapi(followingRoute, async (c) => c.json(await listFollowing(c.var.ctx, c.req.valid("param").handle, c.req.valid("query")), 200))
  .openapi(blockRoute, async (c) => {
    const { created } = await block(c.var.ctx, c.req.valid("param").handle);
    return c.json({ blocking: true }, created ? 201 : 200);
  })
  .openapi(unblockRoute, async (c) => {
    await unblock(c.var.ctx, c.req.valid("param").handle);
    return c.body(null, 204);
  })
  .openapi(muteRoute, async (c) => {
    const { created } = await mute(c.var.ctx, c.req.valid("param").handle);
    return c.json({ muting: true }, created ? 201 : 200);
  })
  .openapi(unmuteRoute, async (c) => {
    await unmute(c.var.ctx, c.req.valid("param").handle);
    return c.body(null, 204);
  })
  .openapi(myBlocksRoute, async (c) => c.json(await listMyBlocks(c.var.ctx, c.req.valid("query")), 200))
  .openapi(myMutesRoute, async (c) => c.json(await listMyMutes(c.var.ctx, c.req.valid("query")), 200));
