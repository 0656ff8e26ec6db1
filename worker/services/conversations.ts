import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Conversation } from "../../db/schema";
import type { Ctx } from "../env";
import { Conflict, Forbidden, Invalid, NotFound, type FieldError } from "../errors";
import { decodeCursor, keysetPage } from "../lib/cursor";
import { uuidv7 } from "../lib/ids";
import { log } from "../lib/log";
import {
  MAX_GROUP_MEMBERS,
  type AddMembersInput,
  type ConversationDetailDto,
  type ConversationDto,
  type InboxPage,
  type InboxQuery,
  type StartConversationInput,
  type UpdateConversationInput,
} from "../schemas/conversations";
import { blockedEitherWay } from "./audience";
import { requireVerifiedMember } from "./authorization";
import { chatRoom, directKeyOf, requireConversationMember, type MemberAccess } from "./conversation-access";
import { blockedAmong, conversationLines, detailFor, dtoFor, toConversationDto, UnprocessableConversation, usersByHandle } from "./conversation-views";
import { requireSignedIn } from "./users";

export { deleteMessage, editMessage, listMessages, markConversationRead, sendMessage } from "./conversation-messages";
export { eventRoomStatus, joinEventRoom } from "./conversation-event-rooms";

/**
 * Conversations as a domain: starting them, the inbox, members and their roles. The
 * messages themselves live in each conversation's ChatRoom (conversation-messages.ts);
 * who may reach a conversation is decided in conversation-access.ts. docs/conversations.md
 * records the decisions.
 *
 * - direct: one per pair (the unique `direct_key`), never across a block, never left;
 * - group: made by a member with a confirmed email, who becomes its admin; admins rename,
 *   add and remove; when the last admin leaves, the longest-standing member takes over;
 * - event: one room per event (conversation-event-rooms.ts).
 */

// ---- Starting ------------------------------------------------------------------------------

export async function startConversation(ctx: Ctx, input: StartConversationInput): Promise<{ conversation: ConversationDto; created: boolean }> {
  return input.type === "direct" ? startDirect(ctx, input.with) : startGroup(ctx, input.title, input.members);
}

/**
 * The one conversation of a pair. Both members starting it at once end with one row: the
 * insert yields to the unique `direct_key`, and the members are added to whichever row won,
 * in the same batch. The block check is repeated inside the insert, so a block landing
 * between the check and the write still leaves no conversation.
 */
async function startDirect(ctx: Ctx, handle: string): Promise<{ conversation: ConversationDto; created: boolean }> {
  const me = requireVerifiedMember(ctx);
  const otherId = (await usersByHandle(ctx, [handle])).get(handle);
  if (!otherId) throw new UnprocessableConversation(`There is no member @${handle}.`, [{ path: "with", message: `There is no member @${handle}.` }]);
  if (otherId === me.id) throw new UnprocessableConversation("You can't start a conversation with yourself.", [{ path: "with", message: "You can't start a conversation with yourself." }]);
  if (await blockedEitherWay(ctx, me.id, otherId)) throw new Forbidden("You can't message this member.");
  const key = directKeyOf(me.id, otherId);
  const id = uuidv7();
  const now = new Date().toISOString();
  const db = ctx.db.$client;
  const [inserted] = await db.batch([
    db
      .prepare(
        `INSERT INTO conversations (id, type, direct_key, created_by, created_at, last_activity_at)
         SELECT ?1, 'direct', ?2, ?3, ?4, ?4
          WHERE NOT EXISTS (SELECT 1 FROM blocks WHERE (blocker_id = ?3 AND blocked_id = ?5) OR (blocker_id = ?5 AND blocked_id = ?3))
         ON CONFLICT (direct_key) DO NOTHING
         RETURNING id`,
      )
      .bind(id, key, me.id, now, otherId),
    db
      .prepare(
        `INSERT INTO conversation_members (conversation_id, user_id, role, joined_at)
         SELECT c.id, u.id, 'member', ?2 FROM conversations c JOIN users u ON u.id IN (?3, ?4)
          WHERE c.direct_key = ?1
         ON CONFLICT DO NOTHING`,
      )
      .bind(key, now, me.id, otherId),
  ]);
  const created = (inserted?.results.length ?? 0) > 0;
  const existing = await ctx.db.get<{ id: string }>(sql`SELECT id FROM conversations WHERE direct_key = ${key}`);
  if (!existing || (await blockedEitherWay(ctx, me.id, otherId))) throw new Forbidden("You can't message this member.");
  return { conversation: await dtoFor(ctx, me.id, existing.id), created };
}

