import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";
import { cities } from "./cities";
import { venues } from "./venues";
import { users } from "./users";

import { eventStatuses, eventTypes } from "./event-types";

export { eventTypes, eventStatuses, lineupRoles, rsvpStatuses, danceRoles, type EventType, type EventStatus, type LineupRole, type RsvpStatus, type DanceRole } from "./event-types";

export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    type: text("type", { enum: eventTypes }).notNull(),
    /** Title, venue, city and line-up names, lower-cased without accents: what `q` matches. */
    searchText: text("search_text").notNull().default(""),
    /** Markdown written by the organizers; rendered sanitized. */
    description: text("description").notNull().default(""),
    cityId: text("city_id")
      .notNull()
      .references(() => cities.id),
    venueId: text("venue_id")
      .notNull()
      .references(() => venues.id),
    /** The member who created it; null once that account is deleted. Organizers live in event_organizers. */
    organizerId: text("organizer_id").references(() => users.id),
    /** ISO 8601 UTC instants of the (first) occurrence; the wall-clock time is derived with `timeZone`. */
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    /** IANA time zone of the venue. */
    timeZone: text("time_zone").notNull(),
    /** RFC 5545 RRULE value (canonical form) for a recurring series, null for a single event. */
    recurrenceRule: text("recurrence_rule"),
    /** Occurrences are materialized in event_occurrences up to this instant (recurring series). */
    materializedUntil: text("materialized_until"),
    /** Integer minor units (cents) with an ISO 4217 currency; null means free. */
    priceMinor: integer("price_minor"),
    currency: text("currency"),
    /** Free text next to the price ("€15, students €10"). */
    priceNote: text("price_note"),
    capacity: integer("capacity"),
    /** Role-balanced registration: admitted while |leaders − followers| ≤ tolerance. Null: not balanced. */
    roleBalanceTolerance: integer("role_balance_tolerance"),
    /** JSON array of { role, name, handle? }. */
    lineup: text("lineup").notNull().default("[]"),
    /** R2 key of the cover image. */
    coverKey: text("cover_key"),
    status: text("status", { enum: eventStatuses }).notNull().default("scheduled"),
    cancelledAt: text("cancelled_at"),
    /** Bumped on every change: the ETag and the iCalendar SEQUENCE. */
    version: integer("version").notNull().default(1),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at"),
    /** Last time an organizer confirmed a recurring series still runs; stale series leave listings. */
    confirmedAt: text("confirmed_at"),
    reconfirmRemindedAt: text("reconfirm_reminded_at"),
  },
  (t) => [
    index("events_city_starts_idx").on(t.cityId, t.startsAt, t.id),
    index("events_type_starts_idx").on(t.type, t.startsAt, t.id),
    index("events_starts_idx").on(t.startsAt, t.id),
    index("events_organizer_idx").on(t.organizerId),
    index("events_venue_idx").on(t.venueId),
    index("events_series_confirmed_idx").on(t.recurrenceRule, t.confirmedAt),
  ],
);

export type Event = typeof events.$inferSelect;
