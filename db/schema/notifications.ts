import { sqliteTable, text, index, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { users } from "./users";

export const notificationTypes = [
  "follow",
  "comment",
  "reply",
  "reaction",
  "mention",
  "rsvp_promotion",
  "event_change",
  "event_cancellation",
  "group_join_approved",
  "group_join_request",
  "message",
  "moderation_outcome",
] as const;
export type NotificationType = (typeof notificationTypes)[number];

/**
 * One thing that happened to a member. `subjectType`/`subjectId` say what it is about
 * (post, comment, event, group, user); `dedupeKey` stops the same thing notifying twice.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type", { enum: notificationTypes }).notNull(),
    actorId: text("actor_id").references(() => users.id, { onDelete: "cascade" }),
    subjectType: text("subject_type", { enum: ["post", "comment", "event", "group", "user", "room"] }).notNull(),
    subjectId: text("subject_id").notNull(),
    /** Small JSON with what the text needs (an excerpt, an event title). Never rendered unescaped. */
    data: text("data").notNull().default("{}"),
    dedupeKey: text("dedupe_key"),
    createdAt: text("created_at").notNull(),
    readAt: text("read_at"),
    /** Set when the mail (immediate or digest) went out, so nothing is mailed twice. */
    mailedAt: text("mailed_at"),
  },
  (t) => [
    index("notifications_user_idx").on(t.userId, t.id),
    index("notifications_unread_idx").on(t.userId, t.readAt),
    uniqueIndex("notifications_dedupe_idx").on(t.userId, t.dedupeKey).where(sql`dedupe_key IS NOT NULL`),
  ],
);

export const digestFrequencies = ["off", "daily"] as const;
export type DigestFrequency = (typeof digestFrequencies)[number];

/** Which notification types a member wants by mail right away, and whether a daily digest. */
export const notificationPreferences = sqliteTable("notification_preferences", {
  userId: text("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  /** JSON array of NotificationType mailed at once. */
  emailTypes: text("email_types").notNull(),
  digest: text("digest", { enum: digestFrequencies }).notNull().default("off"),
  lastDigestAt: text("last_digest_at"),
  updatedAt: text("updated_at").notNull(),
});

export type Notification = typeof notifications.$inferSelect;
