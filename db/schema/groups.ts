import { sqliteTable, text, index, primaryKey, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { cities } from "./cities";
import { users } from "./users";

export const groupVisibilities = ["public", "private"] as const;
export type GroupVisibility = (typeof groupVisibilities)[number];

/** `city`: the community every city has (created with the city); `interest`: made by members. */
export const groupKinds = ["city", "interest"] as const;
export type GroupKind = (typeof groupKinds)[number];

export const groupRoles = ["admin", "moderator", "member"] as const;
export type GroupRole = (typeof groupRoles)[number];

/** `pending`: asked to join a private group and waits for a group admin or moderator. */
export const membershipStatuses = ["active", "pending"] as const;
export type MembershipStatus = (typeof membershipStatuses)[number];

export const groups = sqliteTable(
  "groups",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull().unique(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    visibility: text("visibility", { enum: groupVisibilities }).notNull().default("public"),
    kind: text("kind", { enum: groupKinds }).notNull().default("interest"),
    cityId: text("city_id").references(() => cities.id),
    /** Null for city communities, which nobody owns. */
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at"),
  },
  (t) => [
    // One community per city.
    uniqueIndex("groups_city_community_idx").on(t.cityId).where(sql`kind = 'city'`),
    index("groups_city_idx").on(t.cityId, t.kind, t.name),
  ],
);

export const groupMembers = sqliteTable(
  "group_members",
  {
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: groupRoles }).notNull().default("member"),
    status: text("status", { enum: membershipStatuses }).notNull().default("active"),
    /** Asked to join (pending) or joined (active). */
    createdAt: text("created_at").notNull(),
    approvedAt: text("approved_at"),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.userId] }),
    // "My groups" (and the feed's group subquery).
    index("group_members_user_idx").on(t.userId, t.status, t.groupId),
    // Members and pending requests of a group.
    index("group_members_group_status_idx").on(t.groupId, t.status, t.createdAt),
  ],
);

export type Group = typeof groups.$inferSelect;