/** Handles as typed, deduplicated and without the creator; each keeps the index it had in the input (for `members.N`). */
function distinctHandles(handles: string[], own: string): { handle: string; index: number }[] {
  const seen = new Set<string>([own]);
  const out: { handle: string; index: number }[] = [];
  handles.forEach((handle, index) => {
    if (seen.has(handle)) return;
    seen.add(handle);
    out.push({ handle, index });
  });
  return out;
}

/**
 * Resolves handles for a group: unknown members and members with a block either way with
 * the acting member are refused together, each named by its place in the input.
 */
async function resolveNewMembers(ctx: Ctx, actorId: string, actorHandle: string, handles: string[], field: string): Promise<string[]> {
  const wanted = distinctHandles(handles, actorHandle);
  const ids = await usersByHandle(ctx, wanted.map((w) => w.handle));
  const blocked = await blockedAmong(ctx, actorId, [...ids.values()]);
  const errors: FieldError[] = [];
  for (const { handle, index } of wanted) {
    const id = ids.get(handle);
    if (!id) errors.push({ path: `${field}.${index}`, message: `There is no member @${handle}.` });
    else if (blocked.has(id)) errors.push({ path: `${field}.${index}`, message: `@${handle} can't be added: there is a block between you.` });
  }
  if (errors.length > 0) throw new UnprocessableConversation(errors.length === 1 ? errors[0]!.message : `${errors.length} of these members can't be added.`, errors);
  return wanted.map((w) => ids.get(w.handle)!);
}

async function startGroup(ctx: Ctx, title: string, handles: string[]): Promise<{ conversation: ConversationDto; created: boolean }> {
  const me = requireVerifiedMember(ctx);
  const memberIds = await resolveNewMembers(ctx, me.id, me.handle, handles, "members");
  if (memberIds.length === 0) throw new UnprocessableConversation("A group conversation needs at least one other member.", [{ path: "members", message: "Name at least one member besides you." }]);
  if (memberIds.length + 1 > MAX_GROUP_MEMBERS) {
    throw new UnprocessableConversation(`A group conversation has at most ${MAX_GROUP_MEMBERS} members.`, [{ path: "members", message: `A group conversation has at most ${MAX_GROUP_MEMBERS} members, you included.` }]);
  }
  const id = uuidv7();
  const now = new Date().toISOString();
  const db = ctx.db.$client;
  // Members are inserted with the block check inside the statement: a block made meanwhile keeps them out.
  await db.batch([
    db.prepare("INSERT INTO conversations (id, type, title, created_by, created_at, last_activity_at) VALUES (?1, 'group', ?2, ?3, ?4, ?4)").bind(id, title, me.id, now),
    db.prepare("INSERT INTO conversation_members (conversation_id, user_id, role, joined_at) VALUES (?1, ?2, 'admin', ?3)").bind(id, me.id, now),
    db
      .prepare(
        `INSERT INTO conversation_members (conversation_id, user_id, role, joined_at)
         SELECT ?1, u.id, 'member', ?2 FROM users u
          WHERE u.id IN (SELECT value FROM json_each(?3))
            AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = ?4 AND b.blocked_id = u.id) OR (b.blocker_id = u.id AND b.blocked_id = ?4))
         ON CONFLICT DO NOTHING`,
      )
      .bind(id, now, JSON.stringify(memberIds), me.id),
  ]);
  return { conversation: await dtoFor(ctx, me.id, id), created: true };
}

// ---- Reading -------------------------------------------------------------------------------

const inboxCursor = z.object({ at: z.string().max(40), id: z.string().max(64) });

/** The signed-in member's conversations, newest activity first (keyset on last_activity_at, id). */
export async function listInbox(ctx: Ctx, query: InboxQuery): Promise<InboxPage> {
  const me = requireSignedIn(ctx);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, inboxCursor);
  if (query.cursor !== undefined && !after) throw Invalid.field("cursor", "cursor is not a cursor this API issued");
  const where = after ? sql`(c.last_activity_at < ${after.at} OR (c.last_activity_at = ${after.at} AND c.id < ${after.id}))` : sql`1 = 1`;
  const [lines, unreadConversations] = await Promise.all([conversationLines(ctx, me.id, where, query.limit + 1), unreadConversationCount(ctx, me.id)]);
  const { page, nextCursor } = keysetPage(lines, query.limit, (last) => ({ at: last.lastActivityAt, id: last.id }));
  return { data: page.map(toConversationDto), nextCursor, unreadConversations };
}

/**
 * How many of the member's conversations have unread messages, muted ones left out: the
 * inbox's `unreadConversations` and the header's Messages badge. Reads the member's own
 * range of conversation_members_user_idx.
 */
