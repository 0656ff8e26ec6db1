import { describe, expect, it } from "vitest";
import {
  createCheckoutSession,
  parseStripeEvent,
  readCheckoutSession,
  signStripePayload,
  STRIPE_API_VERSION,
  StripeApiError,
  toStripeForm,
  verifyStripeSignature,
  type CreateCheckoutSessionInput,
} from "../../worker/lib/stripe";

const SECRET = "whsec_test_mundo_tango";
const NOW = 1_760_000_000;
const PAYLOAD = JSON.stringify({ id: "evt_1", type: "checkout.session.completed", data: { object: { id: "cs_1" } } });

// Made with OpenSSL, independently of our code:
// printf '%s' '1700000000.{"id":"evt_1"}' | openssl dgst -sha256 -hmac whsec_reference
const REFERENCE = {
  secret: "whsec_reference",
  payload: '{"id":"evt_1"}',
  header: "t=1700000000,v1=76588a206b0288b1c5224713c138b1c34f01e9256e0a81b62c3506ab233daf96",
};

async function signedHeader(payload = PAYLOAD, secret = SECRET, timestamp = NOW): Promise<string> {
  return signStripePayload(payload, secret, timestamp);
}

function v1Of(header: string): string {
  return header.split(",").find((part) => part.startsWith("v1="))!.slice(3);
}

