import { eq } from "drizzle-orm";
import { users } from "../../db/schema";
import type { Ctx } from "../env";
import { Invalid } from "../errors";
import { hashPassword } from "../lib/password";
import { passwordProblems } from "../lib/password-policy";
import { revokeAllSessions } from "./auth";
import { consumeEmailToken, peekEmailToken } from "./email-tokens";
import { mailLinkTo } from "./member-mail";
import { clearLoginFailures, enforce } from "./rate-limit";

/** Always the same outcome for the caller, whether or not the address has an account. */
export async function requestPasswordReset(ctx: Ctx, email: string, clientIp: string): Promise<void> {
  await enforce(ctx.env, "mail.ip", `mail:ip:${clientIp}`);
  const user = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
  if (user) await mailLinkTo(ctx, user.id, "reset_password");
}

/** Sets a new password from a mailed link and signs the member out everywhere. */
export async function resetPassword(ctx: Ctx, token: string, password: string): Promise<void> {
  const userId = await peekEmailToken(ctx, token, "reset_password");
  const user = await ctx.db.select({ email: users.email, handle: users.handle, displayName: users.displayName }).from(users).where(eq(users.id, userId)).get();
  const problems = passwordProblems(password, user ?? {});
  if (problems.length > 0) throw new Invalid(problems.map((message) => ({ path: "password", message })));
  // Spent only once the new password is acceptable, so a rejected password keeps the link usable.
  await consumeEmailToken(ctx, token, "reset_password");
  await ctx.db.update(users).set({ passwordHash: await hashPassword(password), updatedAt: new Date().toISOString() }).where(eq(users.id, userId));
  await revokeAllSessions(ctx, userId, "password_reset");
  await clearLoginFailures(ctx.env, userId);
}
