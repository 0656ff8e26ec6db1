import { and, eq } from "drizzle-orm";
import { eventOrganizers, events, type Event } from "../../db/schema";
import type { CurrentUser, Ctx } from "../env";
import { Forbidden, NotFound } from "../errors";
import { UUID_PATTERN } from "../lib/ids";
import { requireSignedIn } from "./users";

/** The event, or 404: ids that are not even ids never reach SQL. */
export async function loadEvent(ctx: Ctx, eventId: string): Promise<Event> {
  const event = UUID_PATTERN.test(eventId) ? await ctx.db.select().from(events).where(eq(events.id, eventId)).get() : undefined;
  if (!event) throw new NotFound("There is no event with this id.");
  return event;
}

export async function isOrganizer(ctx: Ctx, eventId: string, userId: string): Promise<boolean> {
  const row = await ctx.db
    .select({ userId: eventOrganizers.userId })
    .from(eventOrganizers)
    .where(and(eq(eventOrganizers.eventId, eventId), eq(eventOrganizers.userId, userId)))
    .get();
  return row !== undefined;
}

/** Staff who may act on any event, for moderation. */
const STAFF_ROLES = ["admin", "founder"] as const;

export function isStaff(user: CurrentUser): boolean {
  return STAFF_ROLES.some((role) => user.roles.includes(role));
}

/** The acting member, if they organize this event (or are staff); otherwise 401/403. */
export async function requireOrganizer(ctx: Ctx, event: Event): Promise<CurrentUser> {
  const user = requireSignedIn(ctx);
  if (isStaff(user) || (await isOrganizer(ctx, event.id, user.id))) return user;
  throw new Forbidden("Only the organizers of this event can do this.");
}
