import { enqueue } from "../../queues/producer";
import type { Env } from "../env";

/**
 * What a ChatRoom tells D1 after the fact, so the inbox (last message, unread counts) stays
 * current without slowing delivery: the room calls these after it has acked and broadcast,
 * never before. Every write is absolute and guarded (`last_seq < ?`, `read_seq < ?`), so a
 * late, repeated or reordered update can never move the inbox backwards.
 */

/** The inbox line: whitespace folded, at most 140 characters (code points), an ellipsis when cut. */
export function messagePreview(body: string, maxLength = 140): string {
  const plain = body.slice(0, maxLength * 8).replace(/\s+/g, " ").trim();
  const chars = [...plain];
  return chars.length > maxLength ? `${chars.slice(0, maxLength - 1).join("")}…` : plain;
}

export interface RoomMessageFacts {
  conversationId: string;
  seq: number;
  /** How many messages the room holds up to and including this one (deleted ones too). */
  ordinal: number;
  senderId: string;
  body: string;
  sentAt: string;
  /** Members with a socket open in the room when the message went out. */
  online: string[];
}

/** A new message: the conversation's newest line and count; the sender has read up to it; offline members may be told. */
export async function recordRoomMessage(env: Env, facts: RoomMessageFacts): Promise<void> {
  await env.DB.batch([
    env.DB.prepare(
      `UPDATE conversations
          SET last_seq = ?1, message_count = ?2, last_message_at = ?3, last_activity_at = ?3,
              last_sender_id = (SELECT id FROM users WHERE id = ?4), last_preview = ?5
        WHERE id = ?6 AND last_seq < ?1`,
    ).bind(facts.seq, facts.ordinal, facts.sentAt, facts.senderId, messagePreview(facts.body), facts.conversationId),
    env.DB.prepare("UPDATE conversation_members SET read_seq = ?1, read_count = ?2 WHERE conversation_id = ?3 AND user_id = ?4 AND read_seq < ?1").bind(
      facts.seq,
      facts.ordinal,
      facts.conversationId,
      facts.senderId,
    ),
  ]);
  await enqueue(env.JOBS, {
    type: "chat.notify",
    idempotencyKey: `chat:${facts.conversationId}:${facts.seq}`,
    conversationId: facts.conversationId,
    seq: facts.seq,
    senderId: facts.senderId,
    online: facts.online.slice(0, 5000),
  });
}

export interface RoomReadFacts {
  conversationId: string;
  userId: string;
  seq: number;
  /** How many messages the room holds up to `seq`. */
  count: number;
}

/** A read receipt: the member's unread count is the conversation's message count minus this. */
export async function recordRoomRead(env: Env, facts: RoomReadFacts): Promise<void> {
  await env.DB.prepare("UPDATE conversation_members SET read_seq = ?1, read_count = ?2 WHERE conversation_id = ?3 AND user_id = ?4 AND read_seq < ?1")
    .bind(facts.seq, facts.count, facts.conversationId, facts.userId)
    .run();
}

/** An edit or deletion of the conversation's newest message changes the inbox line (null: deleted). */
export async function recordRoomPreview(env: Env, facts: { conversationId: string; messageSeq: number; body: string | null }): Promise<void> {
  await env.DB.prepare("UPDATE conversations SET last_preview = ?1 WHERE id = ?2 AND last_seq = ?3")
    .bind(facts.body === null ? null : messagePreview(facts.body), facts.conversationId, facts.messageSeq)
    .run();
}
