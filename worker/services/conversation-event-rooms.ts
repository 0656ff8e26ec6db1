import { sql } from "drizzle-orm";
import type { Ctx } from "../env";
import { Conflict, Forbidden } from "../errors";
import { uuidv7 } from "../lib/ids";
import type { ConversationDto, EventRoomStatus } from "../schemas/conversations";
import { requireVerifiedMember } from "./authorization";
import { EVENT_ROOM_ELIGIBILITY, eventRoomEligible } from "./conversation-access";
import { dtoFor } from "./conversation-views";
import { loadEvent } from "./event-access";
import { requireSignedIn } from "./users";

/**
 * Event rooms: one conversation per event (the unique `event_id`), made the first time
 * someone joins. Its members are those who joined; joining needs a `going` RSVP on any
 * occurrence of the event or being one of its organizers, and that is checked again when
 * a member reads or sends (someone who stopped going keeps the room in their inbox, but
 * cannot read or write in it until they go again). A cancelled event's room takes nobody new.
 */

/** Joins the event's room (making it on first use); joining again changes nothing. */
export async function joinEventRoom(ctx: Ctx, eventId: string): Promise<ConversationDto> {
  const me = requireVerifiedMember(ctx);
  const event = await loadEvent(ctx, eventId);
  if (event.status === "cancelled") throw new Conflict("This event was cancelled: its room takes no new members.");
  if (!(await eventRoomEligible(ctx, event.id, me.id))) throw new Forbidden(EVENT_ROOM_ELIGIBILITY);
  const now = new Date().toISOString();
  const db = ctx.db.$client;
  // Two first joiners at once: one row wins the unique event_id; both join whichever it is.
  await db.batch([
    db
      .prepare("INSERT INTO conversations (id, type, title, event_id, created_by, created_at, last_activity_at) VALUES (?1, 'event', ?2, ?3, ?4, ?5, ?5) ON CONFLICT (event_id) DO NOTHING")
      .bind(uuidv7(), event.title, event.id, me.id, now),
    db
      .prepare("INSERT INTO conversation_members (conversation_id, user_id, role, joined_at) SELECT id, ?2, 'member', ?3 FROM conversations WHERE event_id = ?1 ON CONFLICT DO NOTHING")
      .bind(event.id, me.id, now),
  ]);
  const room = await ctx.db.get<{ id: string }>(sql`SELECT id FROM conversations WHERE event_id = ${event.id}`);
  return dtoFor(ctx, me.id, room!.id);
}

/** Whether the event has a room yet, whether the signed-in member is in it, and whether they may join it now. */
export async function eventRoomStatus(ctx: Ctx, eventId: string): Promise<EventRoomStatus> {
  const me = requireSignedIn(ctx);
  const event = await loadEvent(ctx, eventId);
  const [room, eligible] = await Promise.all([
    ctx.db.get<{ id: string; joined: number }>(sql`
      SELECT c.id, EXISTS (SELECT 1 FROM conversation_members m WHERE m.conversation_id = c.id AND m.user_id = ${me.id}) AS joined
        FROM conversations c WHERE c.event_id = ${event.id}`),
    eventRoomEligible(ctx, event.id, me.id),
  ]);
  return { conversationId: room?.id ?? null, joined: room?.joined === 1, canJoin: event.status !== "cancelled" && eligible && me.emailVerified };
}
