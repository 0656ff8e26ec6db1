import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";
import { cities } from "./cities";
import { venues } from "./venues";
import { users } from "./users";

import { eventTypes } from "./event-types";

export { eventTypes, type EventType } from "./event-types";

export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    type: text("type", { enum: eventTypes }).notNull(),
    description: text("description").notNull().default(""),
    cityId: text("city_id")
      .notNull()
      .references(() => cities.id),
    venueId: text("venue_id")
      .notNull()
      .references(() => venues.id),
    organizerId: text("organizer_id").references(() => users.id),
    /** ISO 8601 UTC instants; the wall-clock time is derived with `timeZone`. */
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    /** IANA time zone of the venue. */
    timeZone: text("time_zone").notNull(),
    /** Integer minor units (cents) with an ISO 4217 currency; null means free. */
    priceMinor: integer("price_minor"),
    currency: text("currency"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    // Keyset pagination walks (starts_at, id) inside each filter.
    index("events_city_starts_idx").on(t.cityId, t.startsAt, t.id),
    index("events_type_starts_idx").on(t.type, t.startsAt, t.id),
    index("events_starts_idx").on(t.startsAt, t.id),
    index("events_organizer_idx").on(t.organizerId),
    index("events_venue_idx").on(t.venueId),
  ],
);

export type Event = typeof events.$inferSelect;
