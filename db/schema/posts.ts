import { sqliteTable, text, integer, index, primaryKey } from "drizzle-orm/sqlite-core";
import { cities } from "./cities";
import { events } from "./events";
import { groups } from "./groups";
import { media } from "./media";
import { users } from "./users";

export const postVisibilities = ["public", "followers", "group"] as const;
export type PostVisibility = (typeof postVisibilities)[number];

export const reactionTypes = ["like", "love", "fire", "applause"] as const;
export type ReactionType = (typeof reactionTypes)[number];

/**
 * A post; with `eventId` it is a memory of that event. Ids are UUIDv7, so `id` order is
 * creation order and the feed pages by id alone (docs/community.md).
 */
export const posts = sqliteTable(
  "posts",
  {
    id: text("id").primaryKey(),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Markdown-lite source as the author wrote it. */
    body: text("body").notNull(),
    visibility: text("visibility", { enum: postVisibilities }).notNull(),
    groupId: text("group_id").references(() => groups.id, { onDelete: "cascade" }),
    eventId: text("event_id").references(() => events.id, { onDelete: "set null" }),
    /** The author's home city when posting: the feed's "city" tab. */
    cityId: text("city_id").references(() => cities.id),
    editedAt: text("edited_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    index("posts_author_idx").on(t.authorId, t.id),
    index("posts_group_idx").on(t.groupId, t.id),
    index("posts_event_idx").on(t.eventId, t.id),
    index("posts_city_idx").on(t.cityId, t.visibility, t.id),
  ],
);

/** Up to six pictures per post, in the author's order. */
export const postMedia = sqliteTable(
  "post_media",
  {
    postId: text("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    mediaId: text("media_id")
      .notNull()
      .references(() => media.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.position] }), index("post_media_media_idx").on(t.mediaId)],
);

/** Comments, with one level of replies (`parentId` is always a top-level comment). */
export const comments = sqliteTable(
  "comments",
  {
    id: text("id").primaryKey(),
    postId: text("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    parentId: text("parent_id"),
    body: text("body").notNull(),
    editedAt: text("edited_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("comments_post_idx").on(t.postId, t.parentId, t.id), index("comments_parent_idx").on(t.parentId, t.id)],
);

/** One reaction per member per post; counts are always computed from these rows. */
export const reactions = sqliteTable(
  "reactions",
  {
    postId: text("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text("type", { enum: reactionTypes }).notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.userId] }), index("reactions_post_type_idx").on(t.postId, t.type)],
);

/** The preview of the first link in a post, fetched in the background (queue). */
export const linkPreviews = sqliteTable("link_previews", {
  postId: text("post_id")
    .primaryKey()
    .references(() => posts.id, { onDelete: "cascade" }),
  url: text("url").notNull(),
  /** `ready` with metadata, or `failed` (refused, timed out, not HTML): then nothing is shown. */
  status: text("status", { enum: ["pending", "ready", "failed"] }).notNull().default("pending"),
  title: text("title"),
  description: text("description"),
  imageUrl: text("image_url"),
  siteName: text("site_name"),
  fetchedAt: text("fetched_at"),
});

export type Post = typeof posts.$inferSelect;
export type Comment = typeof comments.$inferSelect;
