import { jobSchema, type Job } from "./jobs";
import { handleChatNotify } from "./jobs/chat-notify";
import { handleEventFanOut } from "./jobs/event-fanout";
import { handleHealthProbe } from "./jobs/health-probe";
import { handleNotificationMail } from "./jobs/notification-mail";
import { handleLinkPreview } from "./jobs/link-preview";
import { handleSendEmail } from "./jobs/send-email";
import { log } from "../worker/lib/log";

const MAX_BACKOFF_SECONDS = 15 * 60;

async function runJob(job: Job, env: Cloudflare.Env): Promise<void> {
  switch (job.type) {
    case "health.probe":
      return handleHealthProbe(job);
    case "email.send":
      return handleSendEmail(job, env);
    case "event.cancelled":
    case "event.changed":
    case "event.message":
      return handleEventFanOut(job, env);
    case "notification.mail":
      return handleNotificationMail(job, env);
    case "link.preview":
      return handleLinkPreview(job, env);
    case "chat.notify":
      await handleChatNotify(job, env);
      return;
  }
}

/**
 * Runs each message on its own: a malformed job is acknowledged and logged (retrying
 * cannot fix it); a failing job retries with exponential backoff until the queue's
 * max_retries moves it to the dead-letter queue.
 */
export async function consumeJobs(batch: MessageBatch<unknown>, env: Cloudflare.Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = jobSchema.safeParse(message.body);
    if (!parsed.success) {
      log("error", "job.malformed", { queue: batch.queue, messageId: message.id, issues: parsed.error.issues.length });
      message.ack();
      continue;
    }
    try {
      await runJob(parsed.data, env);
      message.ack();
    } catch (error) {
      const delaySeconds = Math.min(MAX_BACKOFF_SECONDS, 2 ** message.attempts * 5);
      log("error", "job.failed", { type: parsed.data.type, attempts: message.attempts, delaySeconds, error: String(error) });
      message.retry({ delaySeconds });
    }
  }
}
