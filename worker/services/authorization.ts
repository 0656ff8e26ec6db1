import type { Role } from "../../db/schema/users";
import type { CurrentUser, Ctx } from "../env";
import { Forbidden } from "../errors";
import { requireSignedIn } from "./users";

/** The signed-in member, if they hold one of `roles`; otherwise 401 or 403. */
export function requireRole(ctx: Ctx, ...roles: Role[]): CurrentUser {
  const user = requireSignedIn(ctx);
  if (!roles.some((role) => user.roles.includes(role))) throw new Forbidden(`This needs one of these roles: ${roles.join(", ")}.`);
  return user;
}

/** Who may grant or take away each role: staff roles by admins, the powerful ones only by founders. */
const MANAGED_BY: Record<Role, Role[]> = {
  member: [],
  organizer: ["admin", "founder"],
  moderator: ["admin", "founder"],
  admin: ["founder"],
  founder: ["founder"],
};

export function canManageRole(actor: CurrentUser, role: Role): boolean {
  return MANAGED_BY[role].some((r) => actor.roles.includes(r));
}

/** Creating content (events, posts, listings) needs a confirmed email; browsing and RSVPs do not. */
export function requireVerifiedMember(ctx: Ctx): CurrentUser {
  const user = requireSignedIn(ctx);
  if (!user.emailVerified) throw new Forbidden("Confirm your email address first: open the link we mailed you, or ask for a new one from your account settings.");
  return user;
}
