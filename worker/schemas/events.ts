import { z } from "zod";
import { danceRoles, eventStatuses, eventTypes, lineupRoles, rsvpStatuses } from "../../db/schema/event-types";
import { cursorParam, instantParam, limitParam, paginated } from "./common";
import { citySchema } from "./cities";
import { likeContains } from "../lib/search-text";

export const eventTypeSchema = z.enum(eventTypes, {
  error: `type must be one of ${eventTypes.join(", ")}`,
});

export const citySlugParam = z
  .string({ error: "city must be given once, as a city slug such as buenos-aires" })
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "city must be a city slug such as buenos-aires")
  .max(64, "city must be a city slug such as buenos-aires");

const NEAR_MESSAGE = "near must be latitude,longitude in degrees, e.g. -34.6037,-58.3816";

/** "lat,lng" → a point; anything else is a mistake to report. */
export const nearParam = z
  .string({ error: NEAR_MESSAGE })
  .regex(/^-?[0-9]{1,3}(?:\.[0-9]{1,8})?,-?[0-9]{1,3}(?:\.[0-9]{1,8})?$/, NEAR_MESSAGE)
  .transform((value) => {
    const [latitude, longitude] = value.split(",").map(Number) as [number, number];
    return { latitude, longitude };
  })
  .refine((p) => Math.abs(p.latitude) <= 90 && Math.abs(p.longitude) <= 180, NEAR_MESSAGE)
  .meta({ description: "Only events within `radiusKm` of this point (latitude,longitude).", example: "-34.6037,-58.3816", type: "string" });

const RADIUS_MESSAGE = "radiusKm must be a whole number of kilometres from 1 to 500";

/** One schema for the events list: the API query, the OpenAPI document and the UI loader. */
export const listEventsQuery = z
  .object({
    city: citySlugParam.optional().meta({ description: "City slug (see /api/v1/cities).", example: "berlin" }),
    from: instantParam
      .optional()
      .meta({ description: "Occurrences starting at or after this instant. Default: those still running or yet to start." }),
    to: instantParam.optional().meta({ description: "Occurrences starting before this instant." }),
    type: eventTypeSchema.optional(),
    q: z
      .string({ error: "q must be given once" })
      .trim()
      .min(2, "q must be at least 2 characters")
      .max(40, "q must be at most 40 characters")
      // D1 refuses LIKE patterns over 50 bytes: accented and non-Latin letters take several.
      .refine((q) => new TextEncoder().encode(likeContains(q)).length <= 50, "q is too long; use fewer or shorter words")
      .optional()
      .meta({ description: "Words in the title, venue or line-up (case- and accent-insensitive)." }),
    near: nearParam.optional(),
    radiusKm: z
      .string({ error: RADIUS_MESSAGE })
      .regex(/^[0-9]{1,3}$/, RADIUS_MESSAGE)
      .transform(Number)
      .pipe(z.number().int().min(1, RADIUS_MESSAGE).max(500, RADIUS_MESSAGE))
      .optional()
      .meta({ description: "With `near`: the radius, 1–500 km (default 25).", type: "integer" }),
    limit: limitParam,
    cursor: cursorParam,
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    path: ["to"],
    message: "to must be later than from",
  })
  .refine((q) => q.radiusKm === undefined || q.near !== undefined, { path: ["radiusKm"], message: "radiusKm needs near" });

export type ListEventsQuery = z.infer<typeof listEventsQuery>;

const priceSchema = z
  .object({ amountMinor: z.number().int(), currency: z.string() })
  .nullable()
  .meta({ description: "null when the event is free." });

const localTimeOutput = z.string().meta({ description: "Wall-clock time at the venue, YYYY-MM-DDTHH:mm.", example: "2027-03-12T21:00" });

/** One occurrence in a listing: a single event, or one date of a recurring series. */
export const eventSchema = z
  .object({
    id: z.string().meta({ description: "The event id (a recurring series shares one).", example: "019a9f2e-7c1b-7d3e-9a2b-3c4d5e6f7a8b" }),
    eventId: z.string(),
    occurrenceKey: z.string().meta({ description: "Names this date of the event: its original start, in iCalendar UTC form.", example: "20270313T000000Z" }),
    title: z.string(),
    type: eventTypeSchema,
    description: z.string(),
    startsAt: z.string().meta({ description: "UTC instant (ISO 8601)." }),
    endsAt: z.string().meta({ description: "UTC instant (ISO 8601)." }),
    startLocal: localTimeOutput,
    endLocal: localTimeOutput,
    timeZone: z.string().meta({ description: "IANA zone of the venue; show times in it." }),
    recurring: z.boolean(),
    moved: z.boolean().meta({ description: "This date was moved from the series' usual time." }),
    price: priceSchema,
    city: citySchema.pick({ slug: true, name: true, country: true }),
    venue: z.object({ name: z.string(), address: z.string() }),
  })
  .meta({ id: "EventOccurrence" });

export type EventDto = z.infer<typeof eventSchema>;

export const eventPageSchema = paginated(eventSchema, "EventPage");
export type EventPage = z.infer<typeof eventPageSchema>;

