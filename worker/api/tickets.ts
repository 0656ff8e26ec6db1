import { createRoute, z } from "@hono/zod-openapi";
import { cursorParam, limitParam } from "../schemas/common";
import {
  buyTicketsInput,
  checkInInput,
  checkInKeySchema,
  checkInResultSchema,
  createTicketTypeInput,
  myTicketListSchema,
  purchaseSchema,
  ticketTypeListSchema,
  ticketTypeSchema,
  updateTicketTypeInput,
  webhookReceiptSchema,
} from "../schemas/tickets";
import { buyTickets, checkIn, checkInKey, createTicketType, handleStripeWebhook, listMyTickets, listTicketTypes, updateTicketType } from "../services/tickets";
import { bodyTooLargeResponse, problem, problemResponses } from "./responses";
import { apiRouter } from "./router";

const signedIn = { security: [{ bearer: [] }] };
const unauthorized = { 401: problem("Not signed in, or the token expired.") };
const organizersOnly = { ...unauthorized, 403: problem("Only the organizers of this event can do this.") };
const eventParams = z.object({ id: z.string().min(1).max(64) });
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

const listTypesRoute = createRoute({
  method: "get",
  path: "/events/{id}/ticket-types",
  tags: ["Tickets"],
  summary: "What an event sells",
  request: { params: eventParams },
  responses: { 200: { description: "Ticket types, oldest first.", ...json(ticketTypeListSchema) }, 404: problem("No such event."), ...problemResponses },
});

const createTypeRoute = createRoute({
  method: "post",
  path: "/events/{id}/ticket-types",
  tags: ["Tickets"],
  summary: "Add a ticket type (organizers)",
  ...signedIn,
  request: { params: eventParams, body: { required: true, ...json(createTicketTypeInput) } },
  responses: {
    201: { description: "Created.", ...json(ticketTypeSchema) },
    ...organizersOnly,
    404: problem("No such event."),
    409: problem("The event is cancelled, or has the most ticket types allowed."),
    ...bodyTooLargeResponse,
    ...problemResponses,
  },
});

const updateTypeRoute = createRoute({
  method: "patch",
  path: "/events/{id}/ticket-types/{typeId}",
  tags: ["Tickets"],
  summary: "Change a ticket type (organizers)",
  description: "Send only what changes; `null` clears a sales bound. Price changes apply to orders placed afterwards.",
  ...signedIn,
  request: { params: eventParams.extend({ typeId: z.string().min(1).max(64) }), body: { required: true, ...json(updateTicketTypeInput) } },
  responses: {
    200: { description: "The ticket type as it is now.", ...json(ticketTypeSchema) },
    ...organizersOnly,
    404: problem("No such event or ticket type."),
    409: problem("`quantity` is below what is already sold or in checkout."),
    ...bodyTooLargeResponse,
    ...problemResponses,
  },
});

const buyRoute = createRoute({
  method: "post",
  path: "/events/{id}/tickets",
  tags: ["Tickets"],
  summary: "Buy tickets",
  description:
    "Free tickets are issued at once. Paid tickets are held for 30 minutes while the buyer pays on the Stripe Checkout page at `checkoutUrl`; they are issued when Stripe confirms the payment, and released if the checkout expires.",
  ...signedIn,
  request: { params: eventParams, body: { required: true, ...json(buyTicketsInput) } },
  responses: {
    201: { description: "The order, with its tickets or its checkout page.", ...json(purchaseSchema) },
    ...unauthorized,
    404: problem("No such event or ticket type."),
    409: problem("Sold out, outside the sales window (`errors` names salesStart or salesEnd), or the event is cancelled."),
    502: problem("Stripe refused to start the checkout."),
    503: problem("Payments are not configured, or Stripe is unreachable."),
    ...bodyTooLargeResponse,
    ...problemResponses,
  },
});

