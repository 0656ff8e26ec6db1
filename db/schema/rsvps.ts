import { sqliteTable, text, integer, index, primaryKey } from "drizzle-orm/sqlite-core";
import { danceRoles, rsvpStatuses } from "./event-types";
import { events } from "./events";
import { users } from "./users";

/**
 * One member's answer for one occurrence. Writes go through the event's EventRegistrar
 * Durable Object, which serializes them, so capacity and role balance hold under load.
 */
export const rsvps = sqliteTable(
  "rsvps",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    occurrenceKey: text("occurrence_key").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: rsvpStatuses }).notNull(),
    /** What the dancer asked for. */
    role: text("role", { enum: danceRoles }),
    /** The side a `both` dancer was admitted on (leader/follower); equals `role` otherwise. */
    seatedRole: text("seated_role", { enum: danceRoles }),
    /** Couples register together and are admitted or waitlisted as a pair. */
    partnerId: text("partner_id"),
    /**
     * Who made this answer: the member, or the partner who registered them as a couple. A
     * registration someone else made leaves with them, so nobody stays signed up by a stranger.
     */
    registeredBy: text("registered_by").notNull(),
    /** Order in the waitlist: monotonic per occurrence, so the first in line is the smallest. */
    queueSeq: integer("queue_seq").notNull().default(0),
    registeredAt: text("registered_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.occurrenceKey, t.userId] }),
    index("rsvps_occurrence_status_idx").on(t.eventId, t.occurrenceKey, t.status, t.queueSeq),
    index("rsvps_user_idx").on(t.userId, t.registeredAt),
  ],
);

export type Rsvp = typeof rsvps.$inferSelect;
