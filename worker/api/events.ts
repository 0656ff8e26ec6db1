import { createRoute, z } from "@hono/zod-openapi";
import {
  attendanceCountsSchema,
  createEventInput,
  eventDetailSchema,
  eventPageSchema,
  listEventsQuery,
  occurrenceChangeInput,
  occurrenceKeyParam,
  occurrenceListSchema,
  occurrenceSchema,
  rsvpInput,
  rsvpSchema,
  updateEventInput,
} from "../schemas/events";
import { cancelEvent, createEvent, reconfirmSeries, updateEvent } from "../services/event-editing";
import { messageAttendees } from "../services/event-notifications";
import { eventEtag, getEventDetail, listUpcomingEvents, toEventDetail } from "../services/events";
import { loadEvent } from "../services/event-access";
import { changeOccurrence, listEventOccurrences } from "../services/occurrences";
import { cancelRsvp, exportAttendeesCsv, countsForEvent, getMyRsvp, listAttendees, rsvp } from "../services/rsvps";
import { listVenues } from "../services/venues";
import { setEventCover } from "../services/event-covers";
import { requireSignedIn } from "../services/users";
import { Invalid } from "../errors";
import { citySlugParam } from "../schemas/events";
import { cursorParam } from "../schemas/common";
import { apiRouter } from "./router";
import { bodyTooLargeResponse, problem, problemResponses } from "./responses";

const signedIn = { security: [{ bearer: [] }] };
const eventParams = z.object({ id: z.string().min(1).max(64).meta({ description: "Event id." }) });
const occurrenceQuery = z.object({ occurrence: occurrenceKeyParam.optional().meta({ description: "Which date of a recurring series; default the next." }) });
const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: json(schema) } });
const notFound = { 404: problem("No event with this id.") };
const authErrors = { 401: problem("Not signed in."), 403: problem("Not allowed: organizers only, or your email is not confirmed yet.") };

const listEventsRoute = createRoute({
  method: "get",
  path: "/events",
  tags: ["Events"],
  summary: "Upcoming events",
  description: "Every upcoming date (each occurrence of a recurring series too), soonest first. Filter by city, type, words, or distance.",
  request: { query: listEventsQuery },
  responses: { 200: { description: "A page of occurrences.", content: json(eventPageSchema) }, ...problemResponses },
});

const createEventRoute = createRoute({
  method: "post",
  path: "/events",
  tags: ["Events"],
  summary: "Create an event",
  description: "Members with a confirmed email. Times are local venue time plus an IANA zone; the creator becomes its organizer.",
  ...signedIn,
  request: body(createEventInput),
  responses: { 201: { description: "Created.", content: json(eventDetailSchema) }, ...authErrors, ...bodyTooLargeResponse, ...problemResponses },
});

const getEventRoute = createRoute({
  method: "get",
  path: "/events/{id}",
  tags: ["Events"],
  summary: "One event",
  description: "Has an ETag; send If-None-Match to get 304 when nothing changed. Cancelled events stay readable with status `cancelled`.",
  request: { params: eventParams },
  responses: { 200: { description: "The event.", content: json(eventDetailSchema) }, 304: { description: "Not modified." }, ...notFound, ...problemResponses },
});

const updateEventRoute = createRoute({
  method: "patch",
  path: "/events/{id}",
  tags: ["Events"],
  summary: "Edit an event",
  description: "Organizers only. Send only the fields that change.",
  ...signedIn,
  request: { params: eventParams, ...body(updateEventInput) },
  responses: { 200: { description: "The updated event.", content: json(eventDetailSchema) }, ...authErrors, ...notFound, ...problemResponses },
});

const cancelEventRoute = createRoute({
  method: "delete",
  path: "/events/{id}",
  tags: ["Events"],
  summary: "Cancel an event",
  description: "Organizers only. The event leaves listings, its page says it was cancelled, and everyone registered is told by mail.",
  ...signedIn,
  request: { params: eventParams },
  responses: { 204: { description: "Cancelled." }, ...authErrors, ...notFound, ...problemResponses },
});

const occurrencesRoute = createRoute({
  method: "get",
  path: "/events/{id}/occurrences",
  tags: ["Events"],
  summary: "Upcoming dates of an event",
  request: { params: eventParams, query: z.object({ limit: z.string().regex(/^[0-9]{1,3}$/, "limit must be a whole number from 1 to 100").transform(Number).pipe(z.number().int().min(1, "limit must be a whole number from 1 to 100").max(100, "limit must be a whole number from 1 to 100")).optional() }) },
  responses: { 200: { description: "Dates still to come, cancelled ones included.", content: json(occurrenceListSchema) }, ...notFound, ...problemResponses },
});

const changeOccurrenceRoute = createRoute({
  method: "patch",
  path: "/events/{id}/occurrences/{occurrence}",
  tags: ["Events"],
  summary: "Cancel, move or restore one date of a series",
  ...signedIn,
  request: { params: eventParams.extend({ occurrence: occurrenceKeyParam }), ...body(occurrenceChangeInput) },
  responses: { 200: { description: "That date now.", content: json(occurrenceSchema) }, ...authErrors, ...notFound, ...problemResponses },
});

