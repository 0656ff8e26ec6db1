import { createRoute, z } from "@hono/zod-openapi";
import { checkHealth } from "../services/health";
import { apiRouter } from "./router";

const check = z.enum(["ok", "failed"]);
const healthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    checks: z.object({ d1: check, kv: check, r2: check, queue: check, durableObject: check }),
  })
  .meta({ id: "Health" });

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
  const report = await checkHealth(c.env);
  c.header("Cache-Control", "no-store");
  return report.status === "ok" ? c.json(report, 200) : c.json(report, 503);
});
