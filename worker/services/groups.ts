import { and, asc, desc, eq, lt, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { cities, groupMembers, groups, users, type Group, type GroupRole } from "../../db/schema";
import type { Ctx, CurrentUser } from "../env";
import { Conflict, Forbidden, Invalid, NotFound } from "../errors";
import { decodeCursor, keysetPage } from "../lib/cursor";
import { uuidv7 } from "../lib/ids";
import type { CreateGroupInput, GroupDto, GroupMemberDto, GroupMemberPage, GroupPage, ListGroupsQuery, ListMembersQuery, Membership, UpdateGroupInput } from "../schemas/groups";
import { groupRoleOf, notBlockedWith } from "./audience";
import { requireVerifiedMember } from "./authorization";
import { avatarUrl } from "./avatars";
import { notify } from "./notifications";
import { requireSignedIn } from "./users";

/**
 * Groups: one community per city (kind `city`, public, owned by nobody, never deleted) and
 * interest groups made by members. Roles: admin > moderator > member. Private groups take
 * join requests (`pending`) that admins and moderators approve. Site staff act as admins of
 * city communities, which have no admin of their own.
 */

const STAFF_ROLES = ["moderator", "admin", "founder"] as const;
const RANK: Record<GroupRole, number> = { member: 0, moderator: 1, admin: 2 };

export async function getGroupBySlug(ctx: Ctx, slug: string): Promise<Group> {
  const group = await ctx.db.select().from(groups).where(eq(groups.slug, slug)).get();
  if (!group) throw new NotFound("There is no group at this address.");
  return group;
}

/** A name as a URL slug: "Tango Queer Berlín" → tango-queer-berlin. */
export function slugify(name: string): string {
  return (
    name
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 48)
      .replace(/-+$/g, "") || "group"
  );
}