export async function unreadConversationCount(ctx: Ctx, userId: string): Promise<number> {
  const row = await ctx.db.get<{ n: number }>(sql`
    SELECT count(*) AS n FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
     WHERE m.user_id = ${userId} AND m.muted = 0 AND c.message_count > m.read_count`);
  return row?.n ?? 0;
}

/**
 * Whether the signed-in member may start a direct conversation with the member `handle` (the
 * profile's Message button): not themself, a confirmed email, and no block either way.
 * startConversation checks the same again.
 */
export async function canMessage(ctx: Ctx, handle: string): Promise<boolean> {
  const me = ctx.user;
  if (!me || !me.emailVerified || me.handle === handle) return false;
  const row = await ctx.db.get<{ id: string }>(sql`SELECT id FROM users WHERE handle = ${handle}`);
  return row !== undefined && !(await blockedEitherWay(ctx, me.id, row.id));
}

export async function getConversation(ctx: Ctx, id: string): Promise<ConversationDetailDto> {
  const { me, conversation } = await requireConversationMember(ctx, id);
  return detailFor(ctx, me.id, conversation.id);
}

// ---- Changing ------------------------------------------------------------------------------

/**
 * Group admins act; when a group has lost every admin (the last one deleted their account),
 * the longest-standing member is made admin first, so a group is never left unmanageable.
 */
async function requireGroupAdmin(ctx: Ctx, access: MemberAccess, what: string): Promise<void> {
  const { conversation, membership, me } = access;
  if (conversation.type !== "group") throw new Conflict(conversation.type === "direct" ? `A direct conversation can't ${what}.` : `An event room can't ${what}: it follows the event.`);
  if (membership.role === "admin") return;
  await promoteIfNoAdmin(ctx, conversation.id);
  const row = await ctx.db.get<{ role: string }>(sql`SELECT role FROM conversation_members WHERE conversation_id = ${conversation.id} AND user_id = ${me.id}`);
  if (row?.role !== "admin") throw new Forbidden("Only this group's admins can do this.");
}

const PROMOTE_SQL = `UPDATE conversation_members SET role = 'admin'
  WHERE conversation_id = ?1
    AND user_id = (SELECT user_id FROM conversation_members WHERE conversation_id = ?1 ORDER BY joined_at, user_id LIMIT 1)
    AND NOT EXISTS (SELECT 1 FROM conversation_members WHERE conversation_id = ?1 AND role = 'admin')
    AND EXISTS (SELECT 1 FROM conversations WHERE id = ?1 AND type = 'group')`;

async function promoteIfNoAdmin(ctx: Ctx, conversationId: string): Promise<void> {
  await ctx.db.$client.prepare(PROMOTE_SQL).bind(conversationId).run();
}

export async function updateConversation(ctx: Ctx, id: string, input: UpdateConversationInput): Promise<ConversationDetailDto> {
  const access = await requireConversationMember(ctx, id);
  const { me, conversation } = access;
  if (input.title !== undefined) await requireGroupAdmin(ctx, access, "be renamed");
  const db = ctx.db.$client;
  const statements: D1PreparedStatement[] = [];
  if (input.title !== undefined) statements.push(db.prepare("UPDATE conversations SET title = ?1 WHERE id = ?2").bind(input.title, conversation.id));
  if (input.muted !== undefined) {
    statements.push(db.prepare("UPDATE conversation_members SET muted = ?1 WHERE conversation_id = ?2 AND user_id = ?3").bind(input.muted ? 1 : 0, conversation.id, me.id));
  }
  if (statements.length > 0) await db.batch(statements);
  return detailFor(ctx, me.id, conversation.id);
}