describe("verifyStripeSignature", () => {
  it("accepts a delivery Stripe signed", async () => {
    const header = await signedHeader();
    expect(await verifyStripeSignature({ payload: PAYLOAD, header, secret: SECRET, nowSeconds: NOW })).toEqual({ ok: true, timestamp: NOW });
  });

  it("agrees with an HMAC computed by OpenSSL", async () => {
    const check = await verifyStripeSignature({ payload: REFERENCE.payload, header: REFERENCE.header, secret: REFERENCE.secret, nowSeconds: 1_700_000_000 });
    expect(check).toEqual({ ok: true, timestamp: 1_700_000_000 });
    expect(await signStripePayload(REFERENCE.payload, REFERENCE.secret, 1_700_000_000)).toBe(REFERENCE.header);
  });

  it("accepts a header with several v1 signatures when one of them is valid (secret being rolled)", async () => {
    const valid = v1Of(await signedHeader());
    const other = v1Of(await signedHeader(PAYLOAD, "whsec_old_secret"));
    const header = `t=${NOW},v1=${other},v1=${valid},v0=${"0".repeat(64)}`;
    expect(await verifyStripeSignature({ payload: PAYLOAD, header, secret: SECRET, nowSeconds: NOW })).toEqual({ ok: true, timestamp: NOW });
  });

  it("accepts deliveries exactly at the edge of the tolerance", async () => {
    const header = await signedHeader(PAYLOAD, SECRET, NOW - 300);
    expect((await verifyStripeSignature({ payload: PAYLOAD, header, secret: SECRET, nowSeconds: NOW })).ok).toBe(true);
  });

  it("rejects a signature made with another secret", async () => {
    const header = await signedHeader(PAYLOAD, "whsec_someone_else");
    expect(await verifyStripeSignature({ payload: PAYLOAD, header, secret: SECRET, nowSeconds: NOW })).toEqual({ ok: false, reason: "mismatch" });
  });

  it("rejects a payload changed after signing", async () => {
    const header = await signedHeader();
    const tampered = PAYLOAD.replace("cs_1", "cs_2");
    expect(await verifyStripeSignature({ payload: tampered, header, secret: SECRET, nowSeconds: NOW })).toEqual({ ok: false, reason: "mismatch" });
  });

  it("rejects a signature moved onto another timestamp", async () => {
    const header = (await signedHeader()).replace(`t=${NOW}`, `t=${NOW + 1}`);
    expect(await verifyStripeSignature({ payload: PAYLOAD, header, secret: SECRET, nowSeconds: NOW })).toEqual({ ok: false, reason: "mismatch" });
  });

  it("rejects a genuine delivery replayed 301 seconds later", async () => {
    const header = await signedHeader(PAYLOAD, SECRET, NOW - 301);
    expect(await verifyStripeSignature({ payload: PAYLOAD, header, secret: SECRET, nowSeconds: NOW })).toEqual({ ok: false, reason: "stale" });
  });

  it("rejects a delivery stamped 301 seconds in the future", async () => {
    const header = await signedHeader(PAYLOAD, SECRET, NOW + 301);
    expect(await verifyStripeSignature({ payload: PAYLOAD, header, secret: SECRET, nowSeconds: NOW })).toEqual({ ok: false, reason: "stale" });
  });

  it("honours a custom tolerance", async () => {
    const header = await signedHeader(PAYLOAD, SECRET, NOW - 60);
    expect(await verifyStripeSignature({ payload: PAYLOAD, header, secret: SECRET, nowSeconds: NOW, toleranceSeconds: 30 })).toEqual({ ok: false, reason: "stale" });
  });

  it("rejects a request without the header", async () => {
    expect(await verifyStripeSignature({ payload: PAYLOAD, header: null, secret: SECRET, nowSeconds: NOW })).toEqual({ ok: false, reason: "missing" });
    expect(await verifyStripeSignature({ payload: PAYLOAD, header: undefined, secret: SECRET, nowSeconds: NOW })).toEqual({ ok: false, reason: "missing" });
    expect(await verifyStripeSignature({ payload: PAYLOAD, header: "", secret: SECRET, nowSeconds: NOW })).toEqual({ ok: false, reason: "missing" });
  });

  it("rejects a header without a timestamp as malformed", async () => {
    const header = `v1=${v1Of(await signedHeader())}`;
    expect(await verifyStripeSignature({ payload: PAYLOAD, header, secret: SECRET, nowSeconds: NOW })).toEqual({ ok: false, reason: "malformed" });
  });

  it("rejects a header whose timestamp is not a number as malformed", async () => {
    const header = `t=soon,v1=${v1Of(await signedHeader())}`;
    expect(await verifyStripeSignature({ payload: PAYLOAD, header, secret: SECRET, nowSeconds: NOW })).toEqual({ ok: false, reason: "malformed" });
  });

  it("rejects a header with two timestamps as malformed", async () => {
    const header = `t=${NOW},t=${NOW - 1000},v1=${v1Of(await signedHeader())}`;
    expect(await verifyStripeSignature({ payload: PAYLOAD, header, secret: SECRET, nowSeconds: NOW })).toEqual({ ok: false, reason: "malformed" });
  });

  it("rejects a header with a timestamp but no signature as malformed", async () => {
    expect(await verifyStripeSignature({ payload: PAYLOAD, header: `t=${NOW}`, secret: SECRET, nowSeconds: NOW })).toEqual({ ok: false, reason: "malformed" });
  });

  it("rejects a header whose only v1 is not hex as malformed", async () => {
    expect(await verifyStripeSignature({ payload: PAYLOAD, header: `t=${NOW},v1=${"zz".repeat(32)}`, secret: SECRET, nowSeconds: NOW })).toEqual({ ok: false, reason: "malformed" });
  });

  it("rejects a header whose only v1 is a truncated signature as malformed", async () => {
    const header = `t=${NOW},v1=${v1Of(await signedHeader()).slice(0, 62)}`;
    expect(await verifyStripeSignature({ payload: PAYLOAD, header, secret: SECRET, nowSeconds: NOW })).toEqual({ ok: false, reason: "malformed" });
  });

  it("rejects a header that is not key=value pairs as malformed", async () => {
    expect(await verifyStripeSignature({ payload: PAYLOAD, header: "garbage", secret: SECRET, nowSeconds: NOW })).toEqual({ ok: false, reason: "malformed" });
  });

  it("ignores v0 signatures, so a header carrying only v0 is refused", async () => {
    const header = `t=${NOW},v0=${v1Of(await signedHeader())}`;
    expect(await verifyStripeSignature({ payload: PAYLOAD, header, secret: SECRET, nowSeconds: NOW })).toEqual({ ok: false, reason: "malformed" });
  });
});

describe("toStripeForm", () => {
  it("encodes nested objects and arrays in Stripe's bracket form and leaves out missing values", () => {
    const form = toStripeForm({ a: "1", b: { c: [{ d: 2 }, { e: true }] }, skipped: undefined, alsoSkipped: null });
    expect([...form]).toEqual([
      ["a", "1"],
      ["b[c][0][d]", "2"],
      ["b[c][1][e]", "true"],
    ]);
  });
});

interface RecordedRequest {
  url: string;
  init: RequestInit;
}

function fakeStripe(answer: () => Response | Promise<Response>): { fetchImpl: typeof fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    return answer();
  }) as typeof fetch;
  return { fetchImpl, requests };
}

const SECRET_KEY = "sk_test_51MundoTangoDoNotLeakMe";