/** The first free slug of `base`, `base-2`, `base-3`, … (a range read on the unique index, not LIKE). */
async function freeSlug(ctx: Ctx, base: string): Promise<string> {
  const taken = new Set(
    (await ctx.db.select({ slug: groups.slug }).from(groups).where(and(sql`${groups.slug} >= ${base}`, lt(groups.slug, `${base}~`))).limit(1000)).map((r) => r.slug),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; n < 1002; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  return `${base}-${crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36)}`;
}

/**
 * Makes sure the city has its community (idempotent: the partial unique index allows one per
 * city). Call it wherever a city is created; migration 0003 and the seed cover existing cities.
 */
export async function ensureCityCommunity(ctx: Ctx, cityId: string): Promise<Group> {
  const existing = await ctx.db.select().from(groups).where(and(eq(groups.cityId, cityId), eq(groups.kind, "city"))).get();
  if (existing) return existing;
  const city = await ctx.db.select().from(cities).where(eq(cities.id, cityId)).get();
  if (!city) throw new NotFound("There is no such city.");
  const slug = await freeSlug(ctx, slugify(city.slug));
  await ctx.db
    .insert(groups)
    .values({
      id: uuidv7(),
      slug,
      name: `${city.name} tango community`,
      description: `Dancers, organizers and teachers of ${city.name}.`,
      visibility: "public",
      kind: "city",
      cityId,
      createdAt: new Date().toISOString(),
    })
    .onConflictDoNothing();
  return (await ctx.db.select().from(groups).where(and(eq(groups.cityId, cityId), eq(groups.kind, "city"))).get())!;
}

/** A member joins their home city's community (idempotent; never downgrades an existing role). */
export async function joinCityCommunity(ctx: Ctx, userId: string, cityId: string): Promise<void> {
  const community = await ensureCityCommunity(ctx, cityId);
  await ctx.db.insert(groupMembers).values({ groupId: community.id, userId, role: "member", status: "active", createdAt: new Date().toISOString(), approvedAt: null }).onConflictDoNothing();
}

/** The city community of a city slug, or undefined. */
export async function cityCommunityOf(ctx: Ctx, citySlug: string): Promise<GroupDto | undefined> {
  const row = await groupRows(ctx, and(eq(groups.kind, "city"), eq(cities.slug, citySlug))!).get();
  return row ? toGroupDto(row) : undefined;
}

function groupRows(ctx: Ctx, where: SQL) {
  const viewerId = ctx.user?.id ?? "";
  return ctx.db
    .select({
      group: groups,
      city: { slug: cities.slug, name: cities.name },
      memberCount: sql<number>`(SELECT count(*) FROM ${groupMembers} gm WHERE gm.group_id = ${groups.id} AND gm.status = 'active')`,
      role: sql<GroupRole | null>`(SELECT gm.role FROM ${groupMembers} gm WHERE gm.group_id = ${groups.id} AND gm.user_id = ${viewerId})`,
      status: sql<"active" | "pending" | null>`(SELECT gm.status FROM ${groupMembers} gm WHERE gm.group_id = ${groups.id} AND gm.user_id = ${viewerId})`,
    })
    .from(groups)
    .leftJoin(cities, eq(cities.id, groups.cityId))
    .where(where);
}

type GroupRow = Awaited<ReturnType<ReturnType<typeof groupRows>["get"]>> & {};

function toGroupDto({ group, city, memberCount, role, status }: GroupRow): GroupDto {
  return {
    id: group.id,
    slug: group.slug,
    name: group.name,
    description: group.description,
    visibility: group.visibility,
    kind: group.kind,
    city: city?.slug ? { slug: city.slug, name: city.name } : null,
    memberCount,
    createdAt: group.createdAt,
    membership: role && status ? { role, status } : null,
  };
}

export async function getGroup(ctx: Ctx, slug: string): Promise<GroupDto> {
  const row = await groupRows(ctx, eq(groups.slug, slug)).get();
  if (!row) throw new NotFound("There is no group at this address.");
  return toGroupDto(row);
}

const nameCursor = z.object({ k: z.number().int().min(0).max(1), name: z.string().max(200), id: z.string().max(64) });

/**
 * Groups by name (a city's community first when filtering by city). Private groups are listed
 * too, so dancers can ask to join; their members and posts stay for members.
 */
export async function listGroups(ctx: Ctx, query: ListGroupsQuery): Promise<GroupPage> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, nameCursor);
  if (query.cursor !== undefined && !after) throw Invalid.field("cursor", "cursor is not a cursor this API issued");
  const conditions: (SQL | undefined)[] = [];
  if (query.city) {
    const city = await ctx.db.select({ id: cities.id }).from(cities).where(eq(cities.slug, query.city)).get();
    if (!city) throw Invalid.field("city", `There is no city with the slug "${query.city}".`);
    conditions.push(eq(groups.cityId, city.id));
  }
  if (query.mine) {
    const me = requireSignedIn(ctx);
    // IN drives the read from the member's index (group_members_user_idx), not from every group.
    conditions.push(sql`${groups.id} IN (SELECT gm.group_id FROM ${groupMembers} gm WHERE gm.user_id = ${me.id})`);
  }
  // City communities sort before interest groups, then by name and id.
  const kindKey = sql<number>`(CASE WHEN ${groups.kind} = 'city' THEN 0 ELSE 1 END)`;
  if (after) {
    conditions.push(
      sql`(${kindKey} > ${after.k} OR (${kindKey} = ${after.k} AND (${groups.name} > ${after.name} OR (${groups.name} = ${after.name} AND ${groups.id} > ${after.id}))))`,
    );
  }
  const rows = await groupRows(ctx, and(...conditions) ?? sql`1 = 1`)
    .orderBy(kindKey, asc(groups.name), asc(groups.id))
    .limit(query.limit + 1);
  const { page, nextCursor } = keysetPage(rows, query.limit, (last) => ({ k: last.group.kind === "city" ? 0 : 1, name: last.group.name, id: last.group.id }));
  return { data: page.map(toGroupDto), nextCursor };
}

