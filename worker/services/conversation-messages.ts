import { sql } from "drizzle-orm";
import type { ChatMessage } from "../../durable-objects/chat-protocol";
import type { Ctx } from "../env";
import { Forbidden, TooManyRequests } from "../errors";
import type { HistoryQuery, MessagePage, SendMessageInput } from "../schemas/conversations";
import { canSendIn, chatRoom, directPartnerId, requireConversationMember, type MemberAccess } from "./conversation-access";
import { EVENT_ROOM_ELIGIBILITY, eventRoomEligible } from "./conversation-event-rooms";
import { UnprocessableConversation } from "./conversation-views";

/**
 * Messages over HTTP: the API's door to a conversation's ChatRoom, for clients without a
 * socket (and for tests). Access is checked here, in the Worker, before the room is asked;
 * the room stores, numbers, broadcasts and rate-limits exactly as for a WebSocket `send`.
 */

/** A member who may use the room now: event rooms re-check that they still go to the event (or organize it). */
async function requireRoomAccess(ctx: Ctx, conversationId: string): Promise<MemberAccess> {
  const access = await requireConversationMember(ctx, conversationId);
  const { conversation, me } = access;
  if (conversation.type === "event" && conversation.eventId && !(await eventRoomEligible(ctx, conversation.eventId, me.id))) {
    throw new Forbidden(EVENT_ROOM_ELIGIBILITY);
  }
  return access;
}

/** History, newest page first; each page oldest first. All history is visible to current members. */
export async function listMessages(ctx: Ctx, id: string, query: HistoryQuery): Promise<MessagePage> {
  const { conversation } = await requireRoomAccess(ctx, id);
  const history = await chatRoom(ctx.env, conversation.id).history({ conversationId: conversation.id, before: query.before, limit: query.limit });
  const oldest = history.messages[0];
  return { data: history.messages, nextBefore: history.hasMore && oldest ? oldest.seq : null, lastSeq: history.lastSeq };
}

export async function sendMessage(ctx: Ctx, id: string, input: SendMessageInput): Promise<{ seq: number; duplicate: boolean; message: ChatMessage }> {
  const { me, conversation } = await requireRoomAccess(ctx, id);
  const partner = directPartnerId(conversation, me.id);
  if (partner !== null) {
    const present = await ctx.db.get<{ one: number }>(sql`SELECT 1 AS one FROM users WHERE id = ${partner}`);
    if (!present) throw new Forbidden("This member deleted their account: messages can no longer reach them.");
  }
  if (!(await canSendIn(ctx, conversation, me.id))) throw new Forbidden("You can't message this member.");
  const outcome = await chatRoom(ctx.env, conversation.id).send({ conversationId: conversation.id, userId: me.id, clientId: input.clientId, body: input.body });
  if (outcome.ok) return { seq: outcome.seq, duplicate: outcome.duplicate, message: outcome.message };
  switch (outcome.code) {
    case "invalid_body":
      throw new UnprocessableConversation(outcome.message, [{ path: "body", message: outcome.message }]);
    case "rate_limited":
      throw new TooManyRequests(outcome.message, Math.max(1, Math.ceil(outcome.retryAfterSeconds ?? 1)));
    case "not_allowed":
      throw new Forbidden(outcome.message);
  }
}

/** Everything up to `seq` is read for the signed-in member; answers their read position now (never lower than before). */
export async function markConversationRead(ctx: Ctx, id: string, seq: number): Promise<{ readSeq: number }> {
  const { me, conversation } = await requireConversationMember(ctx, id);
  return chatRoom(ctx.env, conversation.id).markRead({ conversationId: conversation.id, userId: me.id, seq });
}
