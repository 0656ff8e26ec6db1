import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";
import { users } from "./users";

/**
 * A picture a member uploaded (POST /media), stored in R2 under `key`. It is attached to a post
 * or a story afterwards; unattached uploads are swept by the cron a day later.
 */
export const media = sqliteTable(
  "media",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    contentType: text("content_type").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    bytes: integer("bytes").notNull(),
    createdAt: text("created_at").notNull(),
    attachedAt: text("attached_at"),
  },
  (t) => [index("media_owner_idx").on(t.ownerId, t.createdAt), index("media_unattached_idx").on(t.attachedAt, t.createdAt)],
);

/** Visible to the author's followers for 24 hours; the cron deletes expired ones and their R2 objects. */
export const stories = sqliteTable(
  "stories",
  {
    id: text("id").primaryKey(),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    mediaId: text("media_id").references(() => media.id, { onDelete: "set null" }),
    text: text("text"),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  // stories_media_idx: the orphan sweep and media deletes (ON DELETE SET NULL) look stories up by picture.
  (t) => [index("stories_author_idx").on(t.authorId, t.expiresAt), index("stories_expires_idx").on(t.expiresAt), index("stories_media_idx").on(t.mediaId)],
);

export type Media = typeof media.$inferSelect;