const webhookRoute = createRoute({
  method: "post",
  path: "/payments/stripe/webhook",
  tags: ["Payments"],
  summary: "Stripe webhook",
  description:
    "Called by Stripe, not by clients. The `Stripe-Signature` header must sign the raw body with the webhook secret and be at most 5 minutes old. `checkout.session.completed` (paid) and `checkout.session.async_payment_succeeded` issue the order's tickets; `checkout.session.expired` and `checkout.session.async_payment_failed` release them. Each Stripe event takes effect once. Other event types are acknowledged and ignored.",
  responses: {
    200: { description: "Received (including repeats and event types we do not handle).", ...json(webhookReceiptSchema) },
    400: problem("Missing, malformed, wrong or stale signature, or a body that is not a Stripe event."),
    500: problem("Unexpected failure; Stripe retries."),
  },
});

const myTicketsRoute = createRoute({
  method: "get",
  path: "/me/tickets",
  tags: ["Tickets"],
  summary: "Your tickets",
  description: "Newest first, each with the signed code the door scans and that code as a QR image.",
  ...signedIn,
  request: { query: z.object({ limit: limitParam, cursor: cursorParam }) },
  responses: { 200: { description: "A page of tickets.", ...json(myTicketListSchema) }, ...unauthorized, ...problemResponses },
});

const checkInRoute = createRoute({
  method: "post",
  path: "/events/{id}/check-in",
  tags: ["Tickets"],
  summary: "Admit a ticket at the door (organizers)",
  ...signedIn,
  request: { params: eventParams, body: { required: true, ...json(checkInInput) } },
  responses: {
    200: { description: "Admitted: this was the ticket's first use.", ...json(checkInResultSchema) },
    400: problem("Not a ticket code we issued (forged or damaged)."),
    ...organizersOnly,
    404: problem("No such event."),
    409: problem("Already used; `detail` says when."),
    422: problem("A genuine ticket, but for another event (or since deleted)."),
    ...bodyTooLargeResponse,
    500: problemResponses[500],
  },
});

const checkInKeyRoute = createRoute({
  method: "get",
  path: "/events/{id}/check-in/key",
  tags: ["Tickets"],
  summary: "Offline check-in kit (organizers)",
  description: "The Ed25519 public key that verifies ticket codes without a network, and every ticket of the event with its first use.",
  ...signedIn,
  request: { params: eventParams },
  responses: { 200: { description: "Key and tickets.", ...json(checkInKeySchema) }, ...organizersOnly, 404: problem("No such event."), ...problemResponses },
});

export const ticketsApi = apiRouter()
  .openapi(listTypesRoute, async (c) => c.json(await listTicketTypes(c.var.ctx, c.req.valid("param").id), 200))
  .openapi(createTypeRoute, async (c) => c.json(await createTicketType(c.var.ctx, c.req.valid("param").id, c.req.valid("json")), 201))
  .openapi(updateTypeRoute, async (c) => {
    const { id, typeId } = c.req.valid("param");
    return c.json(await updateTicketType(c.var.ctx, id, typeId, c.req.valid("json")), 200);
  })
  .openapi(buyRoute, async (c) => c.json(await buyTickets(c.var.ctx, c.req.valid("param").id, c.req.valid("json")), 201))
  .openapi(webhookRoute, async (c) => {
    // The signature covers the exact bytes Stripe sent: read them raw, never re-serialized JSON.
    await handleStripeWebhook(c.var.ctx, await c.req.text(), c.req.header("Stripe-Signature"));
    return c.json({ received: true as const }, 200);
  })
  .openapi(myTicketsRoute, async (c) => c.json(await listMyTickets(c.var.ctx, c.req.valid("query")), 200))
  .openapi(checkInRoute, async (c) => c.json(await checkIn(c.var.ctx, c.req.valid("param").id, c.req.valid("json")), 200))
  .openapi(checkInKeyRoute, async (c) => c.json(await checkInKey(c.var.ctx, c.req.valid("param").id), 200));
