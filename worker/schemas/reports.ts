import { z } from "zod";

/** One entry of a Reporting API batch (`Content-Type: application/reports+json`). */
export const browserReportSchema = z.object({
  type: z.string().max(64),
  url: z.string().max(2048),
  age: z.number().int().nonnegative().optional(),
  user_agent: z.string().max(512).optional(),
  body: z.record(z.string().max(64), z.unknown()).optional(),
});

/** Browsers batch a few reports at a time; more than this is noise aimed at our logs. */
export const browserReportBatch = z.array(browserReportSchema).min(1).max(20).meta({ id: "BrowserReports" });
export type BrowserReport = z.infer<typeof browserReportSchema>;
