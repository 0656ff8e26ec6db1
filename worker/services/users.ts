import { and, eq, gte, isNull, lt } from "drizzle-orm";
import { cities, sessions, userRoles, users, type Role } from "../../db/schema";
import type { CurrentUser, Ctx } from "../env";
import { NotFound } from "../errors";
import type { MeDto } from "../schemas/auth";

export async function getMe(ctx: Ctx, userId: string): Promise<MeDto> {
  const row = await ctx.db
    .select({ user: users, city: { slug: cities.slug, name: cities.name } })
    .from(users)
    .leftJoin(cities, eq(cities.id, users.homeCityId))
    .where(eq(users.id, userId))
    .get();
  if (!row) throw new NotFound("There is no such member.");
  const { user, city } = row;
  return {
    id: user.id,
    handle: user.handle,
    displayName: user.displayName,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    roles: await rolesOf(ctx, user.id),
    tangoRole: user.tangoRole,
    homeCity: city?.slug ? { slug: city.slug, name: city.name } : null,
    bio: user.bio,
    yearsDancing: user.yearsDancing,
    languages: parseJson<string[]>(user.spokenLanguages, []),
    website: user.website,
    socialLinks: parseJson<Record<string, string>>(user.socialLinks, {}),
    language: user.language,
    createdAt: user.createdAt,
  };
}

export async function rolesOf(ctx: Ctx, userId: string): Promise<Role[]> {
  const rows = await ctx.db.select({ role: userRoles.role }).from(userRoles).where(eq(userRoles.userId, userId));
  const granted = new Set<Role>(rows.map((r) => r.role));
  granted.add("member");
  return [...granted];
}

/**
 * Who an access token speaks for, if its session is still alive: logging out or a reused
 * refresh token ends access at once, not when the JWT expires.
 */
export async function loadCurrentUser(ctx: Ctx, userId: string, sessionId: string): Promise<CurrentUser | undefined> {
  const row = await ctx.db
    .select({ id: users.id, handle: users.handle, displayName: users.displayName, emailVerifiedAt: users.emailVerifiedAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .get();
  if (!row) return undefined;
  return { id: row.id, handle: row.handle, displayName: row.displayName, emailVerified: row.emailVerifiedAt !== null, roles: await rolesOf(ctx, row.id), sessionId };
}

/** A free handle from a display name: "Ana Gómez" → ana_gomez, ana_gomez_2, … */
export async function uniqueHandleFrom(ctx: Ctx, displayName: string): Promise<string> {
  const base =
    displayName
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 24) || "dancer";
  const stem = base.length >= 3 ? base : `${base}_dancer`.slice(0, 24);
  const taken = new Set(
    // A range on the unique index ("~" sorts after every handle character), not LIKE, which SQLite cannot index case-insensitively.
    (await ctx.db.select({ handle: users.handle }).from(users).where(and(gte(users.handle, stem), lt(users.handle, `${stem}~`))).limit(1000)).map((r) => r.handle),
  );
  if (!taken.has(stem)) return stem;
  for (let n = 2; n < 1002; n++) if (!taken.has(`${stem}_${n}`)) return `${stem}_${n}`;
  return `${stem}_${crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36)}`;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
