import { sqliteTable, text, integer, index, primaryKey } from "drizzle-orm/sqlite-core";
import { cities } from "./cities";

export const tangoRoles = ["leader", "follower", "both"] as const;
export type TangoRole = (typeof tangoRoles)[number];

/** Every account is a member; the others are granted. Checks live in worker/services. */
export const roles = ["member", "organizer", "moderator", "admin", "founder"] as const;
export type Role = (typeof roles)[number];

/** Languages we write mail and pages in; members may dance in any. */
export const mailLanguages = ["en", "es"] as const;
export type MailLanguage = (typeof mailLanguages)[number];

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Stored lower-cased, so uniqueness ignores case. */
    email: text("email").notNull().unique(),
    handle: text("handle").notNull().unique(),
    displayName: text("display_name").notNull(),
    /** Null until the member says how they dance. */
    tangoRole: text("tango_role", { enum: tangoRoles }),
    homeCityId: text("home_city_id").references(() => cities.id),
    bio: text("bio").notNull().default(""),
    yearsDancing: integer("years_dancing"),
    /** PHC string (argon2id); null for accounts that cannot sign in with a password. */
    passwordHash: text("password_hash"),
    emailVerifiedAt: text("email_verified_at"),
    language: text("language", { enum: mailLanguages }).notNull().default("en"),
    /** JSON array of BCP 47 tags the member speaks, e.g. ["es","en"]. */
    spokenLanguages: text("spoken_languages").notNull().default("[]"),
    website: text("website"),
    /** JSON object of network → URL. */
    socialLinks: text("social_links").notNull().default("{}"),
    /** R2 key of the re-encoded avatar. */
    avatarKey: text("avatar_key"),
    /** ISO 8601 UTC instant. */
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at"),
  },
  (t) => [index("users_home_city_idx").on(t.homeCityId, t.id)],
);

export const userRoles = sqliteTable(
  "user_roles",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: roles }).notNull(),
    grantedAt: text("granted_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.role] }), index("user_roles_role_idx").on(t.role, t.userId)],
);

export type User = typeof users.$inferSelect;
