import { z } from "zod";

/** Pinned so a change in Stripe's dashboard default cannot change the shapes we parse. */
export const STRIPE_API_VERSION = "2025-03-31.basil";

const CHECKOUT_SESSIONS_URL = "https://api.stripe.com/v1/checkout/sessions";
const STRIPE_TIMEOUT_MS = 10_000;
const DEFAULT_TOLERANCE_SECONDS = 300;

export type StripeSignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: "missing" | "malformed" | "stale" | "mismatch" };

export interface VerifyStripeSignatureInput {
  /** The raw request body, exactly as received: re-serialized JSON will not match. */
  payload: string;
  header: string | null | undefined;
  secret: string;
  nowSeconds?: number;
  toleranceSeconds?: number;
}

/**
 * Stripe's `Stripe-Signature` scheme: `t=<unix>,v1=<hex>[,v1=<hex>…]`. Several v1 entries appear
 * while a webhook secret is being rolled, so any one of them may match. v0 (test-mode legacy)
 * and unknown schemes are ignored; a header without any v1 is malformed.
 */
export async function verifyStripeSignature({
  payload,
  header,
  secret,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
}: VerifyStripeSignatureInput): Promise<StripeSignatureCheck> {
  if (!header) return { ok: false, reason: "missing" };
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { ok: false, reason: "malformed" };

  const expected = await hmacSha256(secret, `${parsed.timestamp}.${payload}`);
  let matched = false;
  // No early exit: every candidate is compared, so timing does not reveal which one matched.
  for (const candidate of parsed.signatures) {
    if (constantTimeEqual(expected, candidate)) matched = true;
  }
  if (!matched) return { ok: false, reason: "mismatch" };

  // Checked after the signature so "stale" always means a genuine Stripe delivery replayed late.
  if (Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds) return { ok: false, reason: "stale" };
  return { ok: true, timestamp: parsed.timestamp };
}

/** The header Stripe would send for this payload: lets tests and local tooling stand in for Stripe. */
export async function signStripePayload(payload: string, secret: string, timestampSeconds: number): Promise<string> {
  const signature = await hmacSha256(secret, `${timestampSeconds}.${payload}`);
  return `t=${timestampSeconds},v1=${toHex(signature)}`;
}

interface ParsedSignatureHeader {
  timestamp: number;
  signatures: Uint8Array[];
}

function parseSignatureHeader(header: string): ParsedSignatureHeader | undefined {
  let timestamp: number | undefined;
  const signatures: Uint8Array[] = [];
  for (const part of header.split(",")) {
    const separator = part.indexOf("=");
    if (separator <= 0) return undefined;
    const scheme = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (scheme === "t") {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value)) return undefined;
      timestamp = Number(value);
    } else if (scheme === "v1") {
      const bytes = fromHex(value);
      if (bytes?.length === 32) signatures.push(bytes);
    }
  }
  if (timestamp === undefined || signatures.length === 0) return undefined;
  return { timestamp, signatures };
}

async function hmacSha256(secret: string, message: string): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
}

/** Callers only pass equal-length digests, so the length check leaks nothing secret. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  // workerd's non-standard crypto.subtle.timingSafeEqual; the loop covers runtimes without it.
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean };
  if (typeof subtle.timingSafeEqual === "function") return subtle.timingSafeEqual(a, b);
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Any failed Stripe call: an error answer (status set) or no answer at all (status undefined). */
export class StripeApiError extends Error {
  override readonly name = "StripeApiError";
  constructor(
    message: string,
    readonly status: number | undefined,
    /** Stripe's machine-readable `error.code` / `error.type`, when it sent one. */
    readonly stripeCode?: string,
  ) {
    super(message);
  }
}

type FormValue = string | number | boolean | null | undefined | FormValue[] | { [key: string]: FormValue };

/**
 * Stripe's form encoding: nested keys in brackets (`line_items[0][price_data][currency]=eur`).
 * null and undefined are left out rather than sent as "", which Stripe reads as "unset".
 */
export function toStripeForm(object: Record<string, FormValue>): URLSearchParams {
  const form = new URLSearchParams();
  const append = (key: string, value: FormValue): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) value.forEach((item, index) => append(`${key}[${index}]`, item));
    else if (typeof value === "object") for (const [name, inner] of Object.entries(value)) append(`${key}[${name}]`, inner);
    else form.append(key, String(value));
  };
  for (const [key, value] of Object.entries(object)) append(key, value);
  return form;
}

export interface CheckoutLineItem {
  name: string;
  /** In the currency's minor unit (cents for EUR), as Stripe expects. */
  unitAmountMinor: number;
  /** ISO 4217; sent lower-case, as Stripe expects. */
  currency: string;
  quantity: number;
}

export interface CreateCheckoutSessionInput {
  secretKey: string;
  /** Retrying with the same key returns the first session instead of creating a second one. */
  idempotencyKey: string;
  successUrl: string;
  cancelUrl: string;
  customerEmail?: string;
  clientReferenceId: string;
  metadata: Record<string, string>;
  lineItems: CheckoutLineItem[];
  expiresAtSeconds?: number;
}

