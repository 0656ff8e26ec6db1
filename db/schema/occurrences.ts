import { sqliteTable, text, integer, index, primaryKey } from "drizzle-orm/sqlite-core";
import { events } from "./events";

export const occurrenceStatuses = ["scheduled", "moved", "cancelled"] as const;
export type OccurrenceStatus = (typeof occurrenceStatuses)[number];

/**
 * Every dated instance of an event, materialized so listings are one index range scan:
 * one row for a single event, one per date (up to a horizon) for a recurring series.
 * `occurrence_key` is the ORIGINAL start instant in iCalendar UTC form (20270312T000000Z):
 * stable when the occurrence is moved, and usable as a RECURRENCE-ID.
 */
export const eventOccurrences = sqliteTable(
  "event_occurrences",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    occurrenceKey: text("occurrence_key").notNull(),
    /** Copied from the event so the listing filters stay inside one index. */
    cityId: text("city_id").notNull(),
    type: text("type").notNull(),
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    status: text("status", { enum: occurrenceStatuses }).notNull().default("scheduled"),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.occurrenceKey] }),
    index("occurrences_city_starts_idx").on(t.cityId, t.startsAt, t.eventId, t.occurrenceKey),
    index("occurrences_type_starts_idx").on(t.type, t.startsAt, t.eventId, t.occurrenceKey),
    index("occurrences_starts_idx").on(t.startsAt, t.eventId, t.occurrenceKey),
  ],
);

/** Organizer changes to single dates of a series; they survive re-materialization. */
export const occurrenceOverrides = sqliteTable(
  "occurrence_overrides",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    occurrenceKey: text("occurrence_key").notNull(),
    cancelled: integer("cancelled", { mode: "boolean" }).notNull().default(false),
    /** New UTC instants when moved; null keeps the rule's time. */
    startsAt: text("starts_at"),
    endsAt: text("ends_at"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.occurrenceKey] })],
);

export type EventOccurrence = typeof eventOccurrences.$inferSelect;
