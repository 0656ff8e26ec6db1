import { createDb } from "../db/client";
import { sendNotificationDigests } from "../queues/jobs/notification-mail";
import type { Ctx, Env } from "./env";
import { uuidv7 } from "./lib/ids";
import { log } from "./lib/log";
import { remindStaleSeries } from "./services/event-notifications";
import { reconfirmWeeks } from "./services/events";
import { purgeExpiredTickets } from "./services/chat-tickets";
import { checkHealth } from "./services/health";
import { sweepMedia } from "./services/media";
import { expireStories } from "./services/stories";
import { extendSeriesHorizons } from "./services/occurrences";

/**
 * Cron door. Every run is a synthetic health probe, so a broken binding shows in the logs
 * even when nobody is visiting, then the maintenance tasks: recurring series get dates
 * materialized ahead, and organizers of series nobody reconfirmed get a reminder a week
 * before the series leaves listings. Each task is batch-limited and idempotent, so a
 * failing one is retried by the next run and never blocks the others.
 */
export async function runScheduled(controller: ScheduledController, env: Cloudflare.Env, now: Date = new Date()): Promise<void> {
  const report = await checkHealth(env);
  log(report.status === "ok" ? "info" : "error", "cron.health", { cron: controller.cron, ...report });

  const ctx: Ctx = { db: createDb(env.DB), env: env as Env, requestId: uuidv7(), user: null };
  const tasks: Record<string, () => Promise<number>> = {
    "series.extend": () => extendSeriesHorizons(ctx, now),
    "series.remind": () => remindStaleSeries(ctx, now, reconfirmWeeks(env as never)),
    "stories.expire": () => expireStories(ctx, now),
    "media.sweep": () => sweepMedia(ctx, now),
    "notifications.digest": () => sendNotificationDigests(ctx, now),
    "chat.tickets.purge": () => purgeExpiredTickets(ctx, now),
  };
  for (const [task, run] of Object.entries(tasks)) {
    try {
      const handled = await run();
      if (handled > 0) log("info", "cron.task", { task, handled });
    } catch (error) {
      log("error", "cron.task-failed", { task, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
