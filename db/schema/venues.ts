import { sqliteTable, text, real, index } from "drizzle-orm/sqlite-core";
import { cities } from "./cities";

export const venues = sqliteTable(
  "venues",
  {
    id: text("id").primaryKey(),
    cityId: text("city_id")
      .notNull()
      .references(() => cities.id),
    name: text("name").notNull(),
    address: text("address").notNull(),
    latitude: real("latitude"),
    longitude: real("longitude"),
  },
  (t) => [index("venues_city_name_idx").on(t.cityId, t.name)],
);

export type Venue = typeof venues.$inferSelect;