export async function createGroup(ctx: Ctx, input: CreateGroupInput): Promise<GroupDto> {
  const me = requireVerifiedMember(ctx);
  let cityId: string | null = null;
  if (input.city) {
    const city = await ctx.db.select({ id: cities.id }).from(cities).where(eq(cities.slug, input.city)).get();
    if (!city) throw Invalid.field("city", `There is no city with the slug "${input.city}".`);
    cityId = city.id;
  }
  const id = uuidv7();
  const now = new Date().toISOString();
  const base = slugify(input.name);
  // Two groups with one name created at once: the loser of the unique slug retries with a random suffix.
  for (let attempt = 0; attempt < 3; attempt++) {
    const slug = attempt === 0 ? await freeSlug(ctx, base) : `${base}-${crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36)}`;
    try {
      await ctx.db.batch([
        ctx.db.insert(groups).values({ id, slug, name: input.name, description: input.description, visibility: input.visibility, kind: "interest", cityId, createdBy: me.id, createdAt: now }),
        ctx.db.insert(groupMembers).values({ groupId: id, userId: me.id, role: "admin", status: "active", createdAt: now, approvedAt: now }),
      ]);
      return getGroup(ctx, slug);
    } catch (error) {
      if (!/UNIQUE constraint failed: groups\.slug/.test(String((error as Error).message) + String((error as { cause?: Error }).cause?.message))) throw error;
    }
  }
  throw new Conflict("Could not find a free address for this group; try another name.");
}

/** The acting member's effective role: their own, or admin for site staff in city communities. */
async function actingRole(ctx: Ctx, group: Group, me: CurrentUser): Promise<GroupRole | null> {
  const role = await groupRoleOf(ctx, group.id, me.id);
  if (group.kind === "city" && STAFF_ROLES.some((r) => me.roles.includes(r))) return "admin";
  return role;
}

async function requireGroupRole(ctx: Ctx, group: Group, atLeast: GroupRole): Promise<{ me: CurrentUser; role: GroupRole }> {
  const me = requireSignedIn(ctx);
  const role = await actingRole(ctx, group, me);
  if (role === null || RANK[role] < RANK[atLeast]) {
    throw new Forbidden(atLeast === "admin" ? "Only the group's admins can do this." : "Only the group's admins and moderators can do this.");
  }
  return { me, role };
}

export async function updateGroup(ctx: Ctx, slug: string, input: UpdateGroupInput): Promise<GroupDto> {
  const group = await getGroupBySlug(ctx, slug);
  await requireGroupRole(ctx, group, "admin");
  if (group.kind === "city" && input.visibility === "private") throw Invalid.field("visibility", "a city community is always public");
  const changes: Partial<typeof groups.$inferInsert> = { updatedAt: new Date().toISOString() };
  if (input.name !== undefined) changes.name = input.name;
  if (input.description !== undefined) changes.description = input.description;
  if (input.visibility !== undefined) changes.visibility = input.visibility;
  await ctx.db.update(groups).set(changes).where(eq(groups.id, group.id));
  return getGroup(ctx, slug);
}

/** Interest groups only: city communities belong to their city and are never deleted. */
export async function deleteGroup(ctx: Ctx, slug: string): Promise<void> {
  const group = await getGroupBySlug(ctx, slug);
  await requireGroupRole(ctx, group, "admin");
  if (group.kind === "city") throw new Forbidden("A city community can't be deleted.");
  await ctx.db.delete(groups).where(eq(groups.id, group.id));
}

async function activeCount(ctx: Ctx, groupId: string, role?: GroupRole): Promise<number> {
  const row = await ctx.db
    .select({ n: sql<number>`count(*)` })
    .from(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.status, "active"), role ? eq(groupMembers.role, role) : undefined))
    .get();
  return row?.n ?? 0;
}

/**
 * Join a public group at once, or ask to join a private one (admins and moderators are told).
 * `created` is false when the member already belonged or had already asked.
 */
