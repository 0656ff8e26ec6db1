import { eq } from "drizzle-orm";
import { users } from "../../db/schema";
import { enqueue } from "../../queues/producer";
import type { Ctx } from "../env";
import { uuidv7 } from "../lib/ids";
import { consumeEmailToken, issueEmailToken } from "./email-tokens";

/** Mails a verification link; the mail itself goes out through the JOBS queue. */
export async function sendVerificationEmail(ctx: Ctx, userId: string): Promise<void> {
  const user = await ctx.db.select({ email: users.email, displayName: users.displayName, language: users.language }).from(users).where(eq(users.id, userId)).get();
  if (!user) return;
  const token = await issueEmailToken(ctx, userId, "verify_email");
  await enqueue(ctx.env.JOBS, {
    type: "email.send",
    idempotencyKey: uuidv7(),
    to: user.email,
    language: user.language,
    template: { name: "verify-email", displayName: user.displayName, link: `${ctx.env.APP_ORIGIN}/verify-email?token=${token}` },
  });
}

export async function verifyEmail(ctx: Ctx, token: string): Promise<void> {
  const userId = await consumeEmailToken(ctx, token, "verify_email");
  await ctx.db.update(users).set({ emailVerifiedAt: new Date().toISOString() }).where(eq(users.id, userId));
}
