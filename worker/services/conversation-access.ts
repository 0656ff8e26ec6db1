import { and, eq, sql } from "drizzle-orm";
import { conversationMembers, conversations, type Conversation, type ConversationMember } from "../../db/schema";
import type { ChatRoom } from "../../durable-objects/chat-room";
import type { CurrentUser, Ctx, Env } from "../env";
import { Forbidden, NotFound } from "../errors";
import { UUID_PATTERN } from "../lib/ids";
import { requireSignedIn } from "./users";

/**
 * Who may reach a conversation. Every door (API, pages, WebSocket upgrade, tickets) asks
 * here, so the rule lives once:
 * - a direct or group conversation exists only for its members: anyone else gets 404;
 * - an event room is known to exist (the event page links it): a non-member gets 403 and
 *   may join through the event (going attendees and organizers);
 * - in a direct conversation with a block between the two, nobody can send.
 */

const NO_CONVERSATION = "There is no conversation with this id, or you are not in it.";

/** The conversation, or 404: ids that are not even ids never reach SQL. */
export async function loadConversation(ctx: Ctx, conversationId: string): Promise<Conversation> {
  const row = UUID_PATTERN.test(conversationId) ? await ctx.db.select().from(conversations).where(eq(conversations.id, conversationId)).get() : undefined;
  if (!row) throw new NotFound(NO_CONVERSATION);
  return row;
}

export async function membershipOf(ctx: Ctx, conversationId: string, userId: string): Promise<ConversationMember | undefined> {
  return ctx.db
    .select()
    .from(conversationMembers)
    .where(and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, userId)))
    .get();
}

export interface MemberAccess {
  me: CurrentUser;
  conversation: Conversation;
  membership: ConversationMember;
}

/** The signed-in member's access to a conversation they are in; 401, 403 (event rooms) or 404 otherwise. */
export async function requireConversationMember(ctx: Ctx, conversationId: string): Promise<MemberAccess> {
  const me = requireSignedIn(ctx);
  const conversation = await loadConversation(ctx, conversationId);
  const membership = await membershipOf(ctx, conversation.id, me.id);
  if (!membership) {
    if (conversation.type === "event") throw new Forbidden("Join this event's room first: it is open to the event's going attendees and organizers.");
    throw new NotFound(NO_CONVERSATION);
  }
  return { me, conversation, membership };
}

export const EVENT_ROOM_ELIGIBILITY = "This event's room is for its going attendees and organizers: RSVP as going to any of its dates to join.";

/** A `going` RSVP on any occurrence, or being one of the event's organizers. */
export async function eventRoomEligible(ctx: Ctx, eventId: string, userId: string): Promise<boolean> {
  const row = await ctx.db.get<{ ok: number }>(sql`SELECT (
      EXISTS (SELECT 1 FROM event_organizers WHERE event_id = ${eventId} AND user_id = ${userId})
      OR EXISTS (SELECT 1 FROM rsvps WHERE user_id = ${userId} AND event_id = ${eventId} AND status = 'going')) AS ok`);
  return row?.ok === 1;
}

/**
 * A member who may use the room now (history, sending, a socket ticket): event rooms also
 * re-check that they still go to the event or organize it (403 otherwise).
 */
export async function requireRoomAccess(ctx: Ctx, conversationId: string): Promise<MemberAccess> {
  const access = await requireConversationMember(ctx, conversationId);
  const { conversation, me } = access;
  if (conversation.type === "event" && conversation.eventId && !(await eventRoomEligible(ctx, conversation.eventId, me.id))) {
    throw new Forbidden(EVENT_ROOM_ELIGIBILITY);
  }
  return access;
}

/** The other member of a direct conversation (from its pair key). */
export function directPartnerId(conversation: Conversation, myId: string): string | null {
  if (conversation.type !== "direct" || !conversation.directKey) return null;
  const [a, b] = conversation.directKey.split(":");
  return a === myId ? (b ?? null) : (a ?? null);
}

/** The pair key of a direct conversation between two members, the same whichever starts it. */
export function directKeyOf(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/**
 * Why `userId` cannot send in this conversation now, or null when they can. Only direct
 * conversations refuse: across a block, or once the other member deleted their account.
 */
export async function sendingRefusal(ctx: Ctx, conversation: Conversation, userId: string): Promise<string | null> {
  const partner = directPartnerId(conversation, userId);
  if (partner === null) return null;
  const row = await ctx.db.get<{ present: number; blocked: number }>(sql`SELECT
      EXISTS (SELECT 1 FROM users WHERE id = ${partner}) AS present,
      EXISTS (SELECT 1 FROM blocks WHERE (blocker_id = ${userId} AND blocked_id = ${partner}) OR (blocker_id = ${partner} AND blocked_id = ${userId})) AS blocked`);
  if (row?.present !== 1) return "This member deleted their account: messages can no longer reach them.";
  return row.blocked === 1 ? "You can't message this member." : null;
}

/** The conversation's ChatRoom Durable Object (one per conversation, named by its id). */
export function chatRoom(env: Env, conversationId: string): DurableObjectStub<ChatRoom> {
  return env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(conversationId));
}
