import { createRoute, z } from "@hono/zod-openapi";
import { apiRouter } from "./router";

const helloRoute = createRoute({
  method: "get",
  path: "/hello",
  tags: ["Operations"],
  summary: "Hello, world",
  description: "Touches no binding: `npm run bench` reports every route as a ratio to this one, measured in the same run.",
  responses: {
    200: { description: "Always.", content: { "application/json": { schema: z.object({ hello: z.literal("world") }) } } },
  },
});

export const helloApi = apiRouter().openapi(helloRoute, (c) => c.json({ hello: "world" as const }, 200));
