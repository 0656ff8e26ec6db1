import { createMessageBatch, env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createDb } from "../db/client";
import { cities, eventOccurrences, eventOrganizers, events, orders, rsvps, tickets, ticketTypes, users, venues } from "../db/schema";
import type { RsvpStatus } from "../db/schema/event-types";
import type { MailLanguage } from "../db/schema/users";
import { consumeJobs } from "../queues/consumer";
import type { Job } from "../queues/jobs";
import type { Ctx } from "../worker/env";
import { uuidv7 } from "../worker/lib/ids";
import { messageAttendees, notifyEventCancelled, notifyTicketsIssued, notifyWaitlistPromoted, remindStaleSeries } from "../worker/services/event-notifications";

const db = createDb(env.DB);
const TIME_ZONE = "America/Argentina/Buenos_Aires";
/** 21:00 on Friday 15 March 2030 in Buenos Aires, and the Friday after. */
const FIRST = { key: "20300316T000000Z", startsAt: "2030-03-16T00:00:00.000Z", endsAt: "2030-03-16T04:00:00.000Z" };
const SECOND = { key: "20300323T000000Z", startsAt: "2030-03-23T00:00:00.000Z", endsAt: "2030-03-23T04:00:00.000Z" };
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

let cityId: string;
let venueId: string;
let counter = 0;

beforeAll(async () => {
  cityId = uuidv7();
  venueId = uuidv7();
  await db.insert(cities).values({ id: cityId, slug: `notify-${cityId}`, name: "Buenos Aires", country: "Argentina", countryCode: "AR", continent: "South America", timeZone: TIME_ZONE, latitude: -34.6, longitude: -58.4 });
  await db.insert(venues).values({ id: venueId, cityId, name: "Salón Canning", address: "Scalabrini Ortiz 1331" });
});

async function dancer(overrides: { displayName?: string; language?: MailLanguage } = {}): Promise<{ id: string; email: string }> {
  counter += 1;
  const id = uuidv7();
  const email = `notify.${Date.now().toString(36)}.${counter}@example.test`;
  await db.insert(users).values({ id, email, handle: `notify_${counter}_${id.slice(-8)}`, displayName: overrides.displayName ?? `Dancer ${counter}`, language: overrides.language ?? "en", createdAt: new Date().toISOString() });
  return { id, email };
}

/** A two-date event (or series) in Buenos Aires, organized by `organizers`. */
async function event(options: { title?: string; organizers?: string[]; recurrenceRule?: string; confirmedAt?: string; status?: "scheduled" | "cancelled" } = {}): Promise<string> {
  const id = crypto.randomUUID();
  const createdAt = new Date().toISOString();
  await db.insert(events).values({
    id,
    title: options.title ?? "Milonga de los viernes",
    type: "milonga",
    cityId,
    venueId,
    organizerId: options.organizers?.[0] ?? null,
    startsAt: FIRST.startsAt,
    endsAt: FIRST.endsAt,
    timeZone: TIME_ZONE,
    recurrenceRule: options.recurrenceRule ?? null,
    status: options.status ?? "scheduled",
    createdAt,
    confirmedAt: options.confirmedAt ?? createdAt,
  });
  await db.insert(eventOccurrences).values([FIRST, SECOND].map((o) => ({ eventId: id, occurrenceKey: o.key, cityId, type: "milonga", startsAt: o.startsAt, endsAt: o.endsAt })));
  for (const [i, userId] of (options.organizers ?? []).entries()) {
    await db.insert(eventOrganizers).values({ eventId: id, userId, role: i === 0 ? "owner" : "co-organizer", addedAt: createdAt });
  }
  return id;
}

async function rsvp(eventId: string, userId: string, status: RsvpStatus, occurrenceKey = FIRST.key): Promise<void> {
  const now = new Date().toISOString();
  await db.insert(rsvps).values({ eventId, occurrenceKey, userId, status, registeredBy: userId, registeredAt: now, updatedAt: now });
}

