import { checkHealth } from "./services/health";
import { log } from "./lib/log";

/**
 * Cron door. Each run is a synthetic health probe so a broken binding shows in the logs
 * even when nobody is visiting; later maintenance tasks (story expiry, digests, token
 * purges) join this list.
 */
export async function runScheduled(controller: ScheduledController, env: Cloudflare.Env): Promise<void> {
  const report = await checkHealth(env);
  log(report.status === "ok" ? "info" : "error", "cron.health", { cron: controller.cron, ...report });
}
