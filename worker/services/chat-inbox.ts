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

/**
 * An edit or deletion of the conversation's newest message changes the inbox line (null: deleted).
 * A deletion also takes the words out of the members' "message" notifications that quote them
 * (chat.notify quotes the inbox line, so they are those whose excerpt is that line), in the same
 * transaction and before the line is cleared. Read per member on notifications_dedupe_idx.
 */
export async function recordRoomPreview(env: Env, facts: { conversationId: string; messageSeq: number; body: string | null }): Promise<void> {
  const line = env.DB.prepare("UPDATE conversations SET last_preview = ?1 WHERE id = ?2 AND last_seq = ?3").bind(
    facts.body === null ? null : messagePreview(facts.body),
    facts.conversationId,
    facts.messageSeq,
  );
  if (facts.body !== null) {
    await line.run();
    return;
  }
  const scrub = env.DB.prepare(
    `UPDATE notifications SET data = json_set(data, '$.excerpt', NULL)
      WHERE user_id IN (SELECT user_id FROM conversation_members WHERE conversation_id = ?1)
        AND dedupe_key >= ?2 AND dedupe_key < ?3
        AND json_extract(data, '$.excerpt') = (SELECT last_preview FROM conversations WHERE id = ?1 AND last_seq = ?4)`,
  ).bind(facts.conversationId, `message:${facts.conversationId}:`, `message:${facts.conversationId};`, facts.messageSeq);
  await env.DB.batch([scrub, line]);
}