export async function joinGroup(ctx: Ctx, slug: string): Promise<Membership & { created: boolean }> {
  const me = requireSignedIn(ctx);
  const group = await getGroupBySlug(ctx, slug);
  const status = group.visibility === "public" ? "active" : "pending";
  const now = new Date().toISOString();
  const inserted = await ctx.db
    .insert(groupMembers)
    .values({ groupId: group.id, userId: me.id, role: "member", status, createdAt: now, approvedAt: status === "active" ? now : null })
    .onConflictDoNothing()
    .returning({ status: groupMembers.status })
    .catch((error: unknown) => {
      // The group was deleted since it was read: a 404, not a foreign-key 500.
      if (/FOREIGN KEY constraint failed/.test(String((error as Error).message) + String((error as { cause?: Error }).cause?.message))) throw new NotFound("There is no group at this address.");
      throw error;
    });
  if (inserted.length > 0 && status === "pending") {
    const deciders = await ctx.db
      .select({ userId: groupMembers.userId })
      .from(groupMembers)
      .where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.status, "active"), or(eq(groupMembers.role, "admin"), eq(groupMembers.role, "moderator"))))
      .limit(50);
    for (const { userId } of deciders) {
      await notify(ctx, { userId, type: "group_join_request", actorId: me.id, subject: { type: "group", id: group.id }, data: { groupName: group.name, groupSlug: group.slug }, dedupeKey: `group_join_request:${group.id}:${me.id}:${now}` });
    }
  }
  const row = await ctx.db.select({ role: groupMembers.role, status: groupMembers.status }).from(groupMembers).where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, me.id))).get();
  if (!row) {
    await getGroupBySlug(ctx, slug); // deleted meanwhile: 404
    throw new Conflict("You left this group while joining it; try again.");
  }
  return { ...row, created: inserted.length > 0 };
}

/** Leave a group or withdraw a request. The last admin stays while anyone else remains. */
export async function leaveGroup(ctx: Ctx, slug: string): Promise<void> {
  const me = requireSignedIn(ctx);
  const group = await getGroupBySlug(ctx, slug);
  const mine = await ctx.db.select().from(groupMembers).where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, me.id))).get();
  if (!mine) return;
  if (mine.status === "active" && mine.role === "admin" && (await activeCount(ctx, group.id, "admin")) === 1 && (await activeCount(ctx, group.id)) > 1) {
    throw new Conflict("You are this group's only admin: make another member admin before you leave.");
  }
  await ctx.db.delete(groupMembers).where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, me.id)));
}

const memberCursor = z.object({ at: z.string().max(40), id: z.string().max(64) });

/**
 * Members (newest first). Pending requests: admins and moderators only. A private group's
 * members: its members only. Members blocked either way with the viewer are left out.
 */
export async function listGroupMembers(ctx: Ctx, slug: string, query: ListMembersQuery): Promise<GroupMemberPage> {
  const group = await getGroupBySlug(ctx, slug);
  const role = ctx.user ? await actingRole(ctx, group, ctx.user) : null;
  if (query.status === "pending") await requireGroupRole(ctx, group, "moderator");
  else if (group.visibility === "private" && role === null) throw new Forbidden("Only members of this private group can see who belongs to it.");
  // The group's admins and moderators see everyone, blocks included: they must be able to
  // approve, decline or remove a member who blocked them.
  const moderates = role !== null && RANK[role] >= RANK.moderator;
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, memberCursor);
  if (query.cursor !== undefined && !after) throw Invalid.field("cursor", "cursor is not a cursor this API issued");
  const rows = await ctx.db
    .select({ id: users.id, handle: users.handle, displayName: users.displayName, avatarKey: users.avatarKey, role: groupMembers.role, status: groupMembers.status, since: groupMembers.createdAt })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(
      and(
        eq(groupMembers.groupId, group.id),
        eq(groupMembers.status, query.status),
        after ? or(lt(groupMembers.createdAt, after.at), and(eq(groupMembers.createdAt, after.at), lt(groupMembers.userId, after.id))) : undefined,
        moderates ? undefined : notBlockedWith(ctx.user?.id ?? null, groupMembers.userId),
      ),
    )
    .orderBy(desc(groupMembers.createdAt), desc(groupMembers.userId))
    .limit(query.limit + 1);
  const { page, nextCursor } = keysetPage(rows, query.limit, (last) => ({ at: last.since, id: last.id }));
  return { data: page.map(toMemberDto), nextCursor };
}

function toMemberDto(r: { handle: string; displayName: string; avatarKey: string | null; role: GroupRole; status: "active" | "pending"; since: string }): GroupMemberDto {
  return { handle: r.handle, displayName: r.displayName, avatarUrl: avatarUrl(r.handle, r.avatarKey), role: r.role, status: r.status, since: r.since };
}