const checkoutInput: CreateCheckoutSessionInput = {
  secretKey: SECRET_KEY,
  idempotencyKey: "order-0198c0de-1",
  successUrl: "https://mundotango.example/orders/0198c0de?paid=1",
  cancelUrl: "https://mundotango.example/events/0198beef",
  customerEmail: "dancer@example.com",
  clientReferenceId: "0198c0de",
  metadata: { orderId: "0198c0de", eventId: "0198beef" },
  lineItems: [
    { name: "Milonga entry – Früh & Spät", unitAmountMinor: 1500, currency: "EUR", quantity: 2 },
    { name: "Class pass", unitAmountMinor: 4000, currency: "eur", quantity: 1 },
  ],
  expiresAtSeconds: 1_760_003_600,
};

describe("createCheckoutSession", () => {
  it("posts the session to Stripe as bracket-encoded form data with the key, idempotency key and pinned version", async () => {
    const stripe = fakeStripe(() => Response.json({ id: "cs_test_1", url: "https://checkout.stripe.com/c/pay/cs_test_1", object: "checkout.session" }));

    const session = await createCheckoutSession(checkoutInput, stripe.fetchImpl);

    expect(session).toEqual({ id: "cs_test_1", url: "https://checkout.stripe.com/c/pay/cs_test_1" });
    expect(stripe.requests).toHaveLength(1);
    const [request] = stripe.requests;
    expect(request!.url).toBe("https://api.stripe.com/v1/checkout/sessions");
    expect(request!.init.method).toBe("POST");
    expect(request!.init.signal).toBeInstanceOf(AbortSignal);
    expect(Object.fromEntries(new Headers(request!.init.headers))).toEqual({
      authorization: `Bearer ${SECRET_KEY}`,
      "idempotency-key": "order-0198c0de-1",
      "content-type": "application/x-www-form-urlencoded",
      "stripe-version": STRIPE_API_VERSION,
    });
    expect([...new URLSearchParams(request!.init.body as string)]).toEqual([
      ["mode", "payment"],
      ["client_reference_id", "0198c0de"],
      ["success_url", "https://mundotango.example/orders/0198c0de?paid=1"],
      ["cancel_url", "https://mundotango.example/events/0198beef"],
      ["customer_email", "dancer@example.com"],
      ["expires_at", "1760003600"],
      ["metadata[orderId]", "0198c0de"],
      ["metadata[eventId]", "0198beef"],
      ["line_items[0][price_data][currency]", "eur"],
      ["line_items[0][price_data][product_data][name]", "Milonga entry – Früh & Spät"],
      ["line_items[0][price_data][unit_amount]", "1500"],
      ["line_items[0][quantity]", "2"],
      ["line_items[1][price_data][currency]", "eur"],
      ["line_items[1][price_data][product_data][name]", "Class pass"],
      ["line_items[1][price_data][unit_amount]", "4000"],
      ["line_items[1][quantity]", "1"],
    ]);
  });

  it("leaves out the optional customer email and expiry when not given", async () => {
    const stripe = fakeStripe(() => Response.json({ id: "cs_test_2", url: "https://checkout.stripe.com/c/pay/cs_test_2" }));
    await createCheckoutSession({ ...checkoutInput, customerEmail: undefined, expiresAtSeconds: undefined }, stripe.fetchImpl);
    const form = new URLSearchParams(stripe.requests[0]!.init.body as string);
    expect(form.has("customer_email")).toBe(false);
    expect(form.has("expires_at")).toBe(false);
  });

  it("refuses fractional amounts before calling Stripe", async () => {
    const stripe = fakeStripe(() => Response.json({ id: "cs", url: "https://checkout.stripe.com" }));
    const lineItems = [{ name: "Entry", unitAmountMinor: 15.5, currency: "eur", quantity: 1 }];
    await expect(createCheckoutSession({ ...checkoutInput, lineItems }, stripe.fetchImpl)).rejects.toThrow(RangeError);
    expect(stripe.requests).toHaveLength(0);
  });

  it("turns a 4xx answer into a StripeApiError carrying Stripe's message and code", async () => {
    const stripe = fakeStripe(() => Response.json({ error: { type: "invalid_request_error", code: "parameter_invalid_integer", message: "Invalid integer: abc" } }, { status: 400 }));
    const error = await createCheckoutSession(checkoutInput, stripe.fetchImpl).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StripeApiError);
    expect(error).toMatchObject({ status: 400, stripeCode: "parameter_invalid_integer" });
    expect((error as StripeApiError).message).toContain("Invalid integer: abc");
  });

  it("never repeats the secret key in an error, even when Stripe's message quotes it", async () => {
    const stripe = fakeStripe(() => Response.json({ error: { type: "invalid_request_error", message: `Invalid API Key provided: ${SECRET_KEY}` } }, { status: 401 }));
    const error = await createCheckoutSession(checkoutInput, stripe.fetchImpl).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StripeApiError);
    expect((error as StripeApiError).status).toBe(401);
    expect(String(error)).not.toContain(SECRET_KEY);
    expect((error as Error).stack ?? "").not.toContain(SECRET_KEY);
    expect(JSON.stringify(error)).not.toContain(SECRET_KEY);
  });

  it("turns a 5xx answer without a JSON body into a StripeApiError", async () => {
    const stripe = fakeStripe(() => new Response("<html>Bad gateway</html>", { status: 502 }));
    await expect(createCheckoutSession(checkoutInput, stripe.fetchImpl)).rejects.toMatchObject({ name: "StripeApiError", status: 502 });
  });

  it("turns a network failure into a StripeApiError without a status", async () => {
    const stripe = fakeStripe(() => Promise.reject(new TypeError("Network connection lost.")));
    const error = await createCheckoutSession(checkoutInput, stripe.fetchImpl).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StripeApiError);
    expect((error as StripeApiError).status).toBeUndefined();
    expect((error as StripeApiError).message).toContain("Network connection lost.");
  });

  it("turns a timeout into a StripeApiError without a status", async () => {
    const stripe = fakeStripe(() => Promise.reject(new DOMException("The operation was aborted due to timeout", "TimeoutError")));
    const error = await createCheckoutSession(checkoutInput, stripe.fetchImpl).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StripeApiError);
    expect((error as StripeApiError).status).toBeUndefined();
    expect((error as StripeApiError).message).toContain("no answer within 10 s");
  });

  it("treats a 2xx answer without a session url as a StripeApiError", async () => {
    const stripe = fakeStripe(() => Response.json({ id: "cs_test_3" }));
    await expect(createCheckoutSession(checkoutInput, stripe.fetchImpl)).rejects.toBeInstanceOf(StripeApiError);
  });
});