async function memberCount(ctx: Ctx, conversationId: string): Promise<number> {
  return (await ctx.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM conversation_members WHERE conversation_id = ${conversationId}`))?.n ?? 0;
}

export async function addMembers(ctx: Ctx, id: string, input: AddMembersInput): Promise<ConversationDetailDto> {
  const access = await requireConversationMember(ctx, id);
  const { me, conversation } = access;
  await requireGroupAdmin(ctx, access, "take more members");
  const candidates = await resolveNewMembers(ctx, me.id, me.handle, input.handles, "handles");
  const db = ctx.db.$client;
  const present = await ctx.db.all<{ userId: string }>(sql`
    SELECT user_id AS userId FROM conversation_members WHERE conversation_id = ${conversation.id} AND user_id IN (SELECT value FROM json_each(${JSON.stringify(candidates)}))`);
  const already = new Set(present.map((r) => r.userId));
  const newIds = candidates.filter((userId) => !already.has(userId));
  const tooMany = () =>
    new UnprocessableConversation(`A group conversation has at most ${MAX_GROUP_MEMBERS} members.`, [
      { path: "handles", message: `A group conversation has at most ${MAX_GROUP_MEMBERS} members; this would make more.` },
    ]);
  if (newIds.length > 0) {
    if ((await memberCount(ctx, conversation.id)) + newIds.length > MAX_GROUP_MEMBERS) throw tooMany();
    // The cap is part of the statement, so two admins adding at once cannot pass it together.
    const { meta } = await db
      .prepare(
        `INSERT INTO conversation_members (conversation_id, user_id, role, joined_at)
         SELECT ?1, u.id, 'member', ?2 FROM users u
          WHERE u.id IN (SELECT value FROM json_each(?3))
            AND (SELECT count(*) FROM conversation_members WHERE conversation_id = ?1) + ?5 <= ?6
            AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.blocker_id = ?4 AND b.blocked_id = u.id) OR (b.blocker_id = u.id AND b.blocked_id = ?4))
         ON CONFLICT DO NOTHING`,
      )
      .bind(conversation.id, new Date().toISOString(), JSON.stringify(newIds), me.id, newIds.length, MAX_GROUP_MEMBERS)
      .run();
    // Nothing inserted although the check above passed: another admin filled the group meanwhile.
    if (meta.changes === 0 && (await memberCount(ctx, conversation.id)) + newIds.length > MAX_GROUP_MEMBERS) throw tooMany();
  }
  return detailFor(ctx, me.id, conversation.id);
}

/** Group admins remove others; anyone removes themself (that is leaving). Direct conversations: 409. */
export async function removeMember(ctx: Ctx, id: string, handle: string): Promise<void> {
  const access = await requireConversationMember(ctx, id);
  const { me, conversation } = access;
  const normalized = handle.replace(/^@/, "").toLowerCase();
  if (normalized === me.handle) return leaveConversation(ctx, id);
  if (conversation.type === "event") throw new Conflict("Members of an event room come and go through the event: nobody removes them.");
  await requireGroupAdmin(ctx, access, "lose members");
  const target = (await usersByHandle(ctx, [normalized])).get(normalized);
  const { meta } = target
    ? await ctx.db.$client.prepare("DELETE FROM conversation_members WHERE conversation_id = ?1 AND user_id = ?2").bind(conversation.id, target).run()
    : { meta: { changes: 0 } };
  if (!target || meta.changes === 0) throw new NotFound(`@${normalized} is not in this conversation.`);
  await disconnectFromRoom(ctx, conversation, target);
}

/** The signed-in member leaves a group or an event room; a direct conversation can't be left (409). */
export async function leaveConversation(ctx: Ctx, id: string): Promise<void> {
  const { me, conversation } = await requireConversationMember(ctx, id);
  if (conversation.type === "direct") throw new Conflict("A direct conversation can't be left; block the member to stop their messages.");
  const db = ctx.db.$client;
  // One batch: the last admin leaving hands the group to the longest-standing member at once.
  await db.batch([
    db.prepare("DELETE FROM conversation_members WHERE conversation_id = ?1 AND user_id = ?2").bind(conversation.id, me.id),
    db.prepare(PROMOTE_SQL).bind(conversation.id),
  ]);
  await disconnectFromRoom(ctx, conversation, me.id);
}

/** Closes a former member's open sockets. The room erring must not undo the removal: it is logged. */
async function disconnectFromRoom(ctx: Ctx, conversation: Conversation, userId: string): Promise<void> {
  try {
    await chatRoom(ctx.env, conversation.id).disconnect(userId);
  } catch (error) {
    log("error", "chat.disconnect-failed", { conversationId: conversation.id, userId, error: String(error) });
  }
}

// ---- Blocks --------------------------------------------------------------------------------

/**
 * After a block or an unblock between `a` and `b`: their direct room (if they have one)
 * opens or closes sending, so sockets already open follow the block at once. Callers log
 * failures; a block never fails because a room did.
 */
export async function syncDirectRoomSending(ctx: Ctx, a: string, b: string): Promise<void> {
  const row = await ctx.db.get<{ id: string }>(sql`SELECT id FROM conversations WHERE direct_key = ${directKeyOf(a, b)}`);
  if (!row) return;
  const room = chatRoom(ctx.env, row.id);
  const blocked = await blockedEitherWay(ctx, a, b);
  await room.setSendingAllowed(!blocked);
  // A block and an unblock in quick succession: their room calls may land in either order. Asked
  // again once ours has landed, the last call to land always carries an answer at least as new
  // as the last change (a stale "open" must never outlive a block).
  const blockedNow = await blockedEitherWay(ctx, a, b);
  if (blockedNow !== blocked) await room.setSendingAllowed(!blockedNow);
}