// ---- Writing events -------------------------------------------------------------------

const LOCAL_MESSAGE = "must be the local time at the venue as YYYY-MM-DDTHH:mm, e.g. 2027-03-12T21:00";
const localDateTime = z
  .string({ error: LOCAL_MESSAGE })
  .regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::00)?$/, LOCAL_MESSAGE)
  .meta({ example: "2027-03-12T21:00" });

const handleRef = z
  .string({ error: "must be a member handle" })
  .trim()
  .toLowerCase()
  .regex(/^@?[a-z0-9_]{3,30}$/, "must be a member handle such as ana_gomez")
  .transform((h) => h.replace(/^@/, ""));

export const lineupEntrySchema = z
  .object({
    role: z.enum(lineupRoles, { error: `role must be one of ${lineupRoles.join(", ")}` }),
    name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(80, "name must be at most 80 characters"),
    handle: handleRef.optional().meta({ description: "Links the entry to a member's profile." }),
  })
  .strict()
  .meta({ id: "LineupEntry" });

export type LineupEntry = z.infer<typeof lineupEntrySchema>;

const newVenueSchema = z
  .object({
    name: z.string({ error: "venue name is required" }).trim().min(2, "venue name must be at least 2 characters").max(120, "venue name must be at most 120 characters"),
    address: z.string({ error: "venue address is required" }).trim().min(3, "venue address must be at least 3 characters").max(200, "venue address must be at most 200 characters"),
    city: citySlugParam,
    lat: z.number({ error: "lat must be a number of degrees" }).min(-90, "lat must be between -90 and 90").max(90, "lat must be between -90 and 90").optional(),
    lng: z.number({ error: "lng must be a number of degrees" }).min(-180, "lng must be between -180 and 180").max(180, "lng must be between -180 and 180").optional(),
  })
  .strict();

export const venueInput = z
  .union([z.object({ id: z.string().uuid("venue id must be the id of a venue") }).strict(), newVenueSchema], {
    error: "venue must be { id } of a known venue or { name, address, city, lat?, lng? }",
  })
  .meta({ id: "VenueInput", description: "An existing venue by id, or a new one (reusable afterwards)." });

const CURRENCY_MESSAGE = "currency must be an ISO 4217 code such as EUR";
export const currencySchema = z.string({ error: CURRENCY_MESSAGE }).refine((c) => {
  if (!/^[A-Z]{3}$/.test(c)) return false;
  try {
    new Intl.NumberFormat("en", { style: "currency", currency: c });
    return true;
  } catch {
    return false;
  }
}, CURRENCY_MESSAGE);

const priceInput = z
  .object({
    amountMinor: z.number({ error: "amountMinor must be a whole number of minor units (cents)" }).int("amountMinor must be a whole number of minor units (cents)").min(0, "amountMinor must not be negative").max(100_000_000, "amountMinor is too large"),
    currency: currencySchema,
  })
  .strict();

const eventFields = {
  title: z.string({ error: "title is required" }).trim().min(3, "title must be at least 3 characters").max(140, "title must be at most 140 characters"),
  type: eventTypeSchema,
  description: z.string({ error: "description must be text" }).max(10_000, "description must be at most 10,000 characters").meta({ description: "Markdown; shown sanitized." }),
  venue: venueInput,
  start: localDateTime.meta({ description: "Local venue time of the (first) start." }),
  end: localDateTime.meta({ description: "Local venue time of the (first) end." }),
  timeZone: z.string({ error: "timeZone must be an IANA time zone such as Europe/Berlin" }).max(64, "timeZone must be an IANA time zone such as Europe/Berlin").meta({ example: "America/Argentina/Buenos_Aires", description: "Default: the venue city's zone." }),
  recurrence: z
    .object({ rrule: z.string({ error: "rrule must be an RFC 5545 RRULE such as FREQ=WEEKLY;BYDAY=TH" }).max(256, "rrule is too long") })
    .strict()
    .nullable()
    .meta({ description: "Weekly or monthly rule (RFC 5545 subset: INTERVAL, BYDAY, BYMONTHDAY, BYSETPOS, UNTIL or COUNT), expanded in the venue's zone." }),
  capacity: z.number({ error: "capacity must be a whole number of at least 1" }).int("capacity must be a whole number of at least 1").min(1, "capacity must be at least 1").max(100_000, "capacity must be at most 100,000").nullable(),
  roleBalance: z
    .object({ tolerance: z.number({ error: "tolerance must be a whole number" }).int("tolerance must be a whole number").min(0, "tolerance must be at least 0").max(100, "tolerance must be at most 100") })
    .strict()
    .nullable()
    .meta({ description: "Admit registrations only while |leaders − followers| ≤ tolerance." }),
  lineup: z.array(lineupEntrySchema).max(40, "at most 40 line-up entries"),
  price: priceInput.nullable(),
  priceNote: z.string().trim().max(200, "priceNote must be at most 200 characters").nullable(),
  coOrganizers: z.array(handleRef).max(10, "at most 10 co-organizers").meta({ description: "Handles of members who may edit the event too." }),
};