/** A paid order of `quantity` tickets held by the buyer; returns the order id. */
async function buyTickets(eventId: string, userId: string, quantity = 1): Promise<string> {
  const now = new Date().toISOString();
  const ticketTypeId = uuidv7();
  const orderId = uuidv7();
  await db.insert(ticketTypes).values({ id: ticketTypeId, eventId, name: "General", priceMinor: 1500, currency: "ARS", quantity: 100, reserved: quantity, createdAt: now });
  await db.insert(orders).values({ id: orderId, eventId, ticketTypeId, userId, quantity, amountMinor: 1500 * quantity, currency: "ARS", status: "paid", createdAt: now, paidAt: now });
  for (let i = 0; i < quantity; i++) await db.insert(tickets).values({ id: uuidv7(), orderId, eventId, ticketTypeId, holderId: userId, issuedAt: now });
  return orderId;
}

function ctxAs(user: { id: string } | null, bindings: Cloudflare.Env = env): Ctx {
  return {
    db,
    env: bindings,
    requestId: "test",
    user: user && { id: user.id, handle: "someone", displayName: "Someone", roles: ["member"], emailVerified: true, sessionId: "s" },
  };
}

/** The real bindings, but every job put on JOBS is also written down. */
function recordingEnv(): { bindings: Cloudflare.Env; jobs: Job[] } {
  const jobs: Job[] = [];
  const JOBS = {
    send: (body: Job, options?: QueueSendOptions) => (jobs.push(body), env.JOBS.send(body, options)),
    sendBatch: (messages: Iterable<MessageSendRequest<Job>>, options?: QueueSendBatchOptions) => {
      const list = [...messages];
      jobs.push(...list.map((m) => m.body));
      return env.JOBS.sendBatch(list, options);
    },
  } as unknown as Queue;
  return { bindings: { ...env, JOBS }, jobs };
}

interface StoredMail {
  subject: string;
  text: string;
  html: string;
}

async function mailsTo(email: string): Promise<StoredMail[]> {
  const { results } = await env.DB.prepare("SELECT subject, text, html FROM dev_mail WHERE to_address = ? ORDER BY sent_at").bind(email).all<StoredMail>();
  return results;
}

/** The queue consumer runs on its own schedule: wait for the mail to land in the dev mailbox. */
async function mailTo(email: string, subject: RegExp): Promise<StoredMail> {
  return vi.waitFor(
    async () => {
      const match = (await mailsTo(email)).find((m) => subject.test(m.subject));
      if (!match) throw new Error(`no mail to ${email} matching ${subject} yet`);
      return match;
    },
    { timeout: 25_000, interval: 100 },
  );
}

const emailJobs = (jobs: Job[]) => jobs.filter((j): j is Extract<Job, { type: "email.send" }> => j.type === "email.send");