export interface CheckoutSessionCreated {
  id: string;
  url: string;
}

export async function createCheckoutSession(
  input: CreateCheckoutSessionInput,
  fetchImpl: typeof fetch = (request, init) => fetch(request, init),
): Promise<CheckoutSessionCreated> {
  for (const item of input.lineItems) {
    if (!Number.isSafeInteger(item.unitAmountMinor) || item.unitAmountMinor < 0) throw new RangeError(`unitAmountMinor must be a whole number of minor units, got ${item.unitAmountMinor}`);
    if (!Number.isSafeInteger(item.quantity) || item.quantity < 1) throw new RangeError(`quantity must be a positive whole number, got ${item.quantity}`);
  }
  const form = toStripeForm({
    mode: "payment",
    client_reference_id: input.clientReferenceId,
    success_url: input.successUrl,
    cancel_url: input.cancelUrl,
    customer_email: input.customerEmail,
    expires_at: input.expiresAtSeconds,
    metadata: input.metadata,
    line_items: input.lineItems.map((item) => ({
      price_data: {
        currency: item.currency.toLowerCase(),
        product_data: { name: item.name },
        unit_amount: item.unitAmountMinor,
      },
      quantity: item.quantity,
    })),
  });

  const body = await callStripe(input.secretKey, fetchImpl, CHECKOUT_SESSIONS_URL, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${input.secretKey}`,
      "Idempotency-Key": input.idempotencyKey,
      "Content-Type": "application/x-www-form-urlencoded",
      "Stripe-Version": STRIPE_API_VERSION,
    },
    body: form.toString(),
  });
  const session = z.object({ id: z.string(), url: z.string() }).safeParse(body);
  if (!session.success) throw new StripeApiError("Stripe answered without a checkout session id and url", 200);
  return session.data;
}

const stripeErrorBody = z.object({ error: z.object({ message: z.string().optional(), code: z.string().optional(), type: z.string().optional() }) });

/** Returns the parsed JSON of a 2xx answer; everything else becomes a StripeApiError. */
async function callStripe(secretKey: string, fetchImpl: typeof fetch, url: string, init: RequestInit): Promise<unknown> {
  // Messages can travel to logs and error reporting; the key must never go with them.
  const redact = (text: string): string => (secretKey ? text.split(secretKey).join("[redacted]") : text);

  let response: Response;
  try {
    response = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(STRIPE_TIMEOUT_MS) });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    const detail = timedOut ? `no answer within ${STRIPE_TIMEOUT_MS / 1000} s` : error instanceof Error ? error.message : String(error);
    throw new StripeApiError(redact(`Stripe could not be reached: ${detail}`), undefined);
  }

  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (response.ok) return body;

  const stripeError = stripeErrorBody.safeParse(body);
  const message = stripeError.success && stripeError.data.error.message ? stripeError.data.error.message : `HTTP ${response.status}`;
  const code = stripeError.success ? (stripeError.data.error.code ?? stripeError.data.error.type) : undefined;
  throw new StripeApiError(redact(`Stripe refused the request: ${message}`), response.status, code);
}

/** The envelope every Stripe event shares; `data.object` depends on `type`. */
export interface StripeEvent {
  id: string;
  type: string;
  data: { object: unknown };
}

const stripeEventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  data: z.object({ object: z.unknown() }),
});

/** undefined for anything that is not JSON shaped like a Stripe event. */
export function parseStripeEvent(payload: string): StripeEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return undefined;
  }
  const event = stripeEventSchema.safeParse(json);
  return event.success ? { id: event.data.id, type: event.data.type, data: { object: event.data.data.object } } : undefined;
}

export const CHECKOUT_SESSION_EVENT_TYPES = ["checkout.session.completed", "checkout.session.expired"] as const;
export type CheckoutSessionEventType = (typeof CHECKOUT_SESSION_EVENT_TYPES)[number];

/** Stripe's field names kept as-is, so the Stripe docs describe them. */
const checkoutSessionSchema = z.object({
  id: z.string().min(1),
  // A string rather than an enum: Stripe adds statuses, and only "paid" means the money arrived.
  payment_status: z.string(),
  client_reference_id: z.string().nullable(),
  metadata: z
    .record(z.string(), z.string())
    .nullish()
    .transform((metadata) => metadata ?? {}),
  amount_total: z.number().int().nullable(),
  currency: z.string().nullable(),
});

export type CheckoutSession = z.infer<typeof checkoutSessionSchema>;

export function isCheckoutSessionEventType(type: string): type is CheckoutSessionEventType {
  return (CHECKOUT_SESSION_EVENT_TYPES as readonly string[]).includes(type);
}

/** The checkout session of a `checkout.session.*` event, or undefined if it is another event or misshapen. */
export function readCheckoutSession(event: StripeEvent): CheckoutSession | undefined {
  if (!isCheckoutSessionEventType(event.type)) return undefined;
  const session = checkoutSessionSchema.safeParse(event.data.object);
  return session.success ? session.data : undefined;
}