function completedEvent(object: Record<string, unknown>): string {
  return JSON.stringify({ id: "evt_2", object: "event", type: "checkout.session.completed", created: NOW, data: { object } });
}

const paidSession = {
  id: "cs_test_1",
  object: "checkout.session",
  payment_status: "paid",
  client_reference_id: "0198c0de",
  metadata: { orderId: "0198c0de" },
  amount_total: 7000,
  currency: "eur",
  customer_details: { email: "dancer@example.com" },
};

describe("parseStripeEvent and readCheckoutSession", () => {
  it("reads the checkout session of a completed checkout", () => {
    const event = parseStripeEvent(completedEvent(paidSession));
    expect(event).toMatchObject({ id: "evt_2", type: "checkout.session.completed" });
    expect(readCheckoutSession(event!)).toEqual({
      id: "cs_test_1",
      payment_status: "paid",
      client_reference_id: "0198c0de",
      metadata: { orderId: "0198c0de" },
      amount_total: 7000,
      currency: "eur",
    });
  });

  it("reads the checkout session of an expired checkout", () => {
    const payload = JSON.stringify({ id: "evt_3", type: "checkout.session.expired", data: { object: { ...paidSession, payment_status: "unpaid", metadata: {} } } });
    expect(readCheckoutSession(parseStripeEvent(payload)!)).toMatchObject({ id: "cs_test_1", payment_status: "unpaid", metadata: {} });
  });

  it("returns other event types untouched, with no checkout session to read", () => {
    const event = parseStripeEvent(JSON.stringify({ id: "evt_4", type: "charge.refunded", data: { object: { id: "ch_1" } } }));
    expect(event).toEqual({ id: "evt_4", type: "charge.refunded", data: { object: { id: "ch_1" } } });
    expect(readCheckoutSession(event!)).toBeUndefined();
  });

  it("refuses a payload that is not JSON", () => {
    expect(parseStripeEvent("{not json")).toBeUndefined();
  });

  it("refuses JSON that is not a Stripe event", () => {
    expect(parseStripeEvent(JSON.stringify({ hello: "world" }))).toBeUndefined();
    expect(parseStripeEvent("null")).toBeUndefined();
    expect(parseStripeEvent("[]")).toBeUndefined();
  });

  it("finds no checkout session in a checkout event whose session is misshapen", () => {
    const event = parseStripeEvent(completedEvent({ ...paidSession, amount_total: "7000" }));
    expect(event).toBeDefined();
    expect(readCheckoutSession(event!)).toBeUndefined();
  });
});
