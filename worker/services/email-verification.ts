import { eq } from "drizzle-orm";
import { users } from "../../db/schema";
import type { Ctx } from "../env";
import { consumeEmailToken } from "./email-tokens";
import { mailLinkTo } from "./member-mail";

export function sendVerificationEmail(ctx: Ctx, userId: string): Promise<void> {
  return mailLinkTo(ctx, userId, "verify_email");
}

export async function verifyEmail(ctx: Ctx, token: string): Promise<void> {
  const userId = await consumeEmailToken(ctx, token, "verify_email");
  await ctx.db.update(users).set({ emailVerifiedAt: new Date().toISOString() }).where(eq(users.id, userId));
}
