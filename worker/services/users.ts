import { and, eq, gte, isNull, lt, type SQL } from "drizzle-orm";
import { cities, sessions, userRoles, users, type Role } from "../../db/schema";
import type { CurrentUser, Ctx } from "../env";
import { Invalid, NotFound, Unauthorized } from "../errors";
import type { MeDto, PublicProfile, UpdateProfileInput } from "../schemas/auth";
import { avatarUrl } from "./avatars";
import { joinCityCommunity } from "./groups";
import { followerCount, followingCount, relationshipWith } from "./social-graph";

async function profileRow(ctx: Ctx, where: SQL) {
  return ctx.db
    .select({ user: users, city: { slug: cities.slug, name: cities.name } })
    .from(users)
    .leftJoin(cities, eq(cities.id, users.homeCityId))
    .where(where)
    .get();
}

type ProfileRow = NonNullable<Awaited<ReturnType<typeof profileRow>>>;

function toPublicProfile({ user, city }: ProfileRow): Omit<PublicProfile, "followerCount" | "followingCount" | "relationship"> {
  return {
    handle: user.handle,
    displayName: user.displayName,
    tangoRole: user.tangoRole,
    homeCity: city?.slug ? { slug: city.slug, name: city.name } : null,
    bio: user.bio,
    yearsDancing: user.yearsDancing,
    languages: parseJson<string[]>(user.spokenLanguages, []),
    website: user.website,
    socialLinks: parseJson<Record<string, string>>(user.socialLinks, {}),
    avatarUrl: avatarUrl(user.handle, user.avatarKey),
    memberSince: user.createdAt,
  };
}

export async function getMe(ctx: Ctx, userId: string): Promise<MeDto> {
  const row = await profileRow(ctx, eq(users.id, userId));
  if (!row) throw new NotFound("There is no such member.");
  const { memberSince, ...profile } = toPublicProfile(row);
  return {
    ...profile,
    id: row.user.id,
    email: row.user.email,
    emailVerified: row.user.emailVerifiedAt !== null,
    roles: await rolesOf(ctx, row.user.id),
    language: row.user.language,
    createdAt: memberSince,
  };
}

/** What anyone may see of a member: never the email, roles or sessions. */
export async function getPublicProfile(ctx: Ctx, handle: string): Promise<PublicProfile> {
  const row = await profileRow(ctx, eq(users.handle, handle.toLowerCase()));
  if (!row) throw new NotFound(`There is no member @${handle}.`);
  const [followers, following, relationship] = await Promise.all([followerCount(ctx, row.user.id), followingCount(ctx, row.user.id), relationshipWith(ctx, row.user.id)]);
  return { ...toPublicProfile(row), followerCount: followers, followingCount: following, relationship };
}

/** Changes only the fields given; null clears a field. */
export async function updateMe(ctx: Ctx, input: UpdateProfileInput): Promise<MeDto> {
  const me = requireSignedIn(ctx);
  const changes: Partial<typeof users.$inferInsert> = { updatedAt: new Date().toISOString() };
  if (input.displayName !== undefined) changes.displayName = input.displayName;
  if (input.bio !== undefined) changes.bio = input.bio;
  if (input.tangoRole !== undefined) changes.tangoRole = input.tangoRole;
  if (input.yearsDancing !== undefined) changes.yearsDancing = input.yearsDancing;
  if (input.languages !== undefined) changes.spokenLanguages = JSON.stringify([...new Set(input.languages)]);
  if (input.website !== undefined) changes.website = input.website;
  if (input.socialLinks !== undefined) changes.socialLinks = JSON.stringify(input.socialLinks);
  if (input.language !== undefined) changes.language = input.language;
  if (input.homeCity !== undefined) {
    if (input.homeCity === null) changes.homeCityId = null;
    else {
      const city = await ctx.db.select({ id: cities.id }).from(cities).where(eq(cities.slug, input.homeCity)).get();
      if (!city) throw Invalid.field("homeCity", `There is no city with the slug "${input.homeCity}".`);
      changes.homeCityId = city.id;
    }
  }
  await ctx.db.update(users).set(changes).where(eq(users.id, me.id));
  // Dancers belong to their home city's community (idempotent; moving keeps the old one).
  if (changes.homeCityId) await joinCityCommunity(ctx, me.id, changes.homeCityId);
  return getMe(ctx, me.id);
}

export function requireSignedIn(ctx: Ctx): CurrentUser {
  if (!ctx.user) throw new Unauthorized("Sign in to do this.");
  return ctx.user;
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