describe("event cancelled", () => {
  it("mails every registered member once — going, waitlisted, interested, ticket holders — and nobody else, even when the job is delivered twice", async () => {
    const [going, waitlisted, interested, holder, goingWithTicket, notGoing, unrelated] = await Promise.all(Array.from({ length: 7 }, () => dancer()));
    const id = await event({ title: "Milonga que se cancela" });
    await rsvp(id, going!.id, "going");
    await rsvp(id, going!.id, "going", SECOND.key);
    await rsvp(id, waitlisted!.id, "waitlisted", SECOND.key);
    await rsvp(id, interested!.id, "interested");
    await buyTickets(id, holder!.id);
    await rsvp(id, goingWithTicket!.id, "going");
    await buyTickets(id, goingWithTicket!.id, 2);
    await rsvp(id, notGoing!.id, "not_going");
    void unrelated;

    const { bindings, jobs } = recordingEnv();
    const fanOut = { type: "event.cancelled", idempotencyKey: `event.cancelled:${id}`, eventId: id };
    for (const attempt of [1, 2]) {
      await consumeJobs(createMessageBatch("mundo-tango-jobs", [{ id: `fan-out-${attempt}`, timestamp: new Date(), attempts: attempt, body: fanOut }]), bindings);
    }

    const registered = [going!, waitlisted!, interested!, holder!, goingWithTicket!];
    expect(emailJobs(jobs).map((j) => j.to).sort()).toEqual(registered.map((m) => m.email).sort());
    for (const member of registered) await mailTo(member.email, /^Cancelled: Milonga que se cancela$/);
    for (const member of registered) expect(await mailsTo(member.email)).toHaveLength(1);
    expect(await mailsTo(notGoing!.email)).toEqual([]);
    expect(await mailsTo(unrelated!.email)).toEqual([]);
  });

  it("reaches members through the queue in their own language, with the date at the venue and a link to the event", async () => {
    const lucia = await dancer({ displayName: "Lucía", language: "es" });
    const ann = await dancer({ displayName: "Ann" });
    const id = await event({ title: "Milonga del Sur" });
    await rsvp(id, lucia.id, "going");
    await rsvp(id, ann.id, "interested");

    await notifyEventCancelled(ctxAs(null), id);

    const es = await mailTo(lucia.email, /^Cancelado: Milonga del Sur$/);
    expect(es.text).toContain("Hola Lucía:");
    expect(es.text).toContain("viernes, 15 de marzo de 2030, 21:00");
    expect(es.text).toContain(`${env.APP_ORIGIN}/events/${id}`);
    expect(es.html).toContain('lang="es"');
    const en = await mailTo(ann.email, /^Cancelled: Milonga del Sur$/);
    expect(en.text).toContain("Friday, March 15, 2030 at 9:00 PM");
  });

  it("escapes a <script> in the event title in the HTML part", async () => {
    const member = await dancer();
    const id = await event({ title: "<script>alert(1)</script> Milonga" });
    await rsvp(id, member.id, "going");

    await notifyEventCancelled(ctxAs(null), id);

    const mail = await mailTo(member.email, /^Cancelled: /);
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Milonga");
    expect(mail.subject).toBe("Cancelled: <script>alert(1)</script> Milonga");
  });
});

describe("waitlist promotion", () => {
  it("tells a promoted dancer a place opened up for that date", async () => {
    const promoted = await dancer({ displayName: "Marta" });
    const id = await event({ title: "Práctica con lista de espera" });
    await rsvp(id, promoted.id, "going", SECOND.key);

    await notifyWaitlistPromoted(ctxAs(null), id, SECOND.key, [promoted.id]);

    const mail = await mailTo(promoted.email, /^A place opened up/);
    expect(mail.subject).toBe("A place opened up: you're going to Práctica con lista de espera on Friday, March 22, 2030 at 9:00 PM");
    expect(mail.text).toContain(`${env.APP_ORIGIN}/events/${id}`);
  });
});

