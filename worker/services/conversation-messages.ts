import type { ChatMessage } from "../../durable-objects/chat-protocol";
import type { Ctx } from "../env";
import { Forbidden, TooManyRequests } from "../errors";
import type { HistoryQuery, MessagePage, SendMessageInput } from "../schemas/conversations";
import { chatRoom, requireConversationMember, requireRoomAccess, sendingRefusal } from "./conversation-access";
import { UnprocessableConversation } from "./conversation-views";

/**
 * Messages over HTTP: the API's door to a conversation's ChatRoom, for clients without a
 * socket (and for tests). Access is checked here, in the Worker, before the room is asked;
 * the room stores, numbers, broadcasts and rate-limits exactly as for a WebSocket `send`.
 */

/** History, newest page first; each page oldest first. All history is visible to current members. */
export async function listMessages(ctx: Ctx, id: string, query: HistoryQuery): Promise<MessagePage> {
  const { conversation } = await requireRoomAccess(ctx, id);
  const history = await chatRoom(ctx.env, conversation.id).history({ conversationId: conversation.id, before: query.before, limit: query.limit });
  const oldest = history.messages[0];
  return { data: history.messages, nextBefore: history.hasMore && oldest ? oldest.seq : null, lastSeq: history.lastSeq };
}

export async function sendMessage(ctx: Ctx, id: string, input: SendMessageInput): Promise<{ seq: number; duplicate: boolean; message: ChatMessage }> {
  const { me, conversation } = await requireRoomAccess(ctx, id);
  const refusal = await sendingRefusal(ctx, conversation, me.id);
  if (refusal) throw new Forbidden(refusal);
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
