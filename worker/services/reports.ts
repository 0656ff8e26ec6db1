import { log } from "../lib/log";
import type { BrowserReport } from "../schemas/reports";

const MAX_FIELD_CHARS = 300;

/**
 * Browsers post CSP violations here (Reporting API). They go to the structured log with
 * every field clipped: the payload is attacker-controlled and must not flood the logs.
 */
export function recordBrowserReports(reports: BrowserReport[], requestId: string): void {
  for (const report of reports) {
    const body = report.body ?? {};
    log("warn", "browser.report", {
      requestId,
      type: report.type,
      url: clip(report.url),
      directive: clip(body.effectiveDirective),
      blockedURL: clip(body.blockedURL),
      disposition: clip(body.disposition),
    });
  }
}

function clip(value: unknown): string | undefined {
  return typeof value === "string" ? value.slice(0, MAX_FIELD_CHARS) : undefined;
}
