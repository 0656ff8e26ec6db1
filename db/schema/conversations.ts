import { sqliteTable, text, integer, index, primaryKey } from "drizzle-orm/sqlite-core";
import { events } from "./events";
import { users } from "./users";

/**
 * `direct`: exactly two members, one conversation per pair (`directKey`);
 * `group`: a titled conversation members make, managed by its admins;
 * `event`: one room per event, joined by its going attendees and organizers.
 */
export const conversationTypes = ["direct", "group", "event"] as const;
export type ConversationType = (typeof conversationTypes)[number];

export const conversationRoles = ["admin", "member"] as const;
export type ConversationRole = (typeof conversationRoles)[number];

/**
 * The inbox's view of a conversation. The messages themselves live in the conversation's
 * ChatRoom Durable Object (its SQLite); the room keeps the `last*` columns and
 * `messageCount` up to date after each message (worker/services/chat-inbox.ts), with
 * guarded absolute writes, so late or repeated updates never move them backwards.
 */
export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    type: text("type", { enum: conversationTypes }).notNull(),
    /** Group conversations only; direct ones show the other member, event rooms the event's title. */
    title: text("title"),
    /** Direct only: "<smaller user id>:<larger user id>", so a pair has one conversation whoever starts it. */
    directKey: text("direct_key").unique(),
    eventId: text("event_id")
      .unique()
      .references(() => events.id, { onDelete: "cascade" }),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: text("created_at").notNull(),
    /** seq of the newest message (not of edits or deletions); 0 before the first. */
    lastSeq: integer("last_seq").notNull().default(0),
    /** How many messages were ever sent here (deleted ones included): unread = messageCount − a member's readCount. */
    messageCount: integer("message_count").notNull().default(0),
    lastMessageAt: text("last_message_at"),
    lastSenderId: text("last_sender_id").references(() => users.id, { onDelete: "set null" }),
    /** The start of the newest message; null when there is none or it was deleted. */
    lastPreview: text("last_preview"),
    /** Inbox order: the newest message, or the creation when there is none yet. */
    lastActivityAt: text("last_activity_at").notNull(),
  },
);

/** Who is in a conversation now. Leaving or being removed deletes the row. */
export const conversationMembers = sqliteTable(
  "conversation_members",
  {
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: conversationRoles }).notNull().default("member"),
    joinedAt: text("joined_at").notNull(),
    /** The newest seq this member has read (a read receipt, or their own message). */
    readSeq: integer("read_seq").notNull().default(0),
    /** How many messages existed up to `readSeq`. */
    readCount: integer("read_count").notNull().default(0),
    /** A muted conversation never notifies; it still counts unread. */
    muted: integer("muted", { mode: "boolean" }).notNull().default(false),
    /** The seq a message notification last went out for: one per unread streak, not one per message. */
    notifiedSeq: integer("notified_seq").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.userId] }), index("conversation_members_user_idx").on(t.userId, t.conversationId)],
);

/**
 * Single-use WebSocket tickets: browsers cannot send headers with a WebSocket, so a member
 * asks for a ticket over the authenticated API and presents it in the upgrade URL. Only the
 * SHA-256 of the ticket is stored; consuming deletes the row in the same statement.
 */
export const chatTickets = sqliteTable(
  "chat_tickets",
  {
    tokenHash: text("token_hash").primaryKey(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Unix milliseconds. */
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("chat_tickets_expiry_idx").on(t.expiresAt)],
);

export type Conversation = typeof conversations.$inferSelect;
export type ConversationMember = typeof conversationMembers.$inferSelect;