async function membershipOf(ctx: Ctx, group: Group, handle: string) {
  const row = await ctx.db
    .select({ userId: groupMembers.userId, handle: users.handle, displayName: users.displayName, avatarKey: users.avatarKey, role: groupMembers.role, status: groupMembers.status, since: groupMembers.createdAt })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(eq(groupMembers.groupId, group.id), eq(users.handle, handle.toLowerCase())))
    .get();
  if (!row) throw new NotFound(`@${handle} is not a member of this group and has not asked to join.`);
  return row;
}

export async function approveRequest(ctx: Ctx, slug: string, handle: string): Promise<GroupMemberDto> {
  const group = await getGroupBySlug(ctx, slug);
  const { me } = await requireGroupRole(ctx, group, "moderator");
  const target = await membershipOf(ctx, group, handle);
  if (target.status !== "pending") throw new Conflict(`@${target.handle} is already a member.`);
  const approvedAt = new Date().toISOString();
  const updated = await ctx.db
    .update(groupMembers)
    .set({ status: "active", approvedAt })
    .where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, target.userId), eq(groupMembers.status, "pending")))
    .returning({ userId: groupMembers.userId });
  if (updated.length > 0) {
    await notify(ctx, { userId: target.userId, type: "group_join_approved", actorId: me.id, subject: { type: "group", id: group.id }, data: { groupName: group.name, groupSlug: group.slug }, dedupeKey: `group_join_approved:${group.id}:${approvedAt}` });
  }
  return toMemberDto({ ...target, status: "active" });
}

export async function rejectRequest(ctx: Ctx, slug: string, handle: string): Promise<void> {
  const group = await getGroupBySlug(ctx, slug);
  await requireGroupRole(ctx, group, "moderator");
  const target = await membershipOf(ctx, group, handle);
  if (target.status !== "pending") throw new Conflict(`@${target.handle} is already a member; remove them instead.`);
  await ctx.db.delete(groupMembers).where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, target.userId), eq(groupMembers.status, "pending")));
}

/** Admins only; the last admin cannot be demoted (make someone else admin first). */
export async function changeMemberRole(ctx: Ctx, slug: string, handle: string, role: GroupRole): Promise<GroupMemberDto> {
  const group = await getGroupBySlug(ctx, slug);
  await requireGroupRole(ctx, group, "admin");
  const target = await membershipOf(ctx, group, handle);
  if (target.status !== "active") throw new Conflict(`@${target.handle} has only asked to join: approve the request first.`);
  if (target.role === "admin" && role !== "admin" && (await activeCount(ctx, group.id, "admin")) === 1) {
    throw new Conflict("A group needs at least one admin: make another member admin first.");
  }
  await ctx.db.update(groupMembers).set({ role }).where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, target.userId)));
  return toMemberDto({ ...target, role });
}

/** Admins remove anyone else; moderators remove plain members (and pending requests). */
export async function removeMember(ctx: Ctx, slug: string, handle: string): Promise<void> {
  const group = await getGroupBySlug(ctx, slug);
  const { me, role } = await requireGroupRole(ctx, group, "moderator");
  const target = await membershipOf(ctx, group, handle);
  if (target.userId === me.id) throw Invalid.field("handle", "to leave a group yourself, use DELETE /groups/{slug}/members/me");
  if (role !== "admin" && target.role !== "member") throw new Forbidden("Moderators can remove members, not other moderators or admins.");
  await ctx.db.delete(groupMembers).where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.userId, target.userId)));
}

/** For pages: the viewer may manage requests (admin or moderator) and roles (admin). */
export async function viewerGroupPowers(ctx: Ctx, group: Group): Promise<{ role: GroupRole | null; canModerate: boolean; canAdminister: boolean }> {
  if (!ctx.user) return { role: null, canModerate: false, canAdminister: false };
  const role = await actingRole(ctx, group, ctx.user);
  return { role, canModerate: role !== null && RANK[role] >= RANK.moderator, canAdminister: role === "admin" };
}
