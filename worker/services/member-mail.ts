import { eq } from "drizzle-orm";
import { users } from "../../db/schema";
import type { EmailTokenPurpose } from "../../db/schema/email-tokens";
import { enqueue } from "../../queues/producer";
import type { Ctx } from "../env";
import { uuidv7 } from "../lib/ids";
import { issueEmailToken } from "./email-tokens";

const LINKS: Record<EmailTokenPurpose, { template: "verify-email" | "reset-password"; path: string }> = {
  verify_email: { template: "verify-email", path: "/verify-email" },
  reset_password: { template: "reset-password", path: "/reset-password" },
};

/**
 * Mails a member a single-use link in their language. The mail leaves through the JOBS
 * queue, so a slow or failing provider never fails the request that asked for it.
 */
export async function mailLinkTo(ctx: Ctx, userId: string, purpose: EmailTokenPurpose): Promise<void> {
  const user = await ctx.db.select({ email: users.email, displayName: users.displayName, language: users.language }).from(users).where(eq(users.id, userId)).get();
  if (!user) return;
  const token = await issueEmailToken(ctx, userId, purpose);
  const { template, path } = LINKS[purpose];
  await enqueue(ctx.env.JOBS, {
    type: "email.send",
    idempotencyKey: uuidv7(),
    to: user.email,
    language: user.language,
    template: { name: template, displayName: user.displayName, link: `${ctx.env.APP_ORIGIN}${path}?token=${encodeURIComponent(token)}` },
  });
}