const reconfirmRoute = createRoute({
  method: "post",
  path: "/events/{id}/reconfirm",
  tags: ["Events"],
  summary: "Confirm a recurring series still runs",
  description: "Series not reconfirmed for SERIES_RECONFIRM_WEEKS (default 8) leave listings until an organizer reconfirms.",
  ...signedIn,
  request: { params: eventParams },
  responses: { 200: { description: "The event.", content: json(eventDetailSchema) }, ...authErrors, ...notFound, ...problemResponses },
});

const rsvpRoute = createRoute({
  method: "post",
  path: "/events/{id}/rsvp",
  tags: ["RSVP"],
  summary: "RSVP to an event",
  description: "`going` becomes `waitlisted` when the event is full or, on role-balanced events, when your side is ahead. Couples register together with `partnerHandle`.",
  ...signedIn,
  request: { params: eventParams, ...body(rsvpInput) },
  responses: { 200: { description: "Your RSVP now.", content: json(rsvpSchema) }, 409: problem("The event was cancelled, is over, or your partner is already registered."), ...authErrors, ...notFound, ...problemResponses },
});

const myRsvpRoute = createRoute({
  method: "get",
  path: "/events/{id}/rsvp",
  tags: ["RSVP"],
  summary: "Your RSVP",
  ...signedIn,
  request: { params: eventParams, query: occurrenceQuery },
  responses: { 200: { description: "Your RSVP, or null.", content: json(rsvpSchema.nullable()) }, ...authErrors, ...notFound, ...problemResponses },
});

const cancelRsvpRoute = createRoute({
  method: "delete",
  path: "/events/{id}/rsvp",
  tags: ["RSVP"],
  summary: "Withdraw your RSVP",
  description: "The first dancer waiting in line moves up and is told by mail.",
  ...signedIn,
  request: { params: eventParams, query: occurrenceQuery },
  responses: { 204: { description: "Withdrawn." }, ...authErrors, ...notFound, ...problemResponses },
});

const attendanceRoute = createRoute({
  method: "get",
  path: "/events/{id}/attendance",
  tags: ["RSVP"],
  summary: "How full the floor is",
  request: { params: eventParams, query: occurrenceQuery },
  responses: { 200: { description: "Counts by status and role.", content: json(attendanceCountsSchema.extend({ occurrenceKey: z.string().nullable() })) }, ...notFound, ...problemResponses },
});

const attendeeSchema = z
  .object({
    member: z.object({ handle: z.string(), displayName: z.string() }),
    status: rsvpSchema.shape.status,
    role: rsvpSchema.shape.role,
    seatedRole: rsvpSchema.shape.seatedRole,
    partner: z.string().nullable(),
    waitlistOrder: z.number().int().nullable(),
    registeredAt: z.string(),
  })
  .meta({ id: "Attendee" });

const attendeesRoute = createRoute({
  method: "get",
  path: "/events/{id}/attendees",
  tags: ["RSVP"],
  summary: "Who is coming (organizers)",
  description: "`format=csv` (or Accept: text/csv) downloads the whole list as CSV.",
  ...signedIn,
  request: {
    params: eventParams,
    query: occurrenceQuery.extend({
      format: z.enum(["json", "csv"], { error: "format must be json or csv" }).optional(),
      cursor: cursorParam,
    }),
  },
  responses: {
    200: {
      description: "Attendees with counts by role.",
      content: {
        ...json(z.object({ occurrenceKey: z.string().nullable(), counts: attendanceCountsSchema, data: z.array(attendeeSchema), nextCursor: z.string().nullable() })),
        "text/csv": { schema: z.string() },
      },
    },
    ...authErrors,
    ...notFound,
    ...problemResponses,
  },
});

const messageRoute = createRoute({
  method: "post",
  path: "/events/{id}/messages",
  tags: ["RSVP"],
  summary: "Message attendees (organizers)",
  ...signedIn,
  request: {
    params: eventParams,
    ...body(
      z
        .object({
          subject: z.string({ error: "subject is required" }).trim().min(3, "subject must be at least 3 characters").max(120, "subject must be at most 120 characters"),
          body: z.string({ error: "body is required" }).trim().min(1, "body is required").max(5000, "body must be at most 5,000 characters"),
          audience: z.enum(["going", "all"], { error: "audience must be going or all" }).default("going"),
        })
        .strict()
        .meta({ id: "AttendeeMessage" }),
    ),
  },
  responses: { 202: { description: "Queued for delivery.", content: json(z.object({ queued: z.literal(true) })) }, 429: problem("At most 5 messages per event per day."), ...authErrors, ...notFound, ...problemResponses },
});

const coverRoute = createRoute({
  method: "post",
  path: "/events/{id}/cover",
  tags: ["Events"],
  summary: "Upload the event's cover image (organizers)",
  description:
    "multipart/form-data with one file field `cover`: JPEG, PNG or WebP (recognised by content, not name), at most 5 MB. Location and other metadata are removed before it is stored in R2.",
  ...signedIn,
  request: { params: eventParams },
  responses: {
    200: { description: "Stored.", content: json(z.object({ coverUrl: z.string() })) },
    413: problem("Larger than 5 MB."),
    ...authErrors,
    ...notFound,
    ...problemResponses,
  },
});

