import { createRoute } from "@hono/zod-openapi";
import { healthSchema } from "../schemas/health";
import { checkHealth } from "../services/health";
import { apiRouter } from "./router";

/** Public and unauthenticated: answer repeated probes from one recent check, not new sends. */
const HEALTH_CACHE_MS = 5_000;

const healthRoute = createRoute({
  method: "get",
  path: "/health",
  tags: ["Operations"],
  summary: "Round-trips every binding",
  responses: {
    200: { description: "Everything answered.", content: { "application/json": { schema: healthSchema } } },
    503: { description: "At least one check failed; `checks` names it.", content: { "application/json": { schema: healthSchema } } },
  },
});

export const healthApi = apiRouter().openapi(healthRoute, async (c) => {
  const report = await checkHealth(c.env, { maxAgeMs: HEALTH_CACHE_MS });
  c.header("Cache-Control", "no-store");
  return report.status === "ok" ? c.json(report, 200) : c.json(report, 503);
});
