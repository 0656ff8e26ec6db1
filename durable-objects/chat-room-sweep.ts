import type { Env } from "../worker/env";
import { log } from "../worker/lib/log";
import { CLOSE_CODES } from "./chat-protocol";
import type { RoomConnections } from "./chat-room-connections";

/**
 * The room's own look at D1, on its alarm (every IDLE_CHECK_MS while sockets are open): a
 * socket whose member may no longer be in the room is closed (CLOSE_CODES.removed). The
 * services close a former member's sockets at once (`disconnect`), so this is the safety
 * net for what they cannot or did not reach:
 * - an account deleted while its tabs were open (its memberships went by cascade, nobody
 *   told the room);
 * - an event room's member who stopped going (a cancelled RSVP keeps the membership but
 *   not the right to read or write: conversation-access.ts requireRoomAccess);
 * - a `disconnect` that failed (conversations.ts logs it and carries on).
 * A room whose conversation is not in D1 (yet) is left alone: nothing to compare with.
 * Failures are logged; the next alarm tries again.
 */
export async function closeFormerMembers(env: Env, sockets: RoomConnections, conversationId: string | null): Promise<void> {
  if (conversationId === null) return;
  const open = sockets.open();
  if (open.length === 0) return;
  const online = [...new Set(open.map((s) => s.att.userId))];
  let allowed: Set<string>;
  try {
    const { results } = await env.DB.prepare(
      `SELECT c.id AS conversationId, m.user_id AS userId
         FROM conversations c
         LEFT JOIN conversation_members m ON m.conversation_id = c.id
              AND m.user_id IN (SELECT value FROM json_each(?2))
              AND (c.type <> 'event'
                   OR EXISTS (SELECT 1 FROM event_organizers o WHERE o.event_id = c.event_id AND o.user_id = m.user_id)
                   OR EXISTS (SELECT 1 FROM rsvps r WHERE r.user_id = m.user_id AND r.event_id = c.event_id AND r.status = 'going'))
        WHERE c.id = ?1`,
    )
      .bind(conversationId, JSON.stringify(online))
      .all<{ conversationId: string; userId: string | null }>();
    if (results.length === 0) return;
    allowed = new Set(results.flatMap((r) => (r.userId === null ? [] : [r.userId])));
  } catch (error) {
    log("warn", "chat.room.sweep-failed", { conversationId, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    return;
  }
  // Sockets opened during the query are judged at the next alarm; their door checked them just now.
  for (const { ws, att } of open) {
    if (!allowed.has(att.userId)) sockets.close(ws, CLOSE_CODES.removed, "You are no longer a member of this conversation.");
  }
}
