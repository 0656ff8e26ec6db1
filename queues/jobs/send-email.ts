import { createDb } from "../../db/client";
import { renderMail } from "../../worker/lib/mail/templates";
import { mailSenderFor } from "../../worker/lib/mail/sender";
import type { Job } from "../jobs";

const SENT_MARK_TTL_SECONDS = 7 * 24 * 60 * 60;

/**
 * Renders and sends one mail. The idempotency key is marked in KV after a successful send,
 * so a redelivered message does not mail the member twice.
 */
export async function handleSendEmail(job: Extract<Job, { type: "email.send" }>, env: Cloudflare.Env): Promise<void> {
  const mark = `mail-sent:${job.idempotencyKey}`;
  if (await env.CACHE.get(mark)) return;
  const mail = renderMail(job.template, job.language);
  await mailSenderFor(env, createDb(env.DB)).send({ to: job.to, ...mail });
  await env.CACHE.put(mark, "1", { expirationTtl: SENT_MARK_TTL_SECONDS });
}