describe("organizer messages", () => {
  it("reach the dancers going, escaped in HTML and plain in text, with the event title in the subject", async () => {
    const organizer = await dancer();
    const [going, holder, waitlisted] = await Promise.all([dancer(), dancer(), dancer()]);
    const id = await event({ title: "<script>x</script> Milonga", organizers: [organizer.id] });
    await rsvp(id, going.id, "going");
    await buyTickets(id, holder.id);
    await rsvp(id, waitlisted.id, "waitlisted");
    const body = "Bring your shoes!\n<img src=x onerror=alert(1)>";

    const { bindings, jobs } = recordingEnv();
    expect(await messageAttendees(ctxAs(organizer, bindings), id, { subject: "New  <b>time</b>\r\nBcc: x@evil.test", body, audience: "going" })).toEqual({ queued: true });

    for (const member of [going, holder]) {
      const mail = await mailTo(member.email, /New <b>time<\/b>/);
      expect(mail.subject).toBe("<script>x</script> Milonga: New <b>time</b> Bcc: x@evil.test");
      expect(mail.text).toContain(body);
      expect(mail.html).not.toContain("<img src=x");
      expect(mail.html).not.toContain("<script>");
      expect(mail.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    }
    expect(jobs).toEqual([expect.objectContaining({ type: "event.message", eventId: id, audience: "going" })]);
    expect(await mailsTo(waitlisted.email)).toEqual([]);
  });

  it("are refused to a member who does not organize the event", async () => {
    const organizer = await dancer();
    const stranger = await dancer();
    const id = await event({ organizers: [organizer.id] });
    await expect(messageAttendees(ctxAs(stranger), id, { subject: "Hi", body: "Hello", audience: "all" })).rejects.toMatchObject({ status: 403 });
    await expect(messageAttendees(ctxAs(null), id, { subject: "Hi", body: "Hello", audience: "all" })).rejects.toMatchObject({ status: 401 });
  });

  it("are limited to five per event a day: the sixth is a 429", async () => {
    const organizer = await dancer();
    const id = await event({ organizers: [organizer.id] });
    for (let i = 1; i <= 5; i++) await messageAttendees(ctxAs(organizer), id, { subject: `News ${i}`, body: "Hello", audience: "all" });
    await expect(messageAttendees(ctxAs(organizer), id, { subject: "News 6", body: "Hello", audience: "all" })).rejects.toMatchObject({ status: 429 });
  });
});

describe("stale series", () => {
  it("reminds every organizer of a series nobody reconfirmed, once, and marks it", async () => {
    const now = new Date();
    const weeksAgo = (n: number) => new Date(now.getTime() - n * WEEK_MS).toISOString();
    const [owner, coOrganizer, other] = await Promise.all([dancer({ language: "es" }), dancer(), dancer()]);
    const stale = await event({ title: "Práctica de los martes", organizers: [owner.id, coOrganizer.id], recurrenceRule: "FREQ=WEEKLY;BYDAY=TU", confirmedAt: weeksAgo(7.5) });
    const fresh = await event({ title: "Fresh series", organizers: [other.id], recurrenceRule: "FREQ=WEEKLY;BYDAY=WE", confirmedAt: weeksAgo(2) });
    const single = await event({ title: "Old single milonga", organizers: [other.id], confirmedAt: weeksAgo(20) });
    const cancelled = await event({ title: "Cancelled series", organizers: [other.id], recurrenceRule: "FREQ=WEEKLY;BYDAY=TH", confirmedAt: weeksAgo(20), status: "cancelled" });

    expect(await remindStaleSeries(ctxAs(null), now, 8)).toBe(1);
    expect(await remindStaleSeries(ctxAs(null), now, 8)).toBe(0);

    const es = await mailTo(owner.email, /^¿Práctica de los martes sigue en pie\?$/);
    expect(es.text).toContain(`${env.APP_ORIGIN}/events/${stale}`);
    const en = await mailTo(coOrganizer.email, /^Is Práctica de los martes still running\?$/);
    expect(en.text).toContain(`${env.APP_ORIGIN}/events/${stale}`);
    const marked = await db.select({ id: events.id, remindedAt: events.reconfirmRemindedAt }).from(events);
    const remindedAt = new Map(marked.map((e) => [e.id, e.remindedAt]));
    expect(remindedAt.get(stale)).toBe(now.toISOString());
    for (const id of [fresh, single, cancelled]) expect(remindedAt.get(id)).toBeNull();
    expect(await mailsTo(other.email)).toEqual([]);
  });
});

describe("tickets issued", () => {
  it("mails the buyer their tickets with a link to the event, under one key per order", async () => {
    const buyer = await dancer({ displayName: "Pablo", language: "es" });
    const id = await event({ title: "Festival de otoño" });
    const orderId = await buyTickets(id, buyer.id, 2);

    const { bindings, jobs } = recordingEnv();
    await notifyTicketsIssued(ctxAs(null, bindings), orderId);
    await notifyTicketsIssued(ctxAs(null, bindings), orderId);

    const mail = await mailTo(buyer.email, /^Tus entradas para Festival de otoño$/);
    expect(mail.text).toContain("Tus 2 entradas para Festival de otoño del viernes, 15 de marzo de 2030, 21:00");
    expect(mail.text).toContain(`${env.APP_ORIGIN}/events/${id}`);
    const keys = emailJobs(jobs).map((j) => j.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(1);
  });
});
