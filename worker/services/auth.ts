import { and, eq, gt, isNull } from "drizzle-orm";
import { refreshTokens, sessions, userRoles, users } from "../../db/schema";
import type { Ctx } from "../env";
import { Conflict, NotFound, Unauthorized } from "../errors";
import { describeDevice } from "../lib/device";
import { uuidv7 } from "../lib/ids";
import { log } from "../lib/log";
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from "../lib/password";
import { ACCESS_TOKEN_TTL_SECONDS, REFRESH_TOKEN_TTL_SECONDS, randomToken, sha256Hex, signAccessToken } from "../lib/tokens";
import type { AuthResult, LoginInput, RegisterInput, SessionDto } from "../schemas/auth";
import { sendVerificationEmail } from "./email-verification";
import { assertLoginAllowed, clearLoginFailures, enforce, recordLoginFailure } from "./rate-limit";
import { getMe, requireSignedIn, uniqueHandleFrom } from "./users";

/** Where a sign-in comes from: for rate limits and the session list. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

const WRONG_CREDENTIALS = "The email or password is not right.";

export async function register(ctx: Ctx, input: RegisterInput, client: ClientInfo): Promise<AuthResult> {
  await enforce(ctx.env, "register.ip", `register:ip:${client.ip}`);
  const existing = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, input.email)).get();
  if (existing) throw new Conflict("An account with this email already exists. Sign in, or reset your password.", [{ path: "email", message: "is already registered" }]);
  if (input.handle) {
    const taken = await ctx.db.select({ id: users.id }).from(users).where(eq(users.handle, input.handle)).get();
    if (taken) throw new Conflict("That handle is taken.", [{ path: "handle", message: "is already taken; choose another" }]);
  }
  const handle = input.handle ?? (await uniqueHandleFrom(ctx, input.displayName));
  const now = new Date().toISOString();
  const userId = uuidv7();
  const passwordHash = await hashPassword(input.password);
  try {
    await ctx.db.batch([
      ctx.db.insert(users).values({ id: userId, email: input.email, handle, displayName: input.displayName, passwordHash, createdAt: now }),
      ctx.db.insert(userRoles).values({ userId, role: "member", grantedAt: now }),
    ]);
  } catch (error) {
    // Two sign-ups racing for the same email or handle: the unique index decides.
    if (/UNIQUE constraint failed: users\.(email|handle)/.test(String((error as Error)?.message ?? error) + String((error as { cause?: unknown })?.cause ?? ""))) {
      throw new Conflict("An account with this email or handle was just created.", [{ path: /handle/.test(String(error)) ? "handle" : "email", message: "is already registered" }]);
    }
    throw error;
  }
  await sendVerificationEmail(ctx, userId);
  return startSession(ctx, userId, client);
}

export async function login(ctx: Ctx, input: LoginInput, client: ClientInfo): Promise<AuthResult> {
  await enforce(ctx.env, "login.ip", `login:ip:${client.ip}`);
  const user = await ctx.db.select({ id: users.id, passwordHash: users.passwordHash }).from(users).where(eq(users.email, input.email)).get();
  if (!user?.passwordHash) {
    // Spend the same time as a real check, so response times do not reveal who has an account.
    await verifyAgainstDummy(input.password);
    throw new Unauthorized(WRONG_CREDENTIALS);
  }
  // Checked before the password: while backing off, even the right password is refused.
  await assertLoginAllowed(ctx.env, user.id);
  if (!(await verifyPassword(input.password, user.passwordHash))) {
    await recordLoginFailure(ctx.env, user.id);
    throw new Unauthorized(WRONG_CREDENTIALS);
  }
  await clearLoginFailures(ctx.env, user.id);
  if (needsRehash(user.passwordHash)) {
    const upgrade = upgradePasswordHash(ctx, user.id, user.passwordHash, input.password);
    if (ctx.waitUntil) ctx.waitUntil(upgrade);
    else await upgrade;
  }
  return startSession(ctx, user.id, client);
}

/**
 * The only moment we hold the password is a successful sign-in: store it again with today's
 * parameters. Conditional on the old hash, so a password reset that lands meanwhile wins.
 * Never fails the sign-in: the old hash keeps working until the next one.
 */
async function upgradePasswordHash(ctx: Ctx, userId: string, oldHash: string, password: string): Promise<void> {
  try {
    const passwordHash = await hashPassword(password);
    await ctx.db.update(users).set({ passwordHash }).where(and(eq(users.id, userId), eq(users.passwordHash, oldHash)));
  } catch (error) {
    log("error", "auth.rehash-failed", { requestId: ctx.requestId, userId, error: String(error) });
  }
}

/**
 * Exchanges a refresh token for a new pair. Each token works once: presenting a used one
 * means it was copied, so the whole login family (session) is revoked.
 */
export async function refresh(ctx: Ctx, refreshToken: string): Promise<AuthResult> {
  const outcome = await rotateRefreshToken(ctx, refreshToken, 0);
  if (outcome.kind === "raced") throw new Error("a refresh without a grace window cannot race");
  return outcome.tokens;
}

