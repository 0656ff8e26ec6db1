import { createRoute } from "@hono/zod-openapi";
import { eventPageSchema, listEventsQuery } from "../schemas/events";
import { listUpcomingEvents } from "../services/events";
import { apiRouter } from "./router";
import { problemResponses } from "./responses";

const listEventsRoute = createRoute({
  method: "get",
  path: "/events",
  tags: ["Events"],
  summary: "Upcoming events",
  description: "Milongas, prácticas, classes, workshops, festivals and marathons, soonest first.",
  request: { query: listEventsQuery },
  responses: {
    200: { description: "A page of events.", content: { "application/json": { schema: eventPageSchema } } },
    ...problemResponses,
  },
});

export const eventsApi = apiRouter().openapi(listEventsRoute, async (c) => {
  return c.json(await listUpcomingEvents(c.var.ctx, c.req.valid("query")), 200);
});