export const createEventInput = z
  .object({
    ...eventFields,
    description: eventFields.description.default(""),
    timeZone: eventFields.timeZone.optional(),
    recurrence: eventFields.recurrence.optional(),
    capacity: eventFields.capacity.optional(),
    roleBalance: eventFields.roleBalance.optional(),
    lineup: eventFields.lineup.default([]),
    price: eventFields.price.optional(),
    priceNote: eventFields.priceNote.optional(),
    coOrganizers: eventFields.coOrganizers.default([]),
  })
  .strict()
  .meta({ id: "CreateEvent" });

export type CreateEventInput = z.infer<typeof createEventInput>;

export const updateEventInput = z
  .object(eventFields)
  .partial()
  .strict()
  .meta({ id: "UpdateEvent", description: "Send only what changes; `null` clears an optional field." });

export type UpdateEventInput = z.infer<typeof updateEventInput>;

export const occurrenceChangeInput = z
  .union([
    z.object({ cancelled: z.literal(true) }).strict(),
    z.object({ cancelled: z.literal(false).optional(), start: localDateTime, end: localDateTime }).strict(),
    z.object({ restore: z.literal(true) }).strict(),
  ], { error: "send { cancelled: true }, { start, end } (local venue time) or { restore: true }" })
  .meta({ id: "OccurrenceChange" });

export type OccurrenceChangeInput = z.infer<typeof occurrenceChangeInput>;

export const occurrenceKeyParam = z.string().regex(/^[0-9]{8}T[0-9]{6}Z$/, "occurrence must be an occurrenceKey such as 20270313T000000Z");

// ---- Reading one event ----------------------------------------------------------------

const personRef = z.object({ handle: z.string(), displayName: z.string() });

export const eventDetailSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    type: eventTypeSchema,
    status: z.enum(eventStatuses),
    description: z.string().meta({ description: "Markdown source." }),
    descriptionHtml: z.string().meta({ description: "The description rendered to sanitized HTML." }),
    startsAt: z.string(),
    endsAt: z.string(),
    startLocal: localTimeOutput,
    endLocal: localTimeOutput,
    timeZone: z.string(),
    recurrence: z.object({ rrule: z.string(), summary: z.string(), reconfirmBy: z.string().nullable() }).nullable(),
    city: citySchema.pick({ slug: true, name: true, country: true }),
    venue: z.object({ id: z.string(), name: z.string(), address: z.string(), lat: z.number().nullable(), lng: z.number().nullable() }),
    lineup: z.array(lineupEntrySchema),
    capacity: z.number().int().nullable(),
    roleBalance: z.object({ tolerance: z.number().int() }).nullable(),
    price: priceSchema,
    priceNote: z.string().nullable(),
    coverUrl: z.string().nullable(),
    organizers: z.array(personRef),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: "Event" });

export type EventDetail = z.infer<typeof eventDetailSchema>;

export const occurrenceSchema = z
  .object({
    occurrenceKey: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    startLocal: localTimeOutput,
    endLocal: localTimeOutput,
    status: z.enum(["scheduled", "moved", "cancelled"]),
  })
  .meta({ id: "Occurrence" });

export type OccurrenceDto = z.infer<typeof occurrenceSchema>;

export const occurrenceListSchema = z.object({ data: z.array(occurrenceSchema), nextCursor: z.string().nullable() }).meta({ id: "OccurrenceList" });

// ---- RSVP -----------------------------------------------------------------------------

export const rsvpInput = z
  .object({
    status: z.enum(["going", "interested", "not_going"], { error: "status must be going, interested or not_going" }),
    role: z.enum(danceRoles, { error: "role must be leader, follower or both" }).optional(),
    partnerHandle: handleRef.optional().meta({ description: "Register as a couple: admitted or waitlisted together. Your role must be leader or follower; your partner takes the other." }),
    occurrence: occurrenceKeyParam.optional().meta({ description: "Which date of a recurring series. Default: the next one." }),
  })
  .strict()
  .meta({ id: "RsvpInput" });

export type RsvpInput = z.infer<typeof rsvpInput>;

export const rsvpSchema = z
  .object({
    eventId: z.string(),
    occurrenceKey: z.string(),
    status: z.enum(rsvpStatuses),
    role: z.enum(danceRoles).nullable(),
    seatedRole: z.enum(danceRoles).nullable().meta({ description: "The side a `both` dancer was admitted on." }),
    partner: personRef.nullable(),
    waitlistPosition: z.number().int().optional().meta({ description: "1 = next in line (per role on role-balanced events)." }),
    registeredAt: z.string(),
  })
  .meta({ id: "Rsvp" });

export type RsvpDto = z.infer<typeof rsvpSchema>;

export const attendanceCountsSchema = z
  .object({
    going: z.number().int(),
    waitlisted: z.number().int(),
    interested: z.number().int(),
    leaders: z.number().int(),
    followers: z.number().int(),
    waitlistedLeaders: z.number().int(),
    waitlistedFollowers: z.number().int(),
    spotsLeft: z.number().int().nullable(),
  })
  .meta({ id: "AttendanceCounts" });

export type AttendanceCounts = z.infer<typeof attendanceCountsSchema>;