/**
 * How long a page request may present a refresh cookie that another request of the same
 * browser has just rotated. Two tabs, or a page and its data request, renewing an expired
 * access cookie at the same moment send the same refresh cookie; only one can win.
 */
export const WEB_REFRESH_GRACE_SECONDS = 30;

/**
 * What a page request's refresh cookie is worth: a new pair, or — when a request of the same
 * browser rotated it less than WEB_REFRESH_GRACE_SECONDS ago — the session itself, for this
 * one request. Then no tokens are issued: the winning request is already setting the
 * successor cookies, and the browser keeps those. Later reuse revokes the family as always.
 */
export type WebRenewal = { kind: "renewed"; tokens: AuthResult } | { kind: "raced"; userId: string; sessionId: string };

export function renewWebSession(ctx: Ctx, refreshToken: string): Promise<WebRenewal> {
  return rotateRefreshToken(ctx, refreshToken, WEB_REFRESH_GRACE_SECONDS);
}

async function rotateRefreshToken(ctx: Ctx, refreshToken: string, graceSeconds: number): Promise<WebRenewal> {
  const tokenHash = await sha256Hex(refreshToken);
  const row = await ctx.db
    .select({ token: refreshTokens, session: sessions })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, tokenHash))
    .get();
  if (!row || row.session.revokedAt) throw new Unauthorized("This session has ended; sign in again.");
  const now = new Date().toISOString();
  if (row.token.expiresAt <= now) throw new Unauthorized("This session has expired; sign in again.");
  // The conditional update makes "first use" exact even when two refreshes race.
  const claimed = await ctx.db
    .update(refreshTokens)
    .set({ usedAt: now })
    .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.usedAt)))
    .returning({ tokenHash: refreshTokens.tokenHash });
  if (claimed.length === 0) {
    // Unused when we read it but claimed before our update: a concurrent request won just now.
    const usedAt = row.token.usedAt ?? now;
    if (Date.parse(now) - Date.parse(usedAt) < graceSeconds * 1000) return { kind: "raced", userId: row.session.userId, sessionId: row.session.id };
    await revokeSessionRow(ctx, row.session.id, "refresh_token_reuse");
    throw new Unauthorized("This refresh token was already used, so every token of this sign-in has been revoked. Sign in again.");
  }
  return { kind: "renewed", tokens: await issueTokens(ctx, row.session.userId, row.session.id, now) };
}

export async function logout(ctx: Ctx): Promise<void> {
  const user = requireSignedIn(ctx);
  await revokeSessionRow(ctx, user.sessionId, "logout");
}

export async function listSessions(ctx: Ctx): Promise<SessionDto[]> {
  const user = requireSignedIn(ctx);
  const rows = await ctx.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt), gt(sessions.lastUsedAt, new Date(Date.now() - REFRESH_TOKEN_TTL_SECONDS * 1000).toISOString())))
    .orderBy(sessions.createdAt);
  return rows.map((s) => ({ id: s.id, device: s.device, createdAt: s.createdAt, lastUsedAt: s.lastUsedAt, current: s.id === user.sessionId }));
}

/** Ends one of the member's own sessions; another member's id is simply not found. */
export async function revokeSession(ctx: Ctx, sessionId: string): Promise<void> {
  const user = requireSignedIn(ctx);
  const session = await ctx.db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.id, sessionId), eq(sessions.userId, user.id), isNull(sessions.revokedAt))).get();
  if (!session) throw new NotFound("You have no active session with that id.");
  await revokeSessionRow(ctx, session.id, "revoked_by_member");
}

/** Ends every session of a member, e.g. after a password reset. */
export async function revokeAllSessions(ctx: Ctx, userId: string, reason: string): Promise<void> {
  await ctx.db.update(sessions).set({ revokedAt: new Date().toISOString(), revokedReason: reason }).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}

async function startSession(ctx: Ctx, userId: string, client: ClientInfo): Promise<AuthResult> {
  const now = new Date().toISOString();
  const sessionId = uuidv7();
  await ctx.db.insert(sessions).values({ id: sessionId, userId, device: describeDevice(client.userAgent), createdAt: now, lastUsedAt: now });
  return issueTokens(ctx, userId, sessionId, now);
}

async function issueTokens(ctx: Ctx, userId: string, sessionId: string, now: string): Promise<AuthResult> {
  const refreshToken = randomToken();
  await ctx.db.batch([
    ctx.db.insert(refreshTokens).values({
      tokenHash: await sha256Hex(refreshToken),
      sessionId,
      createdAt: now,
      expiresAt: new Date(Date.parse(now) + REFRESH_TOKEN_TTL_SECONDS * 1000).toISOString(),
    }),
    ctx.db.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.id, sessionId)),
  ]);
  const accessToken = await signAccessToken(ctx.env.JWT_SECRET, { userId, sessionId });
  const user = await getMe({ ...ctx, user: null }, userId);
  return { user, accessToken, accessTokenExpiresIn: ACCESS_TOKEN_TTL_SECONDS, refreshToken };
}

async function revokeSessionRow(ctx: Ctx, sessionId: string, reason: string): Promise<void> {
  await ctx.db.update(sessions).set({ revokedAt: new Date().toISOString(), revokedReason: reason }).where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}
