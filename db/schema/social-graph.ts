import { sqliteTable, text, index, primaryKey } from "drizzle-orm/sqlite-core";
import { users } from "./users";

/** `followerId` follows `followeeId`. No self-follows; a block removes both directions. */
export const follows = sqliteTable(
  "follows",
  {
    followerId: text("follower_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    followeeId: text("followee_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.followerId, t.followeeId] }),
    // Followers of a member, newest first (and the count).
    index("follows_followee_idx").on(t.followeeId, t.createdAt, t.followerId),
    // Whom a member follows, newest first.
    index("follows_follower_created_idx").on(t.followerId, t.createdAt, t.followeeId),
  ],
);

/** A block hides both members from each other, both ways; the reverse lookup has its own index. */
export const blocks = sqliteTable(
  "blocks",
  {
    blockerId: text("blocker_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    blockedId: text("blocked_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.blockerId, t.blockedId] }), index("blocks_blocked_idx").on(t.blockedId, t.blockerId)],
);

/** A mute only hides the muted member's content from the muter; they never know. */
export const mutes = sqliteTable(
  "mutes",
  {
    muterId: text("muter_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    mutedId: text("muted_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.muterId, t.mutedId] })],
);
