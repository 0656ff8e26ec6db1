import { and, eq, gt, isNull } from "drizzle-orm";
import { emailTokens, type EmailTokenPurpose } from "../../db/schema";
import type { Ctx } from "../env";
import { Invalid } from "../errors";
import { randomToken, sha256Hex } from "../lib/tokens";

const TTL_SECONDS: Record<EmailTokenPurpose, number> = {
  verify_email: 24 * 60 * 60,
  reset_password: 60 * 60,
};

/** A fresh single-use token for a mailed link; only its hash is stored. */
export async function issueEmailToken(ctx: Ctx, userId: string, purpose: EmailTokenPurpose): Promise<string> {
  const token = randomToken();
  const now = Date.now();
  await ctx.db.insert(emailTokens).values({
    tokenHash: await sha256Hex(token),
    userId,
    purpose,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + TTL_SECONDS[purpose] * 1000).toISOString(),
  });
  return token;
}

/** Whose token this is, if it is still good, without spending it (so a form error keeps the link usable). */
export async function peekEmailToken(ctx: Ctx, token: string, purpose: EmailTokenPurpose): Promise<string> {
  const row = await ctx.db
    .select({ userId: emailTokens.userId })
    .from(emailTokens)
    .where(and(eq(emailTokens.tokenHash, await sha256Hex(token)), eq(emailTokens.purpose, purpose), isNull(emailTokens.usedAt), gt(emailTokens.expiresAt, new Date().toISOString())))
    .get();
  if (!row) throw invalidLink();
  return row.userId;
}

/**
 * Spends a token: returns its member's id exactly once, before it expires. The conditional
 * update makes a token that is clicked twice at the same moment work only once.
 */
export async function consumeEmailToken(ctx: Ctx, token: string, purpose: EmailTokenPurpose): Promise<string> {
  const now = new Date().toISOString();
  const spent = await ctx.db
    .update(emailTokens)
    .set({ usedAt: now })
    .where(and(eq(emailTokens.tokenHash, await sha256Hex(token)), eq(emailTokens.purpose, purpose), isNull(emailTokens.usedAt), gt(emailTokens.expiresAt, now)))
    .returning({ userId: emailTokens.userId });
  if (!spent[0]) throw invalidLink();
  return spent[0].userId;
}

function invalidLink(): Invalid {
  return Invalid.field("token", "This link is invalid, expired or already used. Ask for a new one.");
}
