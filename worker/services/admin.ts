import { and, eq, inArray } from "drizzle-orm";
import { userRoles, users, type Role } from "../../db/schema";
import type { Ctx } from "../env";
import { Forbidden, NotFound } from "../errors";
import { canManageRole, requireRole } from "./authorization";
import { rolesOf } from "./users";

/**
 * Sets a member's roles to exactly `wanted` (every account stays a member). Each role
 * added or removed must be one the acting admin may manage, and nobody demotes themselves,
 * so the last founder cannot lock everyone out.
 */
export async function setRoles(ctx: Ctx, userId: string, wanted: Role[]): Promise<{ id: string; roles: Role[] }> {
  const actor = requireRole(ctx, "admin", "founder");
  const target = await ctx.db.select({ id: users.id }).from(users).where(eq(users.id, userId)).get();
  if (!target) throw new NotFound("There is no member with that id.");
  const current = new Set(await rolesOf(ctx, userId));
  const next = new Set<Role>([...wanted, "member"]);
  const added = [...next].filter((r) => !current.has(r));
  const removed = [...current].filter((r) => !next.has(r));
  const forbidden = [...added, ...removed].filter((role) => !canManageRole(actor, role));
  if (forbidden.length > 0) throw new Forbidden(`You may not grant or remove: ${forbidden.join(", ")}.`);
  if (userId === actor.id && removed.some((r) => r === "admin" || r === "founder")) throw new Forbidden("You cannot take away your own admin or founder role.");

  const now = new Date().toISOString();
  const storedRemovals = removed.filter((r) => r !== "member");
  const statements = added.filter((r) => r !== "member").map((role) => ctx.db.insert(userRoles).values({ userId, role, grantedAt: now }).onConflictDoNothing());
  const removal = storedRemovals.length > 0 ? [ctx.db.delete(userRoles).where(and(eq(userRoles.userId, userId), inArray(userRoles.role, storedRemovals)))] : [];
  const changes = [...removal, ...statements];
  if (changes.length > 0) await ctx.db.batch(changes as [typeof changes[number], ...typeof changes]);
  return { id: userId, roles: await rolesOf(ctx, userId) };
}
