import { createRoute } from "@hono/zod-openapi";
import { cityListSchema } from "../schemas/cities";
import { listCities } from "../services/cities";
import { apiRouter } from "./router";
import { problemResponses } from "./responses";

const listCitiesRoute = createRoute({
  method: "get",
  path: "/cities",
  tags: ["Cities"],
  summary: "Cities with a tango community",
  responses: {
    200: { description: "Every city, by name.", content: { "application/json": { schema: cityListSchema } } },
    500: problemResponses[500],
  },
});

export const citiesApi = apiRouter().openapi(listCitiesRoute, async (c) => {
  return c.json({ data: await listCities(c.var.ctx) }, 200);
});
