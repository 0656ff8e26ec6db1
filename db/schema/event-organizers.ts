import { sqliteTable, text, index, primaryKey } from "drizzle-orm/sqlite-core";
import { events } from "./events";
import { users } from "./users";

export const organizerRoles = ["owner", "co-organizer"] as const;
export type OrganizerRole = (typeof organizerRoles)[number];

/** Who may edit, cancel and see the attendees of an event: its creator and the co-organizers they add. */
export const eventOrganizers = sqliteTable(
  "event_organizers",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: organizerRoles }).notNull(),
    addedAt: text("added_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.userId] }), index("event_organizers_user_idx").on(t.userId, t.eventId)],
);
