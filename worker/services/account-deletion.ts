import { eq } from "drizzle-orm";
import { devMail, events, users } from "../../db/schema";
import type { Ctx } from "../env";
import { Unauthorized } from "../errors";
import { verifyPassword } from "../lib/password";
import { assertLoginAllowed, recordLoginFailure } from "./rate-limit";
import { deleteMediaObjectsOf } from "./media";
import { requireSignedIn } from "./users";

/**
 * Deletes the signed-in member after they confirm their password. Personal data goes
 * (profile, roles, sessions and tokens, posts, comments, reactions, follows and
 * uploads through ON DELETE CASCADE, the avatar and pictures in R2, mail kept for them); events they organized stay for the dancers who planned to go, with no
 * organizer named. Wrong passwords count towards the sign-in back-off.
 */
export async function deleteAccount(ctx: Ctx, password: string): Promise<void> {
  const me = requireSignedIn(ctx);
  const user = await ctx.db.select({ passwordHash: users.passwordHash, email: users.email, avatarKey: users.avatarKey }).from(users).where(eq(users.id, me.id)).get();
  if (!user?.passwordHash) throw new Unauthorized("This account cannot be confirmed with a password.");
  await assertLoginAllowed(ctx.env, me.id);
  if (!(await verifyPassword(password, user.passwordHash))) {
    await recordLoginFailure(ctx.env, me.id);
    throw new Unauthorized("That password is not right, so the account was not deleted.");
  }
  await ctx.db.batch([
    ctx.db.update(events).set({ organizerId: null }).where(eq(events.organizerId, me.id)),
    ctx.db.delete(devMail).where(eq(devMail.toAddress, user.email)),
    ctx.db.delete(users).where(eq(users.id, me.id)),
  ]);
  if (user.avatarKey) await ctx.env.MEDIA.delete(user.avatarKey);
  // Their posts, stories and uploads went with the row (ON DELETE CASCADE); their pictures go too.
  await deleteMediaObjectsOf(ctx.env, me.id);
  ctx.user = null;
}
