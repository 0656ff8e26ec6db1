import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";
import { events } from "./events";
import { users } from "./users";

export const ticketTypes = sqliteTable(
  "ticket_types",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Integer minor units; 0 is a free ticket. */
    priceMinor: integer("price_minor").notNull(),
    currency: text("currency").notNull(),
    quantity: integer("quantity").notNull(),
    /** Sold or held by an open checkout; a single conditional UPDATE keeps it ≤ quantity. */
    reserved: integer("reserved").notNull().default(0),
    salesStartAt: text("sales_start_at"),
    salesEndAt: text("sales_end_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("ticket_types_event_idx").on(t.eventId)],
);

export const orderStatuses = ["pending", "paid", "expired"] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    ticketTypeId: text("ticket_type_id")
      .notNull()
      .references(() => ticketTypes.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    quantity: integer("quantity").notNull(),
    amountMinor: integer("amount_minor").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: orderStatuses }).notNull(),
    stripeSessionId: text("stripe_session_id").unique(),
    createdAt: text("created_at").notNull(),
    paidAt: text("paid_at"),
  },
  (t) => [index("orders_user_idx").on(t.userId, t.createdAt), index("orders_pending_idx").on(t.status, t.createdAt)],
);

export const tickets = sqliteTable(
  "tickets",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    ticketTypeId: text("ticket_type_id")
      .notNull()
      .references(() => ticketTypes.id, { onDelete: "cascade" }),
    holderId: text("holder_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    issuedAt: text("issued_at").notNull(),
    usedAt: text("used_at"),
    checkedInBy: text("checked_in_by"),
  },
  (t) => [index("tickets_event_idx").on(t.eventId, t.issuedAt), index("tickets_holder_idx").on(t.holderId, t.issuedAt), index("tickets_order_idx").on(t.orderId)],
);

/** Stripe event ids already handled: the same webhook delivered twice issues tickets once. */
export const stripeEvents = sqliteTable("stripe_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  receivedAt: text("received_at").notNull(),
});
