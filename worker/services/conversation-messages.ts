import type { ChangeOutcome, ChatMessage, SendOutcome } from "../../durable-objects/chat-protocol";
import type { Ctx } from "../env";
import { DomainError, Forbidden, NotFound, TooManyRequests } from "../errors";
import type { EditMessageInput, HistoryQuery, MessageChangeResult, MessagePage, SendMessageInput } from "../schemas/conversations";
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
  throw refusedByRoom(outcome);
}

const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Edits one of the signed-in member's own messages through the room (the same code path as a
 * WebSocket `edit` frame: every open socket gets the `edit` event; the chat.send rate limit
 * counts it). Answers the edit event's seq and the message as it reads now.
 * 404: not a member (403 for an event room you may not use), no message `seq` (an edit or
 * delete event's seq is not a message), or it was deleted. 403: someone else's message, or
 * sending is closed (a block, a deleted partner). 422: body or clientId. 429: too fast.
 */
export async function editMessage(ctx: Ctx, id: string, seq: number, input: EditMessageInput): Promise<MessageChangeResult> {
  const { me, conversation } = await requireRoomAccess(ctx, id);
  if (!CLIENT_ID.test(input.clientId)) throw clientIdProblem();
  const refusal = await sendingRefusal(ctx, conversation, me.id);
  if (refusal) throw new Forbidden(refusal);
  return changed(await chatRoom(ctx.env, conversation.id).edit({ conversationId: conversation.id, userId: me.id, clientId: input.clientId, seq, body: input.body }));
}

/**
 * Deletes one of the signed-in member's own messages through the room (as a WebSocket
 * `delete` frame): it stays in the history as a tombstone (body null, deletedAt). Unlike
 * sending and editing, deleting stays possible when sending is closed: a block does not stop
 * you taking your own words back. Answers the delete event's seq and the tombstone.
 * Same errors as editMessage, without the block's 403 and the rate limit.
 */
export async function deleteMessage(ctx: Ctx, id: string, seq: number, clientId: string): Promise<MessageChangeResult> {
  const { me, conversation } = await requireRoomAccess(ctx, id);
  if (!CLIENT_ID.test(clientId)) throw clientIdProblem();
  return changed(await chatRoom(ctx.env, conversation.id).remove({ conversationId: conversation.id, userId: me.id, clientId, seq }));
}

function clientIdProblem(): UnprocessableConversation {
  const message = "clientId is 1–64 letters, digits, - and _ (a UUID works).";
  return new UnprocessableConversation(message, [{ path: "clientId", message }]);
}

/** The room's answer to an edit or deletion, as the result or the error the API turns into problem+json. */
function changed(outcome: ChangeOutcome): MessageChangeResult {
  if (outcome.ok) return { seq: outcome.seq, message: outcome.message };
  throw refusedByRoom(outcome);
}

/** A room's refusal (of a send, an edit or a deletion) as the error the API turns into problem+json. */
function refusedByRoom(outcome: Extract<SendOutcome | ChangeOutcome, { ok: false }>): DomainError {
  switch (outcome.code) {
    case "not_found":
      return new NotFound(outcome.message);
    case "forbidden":
      return new Forbidden(outcome.message);
    case "invalid_body":
      return new UnprocessableConversation(outcome.message, [{ path: "body", message: outcome.message }]);
    case "rate_limited":
      return new TooManyRequests(outcome.message, Math.max(1, Math.ceil(outcome.retryAfterSeconds ?? 1)));
    case "not_allowed":
      return new Forbidden(outcome.message);
  }
}

/** Everything up to `seq` is read for the signed-in member; answers their read position now (never lower than before). */
export async function markConversationRead(ctx: Ctx, id: string, seq: number): Promise<{ readSeq: number }> {
  const { me, conversation } = await requireConversationMember(ctx, id);
  return chatRoom(ctx.env, conversation.id).markRead({ conversationId: conversation.id, userId: me.id, seq });
}
