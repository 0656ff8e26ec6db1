import { and, eq } from "drizzle-orm";
import { conversationMembers, conversations, type Conversation, type ConversationMember } from "../../db/schema";
import type { ChatRoom } from "../../durable-objects/chat-room";
import type { CurrentUser, Ctx, Env } from "../env";
import { Forbidden, NotFound } from "../errors";
import { UUID_PATTERN } from "../lib/ids";
import { blockedEitherWay } from "./audience";
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

/** Whether `userId` may send in this conversation now: only a block between a direct pair stops it. */
export async function canSendIn(ctx: Ctx, conversation: Conversation, userId: string): Promise<boolean> {
  const partner = directPartnerId(conversation, userId);
  if (partner === null) return true;
  return !(await blockedEitherWay(ctx, userId, partner));
}

/** The conversation's ChatRoom Durable Object (one per conversation, named by its id). */
export function chatRoom(env: Env, conversationId: string): DurableObjectStub<ChatRoom> {
  return env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(conversationId));
}
