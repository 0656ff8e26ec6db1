import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";
import { cities } from "./cities";

export const tangoRoles = ["leader", "follower", "both"] as const;
export type TangoRole = (typeof tangoRoles)[number];

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull().unique(),
    handle: text("handle").notNull().unique(),
    displayName: text("display_name").notNull(),
    tangoRole: text("tango_role", { enum: tangoRoles }).notNull(),
    homeCityId: text("home_city_id").references(() => cities.id),
    bio: text("bio").notNull().default(""),
    yearsDancing: integer("years_dancing"),
    /** ISO 8601 UTC instant. */
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("users_home_city_idx").on(t.homeCityId, t.id)],
);

export type User = typeof users.$inferSelect;
