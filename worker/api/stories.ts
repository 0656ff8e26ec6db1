import { createRoute, z } from "@hono/zod-openapi";
import { handleSchema } from "../schemas/auth";
import { cursorParam, limitParam } from "../schemas/common";
import { createStoryInput, storyGroupPageSchema, storyListSchema, storySchema } from "../schemas/stories";
import { createStory, deleteStory, listStoryGroups, listUserStories } from "../services/stories";
import { apiRouter } from "./router";
import { bodyTooLargeResponse, problem, problemResponses } from "./responses";

const signedIn = { security: [{ bearer: [] }] };
const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });

const createRouteDef = createRoute({
  method: "post",
  path: "/stories",
  tags: ["Stories"],
  summary: "Post a story",
  description: "A short text (at most 280 characters), a picture you uploaded (`mediaId` from POST /api/v1/media), or both. Your followers and you see it for 24 hours; then it and its picture are deleted.",
  ...signedIn,
  request: { body: { required: true, content: json(createStoryInput) } },
  responses: {
    201: { description: "Posted.", content: json(storySchema) },
    401: problem("Not signed in."),
    403: problem("Your email address is not confirmed yet."),
    409: problem("You already have 30 stories up."),
    ...bodyTooLargeResponse,
    ...problemResponses,
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/stories",
  tags: ["Stories"],
  summary: "Stories of the members you follow, and yours",
  description: "Grouped by author, the author who posted most recently first; within a group oldest first. Muted and blocked members are left out.",
  ...signedIn,
  request: { query: z.object({ limit: limitParam, cursor: cursorParam }) },
  responses: { 200: { description: "A page of authors with their stories.", content: json(storyGroupPageSchema) }, 401: problem("Not signed in."), ...problemResponses },
});

const userStoriesRoute = createRoute({
  method: "get",
  path: "/users/{handle}/stories",
  tags: ["Stories"],
  summary: "A member's unexpired stories",
  description: "For the member and their followers, oldest first.",
  ...signedIn,
  request: { params: z.object({ handle: handleSchema }) },
  responses: {
    200: { description: "Their stories.", content: json(storyListSchema) },
    401: problem("Not signed in."),
    403: problem("You do not follow this member."),
    404: problem("No member has this handle."),
    ...problemResponses,
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/stories/{id}",
  tags: ["Stories"],
  summary: "Delete your story",
  ...signedIn,
  request: { params: z.object({ id: z.string().min(1).max(64).meta({ description: "Story id." }) }) },
  responses: {
    204: { description: "Deleted, with its picture." },
    401: problem("Not signed in."),
    403: problem("Not your story."),
    404: problem("No story with this id."),
    ...problemResponses,
  },
});

export const storiesApi = apiRouter()
  .openapi(createRouteDef, async (c) => c.json(await createStory(c.var.ctx, c.req.valid("json")), 201))
  .openapi(listRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await listStoryGroups(c.var.ctx, { limit, cursor }), 200);
  })
  .openapi(userStoriesRoute, async (c) => c.json({ data: await listUserStories(c.var.ctx, c.req.valid("param").handle) }, 200))
  .openapi(deleteRoute, async (c) => {
    await deleteStory(c.var.ctx, c.req.valid("param").id);
    return c.body(null, 204);
  });
