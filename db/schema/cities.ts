import { sqliteTable, text, real, index } from "drizzle-orm/sqlite-core";

export const cities = sqliteTable(
  "cities",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull().unique(),
    name: text("name").notNull(),
    country: text("country").notNull(),
    countryCode: text("country_code").notNull(),
    continent: text("continent").notNull(),
    /** IANA time zone, e.g. "America/Argentina/Buenos_Aires". */
    timeZone: text("time_zone").notNull(),
    latitude: real("latitude").notNull(),
    longitude: real("longitude").notNull(),
  },
  (t) => [index("cities_name_idx").on(t.name)],
);

export type City = typeof cities.$inferSelect;
