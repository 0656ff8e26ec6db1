import { createRoute } from "@hono/zod-openapi";
import { searchPageSchema, searchQuery } from "../schemas/search";
import { search } from "../services/search";
import { apiRouter } from "./router";
import { problemResponses } from "./responses";

const searchRoute = createRoute({
  method: "get",
  path: "/search",
  tags: ["Search"],
  summary: "Search people, events, posts or groups",
  description:
    "Full-text search, best match first. Every word matches as a prefix, ignoring case and accents (`cancion` finds “Canción”); `#tango` finds the word tango. " +
    "Search syntax is never interpreted, so any text is safe to send. Results respect visibility: posts only when you may read them, nobody blocked either way, " +
    "no cancelled events; private groups are listed, their posts are not. At most 200 results per query; 400 names `q` when it is empty or longer than 200 characters.",
  request: { query: searchQuery },
  responses: {
    200: { description: "A page of results of the requested type.", content: { "application/json": { schema: searchPageSchema } } },
    ...problemResponses,
  },
});

export const searchApi = apiRouter().openapi(searchRoute, async (c) => c.json(await search(c.var.ctx, c.req.valid("query")), 200));
