import { createRoute, z } from "@hono/zod-openapi";
import { danceRoles, eventStatuses, rsvpStatuses } from "../../db/schema/event-types";
import { cursorParam, limitParam, paginated } from "../schemas/common";
import { eventTypeSchema } from "../schemas/events";
import { listMyRsvps, listOrganizedEvents } from "../services/my-events";
import { apiRouter } from "./router";
import { problem, problemResponses } from "./responses";

const signedIn = { security: [{ bearer: [] }] };
const unauthorized = { 401: problem("Not signed in, or the token expired.") };
const pageQuery = z.object({ limit: limitParam, cursor: cursorParam });
const place = { city: z.object({ slug: z.string(), name: z.string() }), venue: z.object({ name: z.string() }) };

const organizedEventSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    type: eventTypeSchema,
    status: z.enum(eventStatuses),
    role: z.enum(["owner", "co-organizer"]),
    recurring: z.boolean(),
    nextStartsAt: z.string().nullable().meta({ description: "The next date not yet over; null when every date is past." }),
    startsAt: z.string().meta({ description: "The next date, or for past events the last one (UTC)." }),
    startLocal: z.string(),
    timeZone: z.string(),
    ...place,
  })
  .meta({ id: "OrganizedEvent" });

const myRsvpSchema = z
  .object({
    eventId: z.string(),
    occurrenceKey: z.string(),
    title: z.string(),
    eventStatus: z.enum(eventStatuses),
    status: z.enum(rsvpStatuses),
    role: z.enum(danceRoles).nullable(),
    waitlistPosition: z.number().int().nullable().meta({ description: "1 = next in line; null unless waitlisted." }),
    startsAt: z.string(),
    startLocal: z.string(),
    timeZone: z.string(),
    ...place,
  })
  .meta({ id: "MyRsvp" });

const organizingRoute = createRoute({
  method: "get",
  path: "/me/events",
  tags: ["Me"],
  summary: "Events you organize",
  description: "As owner or co-organizer: upcoming ones first (soonest date first), then past ones (latest first).",
  ...signedIn,
  request: { query: pageQuery },
  responses: { 200: { description: "A page of events.", content: { "application/json": { schema: paginated(organizedEventSchema, "OrganizedEventPage") } } }, ...unauthorized, ...problemResponses },
});

const rsvpsRoute = createRoute({
  method: "get",
  path: "/me/rsvps",
  tags: ["Me"],
  summary: "Dates you RSVP'd to",
  description: "Going, waitlisted (with your place in line) or interested, for dates still to come, soonest first.",
  ...signedIn,
  request: { query: pageQuery },
  responses: { 200: { description: "A page of RSVPs.", content: { "application/json": { schema: paginated(myRsvpSchema, "MyRsvpPage") } } }, ...unauthorized, ...problemResponses },
});

export const myEventsApi = apiRouter()
  .openapi(organizingRoute, async (c) => c.json(await listOrganizedEvents(c.var.ctx, c.req.valid("query")), 200))
  .openapi(rsvpsRoute, async (c) => c.json(await listMyRsvps(c.var.ctx, c.req.valid("query")), 200));
