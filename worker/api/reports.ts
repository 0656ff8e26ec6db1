import { createRoute } from "@hono/zod-openapi";
import { browserReportBatch } from "../schemas/reports";
import { recordBrowserReports } from "../services/reports";
import { apiRouter } from "./router";
import { bodyTooLargeResponse, problemResponses } from "./responses";

const reportsRoute = createRoute({
  method: "post",
  path: "/reports",
  tags: ["Operations"],
  summary: "Receive browser reports (CSP violations)",
  description: "The `Reporting-Endpoints` header points browsers here. Accepts `application/reports+json` or `application/json`.",
  request: {
    body: { required: true, content: { "application/reports+json": { schema: browserReportBatch }, "application/json": { schema: browserReportBatch } } },
  },
  responses: { 204: { description: "Recorded." }, ...problemResponses, ...bodyTooLargeResponse },
});

export const reportsApi = apiRouter().openapi(reportsRoute, (c) => {
  recordBrowserReports(c.req.valid("json"), c.var.requestId);
  return c.body(null, 204);
});
