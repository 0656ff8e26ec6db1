import { z } from "zod";
import { eventTypes } from "../../db/schema/events";
import { cursorParam, instantParam, limitParam, paginated } from "./common";
import { citySchema } from "./cities";

export const eventTypeSchema = z.enum(eventTypes, {
  error: `type must be one of ${eventTypes.join(", ")}`,
});

export const citySlugParam = z
  .string({ error: "city must be given once, as a city slug such as buenos-aires" })
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "city must be a city slug such as buenos-aires")
  .max(64, "city must be a city slug such as buenos-aires");

/** One schema for the events list: the API query, the OpenAPI document and the UI loader. */
export const listEventsQuery = z
  .object({
    city: citySlugParam.optional().meta({ description: "City slug (see /api/v1/cities).", example: "berlin" }),
    from: instantParam
      .optional()
      .meta({ description: "Events starting at or after this instant. Default: events still running or yet to start." }),
    to: instantParam.optional().meta({ description: "Events starting before this instant." }),
    type: eventTypeSchema.optional(),
    limit: limitParam,
    cursor: cursorParam,
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    path: ["to"],
    message: "to must be later than from",
  });

export type ListEventsQuery = z.infer<typeof listEventsQuery>;

export const eventSchema = z
  .object({
    id: z.string().meta({ example: "019a9f2e-7c1b-7d3e-9a2b-3c4d5e6f7a8b" }),
    title: z.string(),
    type: eventTypeSchema,
    description: z.string(),
    startsAt: z.string().meta({ description: "UTC instant (ISO 8601)." }),
    endsAt: z.string().meta({ description: "UTC instant (ISO 8601)." }),
    timeZone: z.string().meta({ description: "IANA zone of the venue; show times in it." }),
    price: z
      .object({ amountMinor: z.number().int(), currency: z.string() })
      .nullable()
      .meta({ description: "null when the event is free." }),
    city: citySchema.pick({ slug: true, name: true, country: true }),
    venue: z.object({ name: z.string(), address: z.string() }),
  })
  .meta({ id: "Event" });

export type EventDto = z.infer<typeof eventSchema>;

export const eventPageSchema = paginated(eventSchema, "EventPage");
export type EventPage = z.infer<typeof eventPageSchema>;
