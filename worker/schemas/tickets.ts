import { z } from "zod";
import { orderStatuses } from "../../db/schema/tickets";
import { instantParam } from "./common";
import { currencySchema } from "./events";

const AMOUNT_MESSAGE = "amountMinor must be a whole number of minor units (cents), 0 for a free ticket";
const QUANTITY_MESSAGE = "quantity must be a whole number from 1 to 100000";

export const ticketPriceSchema = z
  .object({
    amountMinor: z.number({ error: AMOUNT_MESSAGE }).int(AMOUNT_MESSAGE).min(0, AMOUNT_MESSAGE).max(100_000_000, "amountMinor is too large"),
    currency: currencySchema,
  })
  .strict()
  .meta({ id: "TicketPrice", description: "Integer minor units (cents) with an ISO 4217 currency; 0 is free." });

const ticketTypeFields = {
  name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(80, "name must be at most 80 characters"),
  price: ticketPriceSchema,
  quantity: z.number({ error: QUANTITY_MESSAGE }).int(QUANTITY_MESSAGE).min(1, QUANTITY_MESSAGE).max(100_000, QUANTITY_MESSAGE),
  salesStart: instantParam.nullable().meta({ description: "Sales open at this instant; absent or null: open now." }),
  salesEnd: instantParam.nullable().meta({ description: "Sales close at this instant; absent or null: no closing time." }),
};

const salesWindowInOrder = (input: { salesStart?: string | null; salesEnd?: string | null }) =>
  !input.salesStart || !input.salesEnd || Date.parse(input.salesEnd) > Date.parse(input.salesStart);
const SALES_WINDOW_ISSUE = { path: ["salesEnd"], message: "salesEnd must be later than salesStart" };

export const createTicketTypeInput = z
  .object({
    ...ticketTypeFields,
    salesStart: ticketTypeFields.salesStart.optional(),
    salesEnd: ticketTypeFields.salesEnd.optional(),
  })
  .strict()
  .refine(salesWindowInOrder, SALES_WINDOW_ISSUE)
  .meta({ id: "CreateTicketTypeInput" });
export type CreateTicketTypeInput = z.infer<typeof createTicketTypeInput>;

/** Send only what changes; `null` clears a sales bound. The window is checked again against the stored one. */
export const updateTicketTypeInput = z
  .object({
    name: ticketTypeFields.name.optional(),
    price: ticketTypeFields.price.optional(),
    quantity: ticketTypeFields.quantity.optional(),
    salesStart: ticketTypeFields.salesStart.optional(),
    salesEnd: ticketTypeFields.salesEnd.optional(),
  })
  .strict()
  .refine(salesWindowInOrder, SALES_WINDOW_ISSUE)
  .meta({ id: "UpdateTicketTypeInput" });
export type UpdateTicketTypeInput = z.infer<typeof updateTicketTypeInput>;

export const buyTicketsInput = z
  .object({
    ticketTypeId: z.string({ error: "ticketTypeId is required" }).min(1, "ticketTypeId is required").max(64, "ticketTypeId is not a ticket type id"),
    quantity: z.number({ error: "quantity must be a whole number from 1 to 10" }).int("quantity must be a whole number from 1 to 10").min(1, "quantity must be a whole number from 1 to 10").max(10, "quantity must be a whole number from 1 to 10"),
  })
  .strict()
  .meta({ id: "BuyTicketsInput" });
export type BuyTicketsInput = z.infer<typeof buyTicketsInput>;

export const checkInInput = z
  .object({
    code: z.string({ error: "code is required" }).trim().min(1, "code is required").max(1024, "code must be at most 1024 characters"),
  })
  .strict()
  .meta({ id: "CheckInInput" });
export type CheckInInput = z.infer<typeof checkInInput>;

export const ticketTypeSchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    name: z.string(),
    price: z.object({ amountMinor: z.number().int(), currency: z.string() }),
    quantity: z.number().int(),
    available: z.number().int().meta({ description: "Not yet sold nor held by an open checkout." }),
    salesStart: z.string().nullable(),
    salesEnd: z.string().nullable(),
    onSale: z.boolean().meta({ description: "Inside its sales window, the event not cancelled, and tickets left." }),
  })
  .meta({ id: "TicketType" });
export type TicketTypeDto = z.infer<typeof ticketTypeSchema>;

export const ticketTypeListSchema = z.object({ data: z.array(ticketTypeSchema) }).meta({ id: "TicketTypeList" });

export const ticketSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    eventId: z.string(),
    ticketTypeId: z.string(),
    issuedAt: z.string(),
    usedAt: z.string().nullable(),
  })
  .meta({ id: "Ticket" });
export type TicketDto = z.infer<typeof ticketSchema>;

export const purchaseSchema = z
  .object({
    orderId: z.string(),
    status: z.enum(orderStatuses),
    amountMinor: z.number().int(),
    currency: z.string(),
    checkoutUrl: z.string().nullable().meta({ description: "Paid tickets: the Stripe Checkout page to send the buyer to. Null for free tickets." }),
    tickets: z.array(ticketSchema).meta({ description: "Free tickets, issued at once; paid ones are issued when Stripe confirms the payment." }),
  })
  .meta({ id: "Purchase" });
export type PurchaseDto = z.infer<typeof purchaseSchema>;

export const myTicketSchema = ticketSchema
  .extend({
    ticketTypeName: z.string(),
    event: z.object({ id: z.string(), title: z.string(), startsAt: z.string(), timeZone: z.string(), status: z.string() }),
    code: z.string().meta({ description: "The signed code the door scans; show it as the QR code." }),
    qrSvg: z.string().meta({ description: "The code as an accessible SVG QR image." }),
  })
  .meta({ id: "MyTicket" });
export type MyTicketDto = z.infer<typeof myTicketSchema>;

export const myTicketListSchema = z.object({ data: z.array(myTicketSchema) }).meta({ id: "MyTicketList" });

export const checkInResultSchema = z
  .object({ ticket: ticketSchema, firstUse: z.literal(true) })
  .meta({ id: "CheckInResult" });

export const checkInKeySchema = z
  .object({
    publicKey: z.string().meta({ description: "Raw Ed25519 public key, base64url: verifies ticket codes offline." }),
    tickets: z.array(z.object({ id: z.string(), usedAt: z.string().nullable() })),
  })
  .meta({ id: "CheckInKey" });

export const webhookReceiptSchema = z.object({ received: z.literal(true) }).meta({ id: "WebhookReceipt" });
