import { sql, type SQL } from "drizzle-orm";
import type { ConversationRole, ConversationType } from "../../db/schema";
import type { Ctx } from "../env";
import { DomainError, NotFound } from "../errors";
import type { ChatMember, ConversationDetailDto, ConversationDto } from "../schemas/conversations";
import { avatarUrl } from "./avatars";

/**
 * How a conversation reads for one member: the inbox line and the detail share one SQL
 * shape, so the title, the other member, unread counts and `canSend` are computed once.
 */

/** At most this many members are listed in a conversation's detail (event rooms can be larger). */
export const MAX_LISTED_MEMBERS = 500;

/** Shown for a direct conversation whose other member deleted their account. */
export const DELETED_MEMBER_TITLE = "Deleted member";

/** 422 with the fields at fault: a well-formed request naming members who cannot take part. */
export class UnprocessableConversation extends DomainError {
  readonly status = 422;
  readonly title = "Unprocessable Content";
}

export interface ConversationLine {
  id: string;
  type: ConversationType;
  title: string | null;
  eventId: string | null;
  eventTitle: string | null;
  directKey: string | null;
  lastSeq: number;
  messageCount: number;
  lastMessageAt: string | null;
  lastSenderId: string | null;
  lastPreview: string | null;
  lastActivityAt: string;
  role: ConversationRole;
  readSeq: number;
  readCount: number;
  muted: number;
  memberCount: number;
  otherId: string | null;
  otherHandle: string | null;
  otherName: string | null;
  otherAvatarKey: string | null;
  blocked: number;
  /** 0 for an event room's member who no longer goes to the event nor organizes it: they keep the line, not its contents. */
  readable: number;
}

/** The other member of a direct pair, from its key "<a>:<b>", for the member in `m`. */
const PARTNER_ID = sql.raw(
  "(CASE WHEN substr(c.direct_key, 1, instr(c.direct_key, ':') - 1) = m.user_id THEN substr(c.direct_key, instr(c.direct_key, ':') + 1) ELSE substr(c.direct_key, 1, instr(c.direct_key, ':') - 1) END)",
);

/**
 * The member's conversations matching `where` (over `c` = conversations, `m` = their
 * membership), newest activity first. Driven by conversation_members_user_idx: a member's
 * conversations are read from their own index range, then sorted (a member is in tens or
 * hundreds of conversations, not millions).
 */
export async function conversationLines(ctx: Ctx, userId: string, where: SQL, limit: number): Promise<ConversationLine[]> {
  return ctx.db.all<ConversationLine>(sql`
    SELECT c.id, c.type, c.title, c.event_id AS eventId, e.title AS eventTitle, c.direct_key AS directKey,
           c.last_seq AS lastSeq, c.message_count AS messageCount, c.last_message_at AS lastMessageAt,
           c.last_sender_id AS lastSenderId, c.last_preview AS lastPreview, c.last_activity_at AS lastActivityAt,
           m.role, m.read_seq AS readSeq, m.read_count AS readCount, m.muted,
           (SELECT count(*) FROM conversation_members x WHERE x.conversation_id = c.id) AS memberCount,
           u.id AS otherId, u.handle AS otherHandle, u.display_name AS otherName, u.avatar_key AS otherAvatarKey,
           (u.id IS NOT NULL AND EXISTS (SELECT 1 FROM blocks b
              WHERE (b.blocker_id = m.user_id AND b.blocked_id = u.id) OR (b.blocker_id = u.id AND b.blocked_id = m.user_id))) AS blocked,
           (c.type <> 'event'
              OR EXISTS (SELECT 1 FROM event_organizers o WHERE o.event_id = c.event_id AND o.user_id = m.user_id)
              OR EXISTS (SELECT 1 FROM rsvps r WHERE r.user_id = m.user_id AND r.event_id = c.event_id AND r.status = 'going')) AS readable
      FROM conversation_members m
      JOIN conversations c ON c.id = m.conversation_id
      LEFT JOIN events e ON e.id = c.event_id
      LEFT JOIN users u ON c.type = 'direct' AND u.id = ${PARTNER_ID}
     WHERE m.user_id = ${userId} AND ${where}
     ORDER BY c.last_activity_at DESC, c.id DESC
     LIMIT ${limit}`);
}

function titleOf(line: ConversationLine): string {
  if (line.type === "direct") return line.otherName ?? DELETED_MEMBER_TITLE;
  if (line.type === "event") return line.eventTitle ?? line.title ?? "Event room";
  return line.title ?? "Group";
}

