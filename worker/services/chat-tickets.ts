import { sql } from "drizzle-orm";
import type { Conversation } from "../../db/schema";
import type { Ctx } from "../env";
import { Forbidden, TooManyRequests, Unauthorized } from "../errors";
import { randomToken, sha256Hex } from "../lib/tokens";
import type { TicketDto } from "../schemas/conversations";
import { EVENT_ROOM_ELIGIBILITY, eventRoomEligible, loadConversation, membershipOf, requireRoomAccess } from "./conversation-access";

/**
 * WebSocket tickets for chat rooms. A browser cannot put a header on a WebSocket, so a
 * member asks for a ticket over the authenticated API (`POST /api/v1/conversations/:id/ticket`)
 * and presents it in the upgrade URL (`/ws/conversations/:id?ticket=…`). A ticket is
 * - 32 random bytes (base64url, 43 characters); only its SHA-256 is stored in chat_tickets;
 * - bound to one member and one conversation, valid for TICKET_TTL_MS, and single use:
 *   redeeming deletes the row in the same statement that reads it, so two upgrades racing
 *   with one ticket admit one;
 * - capped at MAX_LIVE_TICKETS unexpired per member (the cap is part of the INSERT, so
 *   concurrent requests cannot pass it); expired rows are purged by the cron
 *   (`chat.tickets.purge`, purgeExpiredTickets).
 * Membership is checked when the ticket is issued and again when it is redeemed: a member
 * removed in between is refused at the door.
 */

export const TICKET_TTL_MS = 60_000;
/** Unexpired tickets one member may hold at once (a dozen tabs reconnecting is still fine). */
export const MAX_LIVE_TICKETS = 20;
/** Expired tickets deleted per statement and per cron run. */
export const TICKET_PURGE_BATCH = 500;
const TICKET_PURGE_ROUNDS = 10;
/** What a ticket looks like: base64url of 32 bytes. Anything else is refused before any SQL. */
const TICKET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The upgrade address for a ticket: a path on this site (the client resolves it against its own origin, with ws: or wss:). */
export function chatSocketPath(conversationId: string, ticket: string): string {
  return `/ws/conversations/${encodeURIComponent(conversationId)}?ticket=${encodeURIComponent(ticket)}`;
}

/** Issues a ticket for the signed-in member to open this conversation's room. 401/403/404/429. */
export async function issueTicket(ctx: Ctx, conversationId: string, now = Date.now()): Promise<TicketDto> {
  const { me, conversation } = await requireRoomAccess(ctx, conversationId);
  const ticket = randomToken();
  const expiresAt = now + TICKET_TTL_MS;
  // One statement: the cap holds even when a member's tabs ask at the same moment. The count
  // walks the expiry index over unexpired tickets only (those issued in the last minute).
  const inserted = await ctx.db.run(sql`INSERT INTO chat_tickets (token_hash, conversation_id, user_id, expires_at)
      SELECT ${await sha256Hex(ticket)}, ${conversation.id}, ${me.id}, ${expiresAt}
       WHERE (SELECT count(*) FROM chat_tickets WHERE expires_at > ${now} AND user_id = ${me.id}) < ${MAX_LIVE_TICKETS}`);
  if (inserted.meta.changes !== 1) {
    throw new TooManyRequests(`You hold ${MAX_LIVE_TICKETS} unused chat tickets; use them or wait a minute for them to expire.`, Math.ceil(TICKET_TTL_MS / 1000));
  }
  return { ticket, expiresAt: new Date(expiresAt).toISOString(), url: chatSocketPath(conversation.id, ticket) };
}

export interface RedeemedTicket {
  userId: string;
  conversation: Conversation;
}

const BAD_TICKET = "This chat ticket is not valid: it expired, was already used or belongs to another conversation. Ask for a new one.";

/**
 * Consumes a ticket for `conversationId` and answers whose it was. 401 when missing, unknown,
 * used, expired or for another conversation (it is consumed all the same); 403 when its
 * member is no longer in the conversation. Needs no signed-in user: the ticket is the credential.
 */
export async function redeemTicket(ctx: Ctx, conversationId: string, ticket: string | undefined, now = Date.now()): Promise<RedeemedTicket> {
  if (!ticket) throw new Unauthorized("Ask for a ticket (POST /api/v1/conversations/:id/ticket) and open the socket with ?ticket=….");
  if (!TICKET_PATTERN.test(ticket)) throw new Unauthorized(BAD_TICKET);
  const row = await ctx.db.get<{ conversationId: string; userId: string; expiresAt: number } | undefined>(
    sql`DELETE FROM chat_tickets WHERE token_hash = ${await sha256Hex(ticket)} RETURNING conversation_id AS conversationId, user_id AS userId, expires_at AS expiresAt`,
  );
  if (!row || row.conversationId !== conversationId || row.expiresAt <= now) throw new Unauthorized(BAD_TICKET);
  const conversation = await loadConversation(ctx, conversationId);
  const refusal = await roomAccessRefusal(ctx, conversation, row.userId);
  if (refusal) throw new Forbidden(refusal);
  return { userId: row.userId, conversation };
}

export const NO_LONGER_A_MEMBER = "You are no longer a member of this conversation.";

/**
 * Why `userId` may not hold a socket in this room now, or null: not a member (any more), or,
 * in an event room, no longer going nor organizing (the ticket was issued before an RSVP
 * was cancelled). The door asks at redemption and again once the room has the socket.
 */
export async function roomAccessRefusal(ctx: Ctx, conversation: Conversation, userId: string): Promise<string | null> {
  if (!(await membershipOf(ctx, conversation.id, userId))) return NO_LONGER_A_MEMBER;
  if (conversation.type === "event" && conversation.eventId && !(await eventRoomEligible(ctx, conversation.eventId, userId))) return EVENT_ROOM_ELIGIBILITY;
  return null;
}

/** Deletes expired tickets in batches (the cron); answers how many went. */
export async function purgeExpiredTickets(ctx: Ctx, now: Date = new Date()): Promise<number> {
  let total = 0;
  for (let round = 0; round < TICKET_PURGE_ROUNDS; round += 1) {
    const { meta } = await ctx.db.run(
      sql`DELETE FROM chat_tickets WHERE token_hash IN (SELECT token_hash FROM chat_tickets WHERE expires_at <= ${now.getTime()} LIMIT ${TICKET_PURGE_BATCH})`,
    );
    total += meta.changes;
    if (meta.changes < TICKET_PURGE_BATCH) break;
  }
  return total;
}
