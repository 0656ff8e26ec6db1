import { sqliteTable, text, index } from "drizzle-orm/sqlite-core";
import { users } from "./users";

/**
 * One sign-in on one device: a login family. Every refresh token descends from it; a
 * reused refresh token revokes the whole family.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** A short description of the device from its User-Agent, for "where you're signed in". */
    device: text("device").notNull(),
    createdAt: text("created_at").notNull(),
    lastUsedAt: text("last_used_at").notNull(),
    revokedAt: text("revoked_at"),
    revokedReason: text("revoked_reason"),
  },
  (t) => [index("sessions_user_created_idx").on(t.userId, t.createdAt)],
);

/** Refresh tokens are stored only as SHA-256 hashes; each is good for one use. */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    sessionId: text("session_id")
      .notNull()
      .references(() => sessions.id, { onDelete: "cascade" }),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
  },
  (t) => [index("refresh_tokens_session_idx").on(t.sessionId)],
);

export type Session = typeof sessions.$inferSelect;