export function toConversationDto(line: ConversationLine): ConversationDto {
  const other: ChatMember | null =
    line.type === "direct" && line.otherId && line.otherHandle
      ? { id: line.otherId, handle: line.otherHandle, displayName: line.otherName ?? line.otherHandle, avatarUrl: avatarUrl(line.otherHandle, line.otherAvatarKey), role: "member" }
      : null;
  return {
    id: line.id,
    type: line.type,
    title: titleOf(line),
    other,
    event: line.type === "event" && line.eventId ? { id: line.eventId, title: line.eventTitle ?? line.title ?? "Event room" } : null,
    memberCount: line.memberCount,
    lastMessage:
      line.lastSeq > 0 && line.lastMessageAt
        ? // Someone who stopped going to the event cannot read its room (requireRoomAccess), so not its newest words either.
          { seq: line.lastSeq, preview: line.readable ? line.lastPreview : null, senderId: line.lastSenderId, sentAt: line.lastMessageAt }
        : null,
    unreadCount: Math.max(0, line.messageCount - line.readCount),
    lastReadSeq: line.readSeq,
    muted: Boolean(line.muted),
    myRole: line.role,
    // A direct conversation needs both members, with no block between them.
    canSend: line.type === "direct" ? other !== null && !line.blocked : Boolean(line.readable),
    lastActivityAt: line.lastActivityAt,
  };
}

/** The member's view of one conversation they are in, or undefined. */
export async function conversationLine(ctx: Ctx, userId: string, conversationId: string): Promise<ConversationLine | undefined> {
  const [line] = await conversationLines(ctx, userId, sql`c.id = ${conversationId}`, 1);
  return line;
}

/** A conversation's members, admins first, then by how long they have been in it. */
export async function membersOf(ctx: Ctx, conversationId: string, limit = MAX_LISTED_MEMBERS): Promise<ChatMember[]> {
  const rows = await ctx.db.all<{ id: string; handle: string; displayName: string; avatarKey: string | null; role: ConversationRole }>(sql`
    SELECT u.id, u.handle, u.display_name AS displayName, u.avatar_key AS avatarKey, m.role
      FROM conversation_members m
      JOIN users u ON u.id = m.user_id
     WHERE m.conversation_id = ${conversationId}
     ORDER BY (m.role = 'admin') DESC, m.joined_at, m.user_id
     LIMIT ${limit}`);
  return rows.map((r) => ({ id: r.id, handle: r.handle, displayName: r.displayName, avatarUrl: avatarUrl(r.handle, r.avatarKey), role: r.role }));
}

/** Members by handle (as typed, normalized): one query with a single bound JSON array, whatever the count. */
export async function usersByHandle(ctx: Ctx, handles: string[]): Promise<Map<string, string>> {
  if (handles.length === 0) return new Map();
  const rows = await ctx.db.all<{ id: string; handle: string }>(sql`SELECT id, handle FROM users WHERE handle IN (SELECT value FROM json_each(${JSON.stringify(handles)}))`);
  return new Map(rows.map((r) => [r.handle, r.id]));
}

/** Of `userIds`, those with a block either way with `userId`. */
export async function blockedAmong(ctx: Ctx, userId: string, userIds: string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const ids = JSON.stringify(userIds);
  const rows = await ctx.db.all<{ id: string }>(sql`
    SELECT blocked_id AS id FROM blocks WHERE blocker_id = ${userId} AND blocked_id IN (SELECT value FROM json_each(${ids}))
    UNION
    SELECT blocker_id AS id FROM blocks WHERE blocked_id = ${userId} AND blocker_id IN (SELECT value FROM json_each(${ids}))`);
  return new Set(rows.map((r) => r.id));
}

/** The member's view of a conversation they are in (after a write of theirs). */
export async function dtoFor(ctx: Ctx, userId: string, conversationId: string): Promise<ConversationDto> {
  const line = await conversationLine(ctx, userId, conversationId);
  if (!line) throw new NotFound("There is no conversation with this id, or you are not in it.");
  return toConversationDto(line);
}

export async function detailFor(ctx: Ctx, userId: string, conversationId: string): Promise<ConversationDetailDto> {
  const [dto, members] = await Promise.all([dtoFor(ctx, userId, conversationId), membersOf(ctx, conversationId)]);
  return { ...dto, members };
}