const venuesRoute = createRoute({
  method: "get",
  path: "/venues",
  tags: ["Events"],
  summary: "Venues in a city",
  request: { query: z.object({ city: citySlugParam }) },
  responses: {
    200: {
      description: "Known venues, to reuse when creating an event.",
      content: json(z.object({ data: z.array(z.object({ id: z.string(), name: z.string(), address: z.string(), lat: z.number().nullable(), lng: z.number().nullable() })) })),
    },
    ...problemResponses,
  },
});

export const eventsApi = apiRouter()
  .openapi(listEventsRoute, async (c) => c.json(await listUpcomingEvents(c.var.ctx, c.req.valid("query")), 200))
  .openapi(createEventRoute, async (c) => {
    const event = await createEvent(c.var.ctx, c.req.valid("json"));
    c.header("Location", `/api/v1/events/${event.id}`);
    return c.json(await toEventDetail(c.var.ctx, event), 201);
  })
  .openapi(getEventRoute, async (c) => {
    const event = await loadEvent(c.var.ctx, c.req.valid("param").id);
    const etag = eventEtag(event);
    c.header("ETag", etag);
    c.header("Cache-Control", "no-cache");
    const ifNoneMatch = c.req.header("If-None-Match");
    if (ifNoneMatch && ifNoneMatch.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*")) return c.body(null, 304) as never;
    return c.json(await getEventDetail(c.var.ctx, event.id), 200);
  })
  .openapi(updateEventRoute, async (c) => {
    const event = await updateEvent(c.var.ctx, c.req.valid("param").id, c.req.valid("json"));
    c.header("ETag", eventEtag(event));
    return c.json(await toEventDetail(c.var.ctx, event), 200);
  })
  .openapi(cancelEventRoute, async (c) => {
    await cancelEvent(c.var.ctx, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(occurrencesRoute, async (c) => c.json({ data: await listEventOccurrences(c.var.ctx, c.req.valid("param").id, { limit: c.req.valid("query").limit ?? 20 }), nextCursor: null }, 200))
  .openapi(changeOccurrenceRoute, async (c) => {
    const { id, occurrence } = c.req.valid("param");
    return c.json(await changeOccurrence(c.var.ctx, id, occurrence, c.req.valid("json")), 200);
  })
  .openapi(reconfirmRoute, async (c) => c.json(await toEventDetail(c.var.ctx, await reconfirmSeries(c.var.ctx, c.req.valid("param").id)), 200))
  .openapi(rsvpRoute, async (c) => c.json(await rsvp(c.var.ctx, c.req.valid("param").id, c.req.valid("json")), 200))
  .openapi(myRsvpRoute, async (c) => c.json(await getMyRsvp(c.var.ctx, c.req.valid("param").id, c.req.valid("query").occurrence), 200))
  .openapi(cancelRsvpRoute, async (c) => {
    await cancelRsvp(c.var.ctx, c.req.valid("param").id, c.req.valid("query").occurrence);
    return c.body(null, 204);
  })
  .openapi(attendanceRoute, async (c) => c.json(await countsForEvent(c.var.ctx, c.req.valid("param").id, c.req.valid("query").occurrence), 200))
  .openapi(attendeesRoute, async (c) => {
    const { occurrence, format, cursor } = c.req.valid("query");
    const wantsCsv = format === "csv" || (format === undefined && (c.req.header("Accept") ?? "").includes("text/csv"));
    if (!wantsCsv) return c.json(await listAttendees(c.var.ctx, c.req.valid("param").id, { occurrence, cursor }), 200);
    return c.body(await exportAttendeesCsv(c.var.ctx, c.req.valid("param").id, occurrence), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="attendees-${c.req.valid("param").id}.csv"`,
    }) as never;
  })
  .openapi(messageRoute, async (c) => c.json(await messageAttendees(c.var.ctx, c.req.valid("param").id, c.req.valid("json")), 202))
  .openapi(coverRoute, async (c) => {
    requireSignedIn(c.var.ctx);
    if (!(c.req.header("Content-Type") ?? "").startsWith("multipart/form-data")) throw Invalid.field("cover", "send the picture as multipart/form-data in a field named cover");
    const file = (await c.req.parseBody())["cover"];
    if (!(file instanceof File)) throw Invalid.field("cover", "send the picture as a file field named cover");
    return c.json(await setEventCover(c.var.ctx, c.req.valid("param").id, new Uint8Array(await file.arrayBuffer())), 200);
  })
  .openapi(venuesRoute, async (c) => {
    const venues = await listVenues(c.var.ctx, c.req.valid("query").city);
    return c.json({ data: venues.map((v) => ({ id: v.id, name: v.name, address: v.address, lat: v.latitude, lng: v.longitude })) }, 200);
  });
