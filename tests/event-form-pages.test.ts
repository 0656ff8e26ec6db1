import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { EventDetail } from "../worker/schemas/events";
import { api, member } from "./accounts";
import { createEvent, localDaysFromNow, verifiedMember, type Member } from "./event-factory";
import { contains, jpeg, png, text } from "./images";
import { page, signIn } from "./pages";
import { seedWorld } from "./world";

beforeAll(seedWorld);

const ORIGIN = () => env.APP_ORIGIN;

/** A browser form post from our own pages: multipart like the event form, Origin as browsers send it. */
function post(path: string, fields: Record<string, string | File>, { cookie, origin = ORIGIN() }: { cookie?: string; origin?: string } = {}) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) body.append(name, value);
  const headers: Record<string, string> = { Origin: origin };
  if (cookie) headers.Cookie = cookie;
  return SELF.fetch(`${ORIGIN()}${path}`, { method: "POST", headers, body, redirect: "manual" });
}

async function organizer() {
  const account = await verifiedMember();
  return { account, cookie: await signIn(account) };
}

/** What the form sends for a plain single milonga in Buenos Aires; override any field. */
function eventForm(overrides: Record<string, string | File> = {}): Record<string, string | File> {
  return {
    title: "Milonga del Formulario",
    type: "milonga",
    description: "Tandas de **D'Arienzo**.",
    "venue.id": "",
    "venue.name": "Club Sunderland",
    "venue.address": "Lugones 3161",
    "venue.city": "buenos-aires",
    "venue.lat": "",
    "venue.lng": "",
    start: localDaysFromNow(12, "21:00"),
    end: localDaysFromNow(13, "02:00"),
    timeZone: "",
    repeat: "none",
    "recurrence.rrule": "",
    repeatUntil: "",
    repeatCount: "",
    capacity: "",
    "roleBalance.tolerance": "2",
    "price.amount": "",
    "price.currency": "EUR",
    priceNote: "",
    "lineup.0.role": "dj",
    "lineup.0.name": "",
    "lineup.0.handle": "",
    "lineup.1.role": "dj",
    "lineup.1.name": "",
    "lineup.1.handle": "",
    "lineup.2.role": "dj",
    "lineup.2.name": "",
    "lineup.2.handle": "",
    coOrganizers: "",
    ...overrides,
  };
}

/** Creates an event through the form and returns it as the API shows it. */
async function createThroughForm(cookie: string, overrides: Record<string, string | File> = {}): Promise<EventDetail> {
  const res = await post("/events/new", eventForm(overrides), { cookie });
  if (res.status !== 302) throw new Error(`create form answered ${res.status}: ${(await res.text()).slice(0, 3000)}`);
  const id = /^\/events\/([0-9a-f-]+)$/.exec(res.headers.get("location") ?? "")?.[1];
  expect(id).toBeDefined();
  return (await api(`/events/${id}`)).json<EventDetail>();
}

async function organizedBy(account: Member) {
  return (await api("/me/events?limit=100", { token: account.accessToken })).json<{ data: { id: string; title: string }[]; nextCursor: string | null }>();
}

const jpegFile = (bytes: Uint8Array, name = "cover.jpg", type = "image/jpeg") => new File([new Uint8Array(bytes)], name, { type });

describe("the new event page", () => {
  it("sends visitors to sign in first and back here afterwards", async () => {
    const res = await page("/events/new");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=/events/new");
  });

  it("creates a weekly, role-balanced series priced in euros from a plain form post", async () => {
    const { account, cookie } = await organizer();
    const start = localDaysFromNow(9, "20:30");
    const event = await createThroughForm(cookie, {
      title: "Práctica de los Jueves",
      type: "practica",
      start,
      end: `${start.slice(0, 10)}T23:30`,
      repeat: "weekly",
      repeatCount: "6",
      capacity: "40",
      roleBalance: "on",
      "roleBalance.tolerance": "3",
      "price.amount": "12.50",
      "price.currency": "EUR",
      priceNote: "students 8",
      "lineup.0.role": "dj",
      "lineup.0.name": "DJ Mariana",
      "lineup.2.role": "teacher",
      "lineup.2.name": "Javier & Carla",
    });
    const weekday = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"][new Date(`${start.slice(0, 10)}T12:00:00Z`).getUTCDay()];
    expect(event).toMatchObject({
      title: "Práctica de los Jueves",
      type: "practica",
      startLocal: start,
      timeZone: "America/Argentina/Buenos_Aires",
      capacity: 40,
      roleBalance: { tolerance: 3 },
      price: { amountMinor: 1250, currency: "EUR" },
      priceNote: "students 8",
      lineup: [
        { role: "dj", name: "DJ Mariana" },
        { role: "teacher", name: "Javier & Carla" },
      ],
      venue: { name: "Club Sunderland" },
    });
    expect(event.recurrence?.rrule).toBe(`FREQ=WEEKLY;BYDAY=${weekday};COUNT=6`);
    expect((await organizedBy(account)).data.map((e) => e.id)).toContain(event.id);
  });

  it("stores yen as whole yen: JPY has no minor units", async () => {
    const { cookie } = await organizer();
    const event = await createThroughForm(cookie, {
      "venue.name": "Tango Cafe Tokyo",
      "venue.address": "Shibuya 1-2-3",
      "venue.city": "tokyo",
      "price.amount": "2500",
      "price.currency": "JPY",
    });
    expect(event.price).toEqual({ amountMinor: 2500, currency: "JPY" });
    expect(event.timeZone).toBe("Asia/Tokyo");
  });

  it("reuses an existing venue chosen from the city's list", async () => {
    const { cookie } = await organizer();
    const first = await createThroughForm(cookie, { "venue.name": "La Viruta", "venue.address": "Armenia 1366" });
    const html = await (await page("/events/new?city=buenos-aires", cookie)).text();
    expect(html).toContain(`<option value="${first.venue.id}">La Viruta — Armenia 1366</option>`);
    const second = await createThroughForm(cookie, { "venue.id": first.venue.id, "venue.name": "", "venue.address": "" });
    expect(second.venue.id).toBe(first.venue.id);
  });

  it("builds a monthly rule on the nth weekday of the start", async () => {
    const { cookie } = await organizer();
    const event = await createThroughForm(cookie, { start: "2031-03-08T21:00", end: "2031-03-09T02:00", repeat: "monthly", repeatUntil: "2031-12-31" });
    // 8 March 2031 is the second Saturday of the month.
    // Through the end of 31 December in Buenos Aires: 02:59:59 UTC the next day.
    expect(event.recurrence?.rrule).toBe("FREQ=MONTHLY;BYDAY=2SA;UNTIL=20320101T025959Z");
  });

  it("explains an end before the start next to the field and keeps what was typed", async () => {
    const { account, cookie } = await organizer();
    const res = await post("/events/new", eventForm({ title: "Milonga Que Vuelve", start: "2031-05-10T21:00", end: "2031-05-10T20:00", priceNote: "bring shoes" }), { cookie });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("end must be later than start");
    expect(html).toContain('value="Milonga Que Vuelve"');
    expect(html).toContain('value="bring shoes"');
    expect(html).toContain('value="2031-05-10T20:00"');
    expect(html).toContain('value="Club Sunderland"');
    expect((await organizedBy(account)).data).toEqual([]);
  });

  it("explains a time zone that does not exist", async () => {
    const { cookie } = await organizer();
    const res = await post("/events/new", eventForm({ timeZone: "Mars/Olympus_Mons" }), { cookie });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("is not an IANA time zone");
    expect(html).toContain('value="Mars/Olympus_Mons"');
  });

  it("explains a capacity of 0", async () => {
    const { cookie } = await organizer();
    const res = await post("/events/new", eventForm({ capacity: "0", title: "Cero Lugares" }), { cookie });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("capacity must be at least 1");
    expect(html).toContain('value="Cero Lugares"');
    expect(html).toMatch(/name="capacity"[^>]*value="0"|value="0"[^>]*name="capacity"/);
  });

  it("explains a yen price with cents and an unknown venue city on their own fields", async () => {
    const { cookie } = await organizer();
    const res = await post("/events/new", eventForm({ "price.amount": "1500.5", "price.currency": "JPY" }), { cookie });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("JPY has no cents");
    const city = await post("/events/new", eventForm({ "venue.city": "atlantis" }), { cookie });
    expect(city.status).toBe(400);
    expect(await city.text()).toContain("There is no city with the slug");
  });

  it("tells a member whose email is not confirmed how to confirm it, and creates nothing", async () => {
    const account = await member();
    const cookie = await signIn(account);
    const html = await (await page("/events/new", cookie)).text();
    expect(html).toContain("Confirm your email first");
    expect(html).toContain("Send the confirmation link again");
    const res = await post("/events/new", eventForm(), { cookie });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Confirm your email first");
    expect((await organizedBy(account)).data).toEqual([]);

    const resend = await post("/events/new", { intent: "resend-verification" }, { cookie });
    expect(resend.status).toBe(200);
    expect(await resend.text()).toContain("A new link is on its way");
  });

  it("refuses a form posted from another site", async () => {
    const { account, cookie } = await organizer();
    const res = await post("/events/new", eventForm(), { cookie, origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect((await organizedBy(account)).data).toEqual([]);
  });
});

describe("cover pictures", () => {
  it("stores a JPEG cover without its location data and serves it with a long cache", async () => {
    const { cookie } = await organizer();
    const event = await createThroughForm(cookie, { cover: jpegFile(jpeg) });
    expect(event.coverUrl).toMatch(new RegExp(`^/events/${event.id}/cover\\?v=\\d+$`));
    const res = await page(event.coverUrl!);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("cache-control")).toContain("max-age=31536000");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(contains(bytes, "GPSLatitude")).toBe(false);
    expect(contains(bytes, "Ana's house")).toBe(false);
  });

  it("goes by content, not name: a PNG called .jpg is stored as a PNG", async () => {
    const { cookie } = await organizer();
    const event = await createThroughForm(cookie, { cover: jpegFile(png, "holiday.jpg") });
    const res = await page(event.coverUrl!);
    expect(res.headers.get("content-type")).toBe("image/png");
  });

  it("refuses a text file called .jpg with a message next to the field, creating nothing", async () => {
    const { account, cookie } = await organizer();
    const res = await post("/events/new", eventForm({ title: "Con Tapa Falsa", cover: jpegFile(text("just words, no picture"), "cover.jpg") }), { cookie });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("cover must be a JPEG, PNG or WebP picture");
    expect(html).toContain('value="Con Tapa Falsa"');
    expect((await organizedBy(account)).data).toEqual([]);
  });

  it("refuses a 6 MB picture", async () => {
    const { account, cookie } = await organizer();
    const big = new Uint8Array(6 * 1024 * 1024);
    big.set(jpeg.subarray(0, 3));
    const res = await post("/events/new", eventForm({ cover: jpegFile(big) }), { cookie });
    expect(res.status).toBe(413);
    expect((await organizedBy(account)).data).toEqual([]);
  });

  it("replaces the cover from the edit page, and answers 404 for an event without one", async () => {
    const { cookie } = await organizer();
    const event = await createThroughForm(cookie);
    expect(event.coverUrl).toBeNull();
    expect((await page(`/events/${event.id}/cover`)).status).toBe(404);
    const edit = await (await page(`/events/${event.id}/edit`, cookie)).text();
    const res = await post(`/events/${event.id}/edit`, { ...formFromEditPage(edit), cover: jpegFile(png, "new.png", "image/png") }, { cookie });
    expect(res.status).toBe(302);
    const after = await (await api(`/events/${event.id}`)).json<EventDetail>();
    expect(after.coverUrl).not.toBeNull();
    expect((await page(after.coverUrl!)).headers.get("content-type")).toBe("image/png");
  });
});

/** The values an edit page pre-fills (inputs, selected options, textareas), as a browser would submit them. */
function formFromEditPage(html: string): Record<string, string> {
  const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const form = html.slice(html.search(/enctype="multipart\/form-data"/i));
  const fields: Record<string, string> = {};
  for (const [, tag] of form.matchAll(/<input([^>]*)>/g)) {
    const name = /name="([^"]+)"/.exec(tag!)?.[1];
    if (!name || /type="(file|submit)"/.test(tag!)) continue;
    if (/type="checkbox"/.test(tag!)) {
      if (/checked=""/.test(tag!)) fields[name] = "on";
      continue;
    }
    fields[name] = decode(/value="([^"]*)"/.exec(tag!)?.[1] ?? "");
  }
  for (const [, name, body] of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) fields[name!] = decode(body!);
  for (const [, name, options] of form.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const selected = /<option[^>]*value="([^"]*)"[^>]*selected=""/.exec(options!) ?? /<option[^>]*value="([^"]*)"/.exec(options!);
    fields[name!] = decode(selected?.[1] ?? "");
  }
  return fields;
}

describe("the edit page", () => {
  it("lets an organizer change an event; the form comes pre-filled", async () => {
    const { cookie } = await organizer();
    const event = await createThroughForm(cookie, { repeat: "weekly", "price.amount": "10", "price.currency": "EUR", "lineup.0.name": "DJ Uno" });
    const html = await (await page(`/events/${event.id}/edit`, cookie)).text();
    const fields = formFromEditPage(html);
    expect(fields).toMatchObject({ title: "Milonga del Formulario", repeat: "weekly", "price.amount": "10.00", "lineup.0.name": "DJ Uno", "venue.id": event.venue.id });
    const res = await post(`/events/${event.id}/edit`, { ...fields, title: "Milonga Renombrada" }, { cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/events/${event.id}`);
    const after = await (await api(`/events/${event.id}`)).json<EventDetail>();
    expect(after).toMatchObject({ title: "Milonga Renombrada", price: { amountMinor: 1000, currency: "EUR" }, lineup: [{ role: "dj", name: "DJ Uno" }] });
    expect(after.recurrence?.rrule).toBe(event.recurrence?.rrule);
  });

  it("saves other changes to an event already under way without calling its start a mistake", async () => {
    const { cookie } = await organizer();
    const event = await createThroughForm(cookie, { start: localDaysFromNow(3, "20:00"), end: localDaysFromNow(3, "23:00") });
    const started = new Date(Date.now() - 3_600_000).toISOString();
    await env.DB.prepare("UPDATE events SET starts_at = ?, ends_at = ? WHERE id = ?").bind(started, new Date(Date.now() + 3_600_000).toISOString(), event.id).run();
    const fields = formFromEditPage(await (await page(`/events/${event.id}/edit`, cookie)).text());
    const res = await post(`/events/${event.id}/edit`, { ...fields, priceNote: "door closes at 23:00" }, { cookie });
    expect(res.status).toBe(302);
    const after = await (await api(`/events/${event.id}`)).json<EventDetail>();
    expect(after).toMatchObject({ priceNote: "door closes at 23:00", startsAt: started });
  });

  it("shows anyone else a 403 page and refuses their posts", async () => {
    const { cookie } = await organizer();
    const event = await createThroughForm(cookie);
    const stranger = await signIn(await verifiedMember());
    const view = await page(`/events/${event.id}/edit`, stranger);
    expect(view.status).toBe(403);
    expect(await view.text()).toContain("Only organizers can edit this event");
    const res = await post(`/events/${event.id}/edit`, eventForm({ title: "Hijacked" }), { cookie: stranger });
    expect(res.status).toBe(403);
    expect((await (await api(`/events/${event.id}`)).json<EventDetail>()).title).toBe("Milonga del Formulario");
    expect((await page(`/events/${event.id}/edit`)).headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(`/events/${event.id}/edit`)}`);
  });

  it("cancels an event after a confirmation step", async () => {
    const { cookie } = await organizer();
    const event = await createThroughForm(cookie);
    const edit = await (await page(`/events/${event.id}/edit`, cookie)).text();
    expect(edit).toContain(`href="/events/${event.id}/edit?cancel=confirm#cancel-heading"`);
    expect(edit).not.toContain("Yes, cancel the event");
    const confirm = await (await page(`/events/${event.id}/edit?cancel=confirm`, cookie)).text();
    expect(confirm).toContain("Yes, cancel the event");
    const res = await post(`/events/${event.id}/edit`, { intent: "cancel" }, { cookie });
    expect(res.status).toBe(302);
    expect((await (await api(`/events/${event.id}`)).json<EventDetail>()).status).toBe("cancelled");
    expect(await (await page(`/events/${event.id}/edit`, cookie)).text()).toContain("This event was cancelled");
  });
});

describe("member text on the organizer pages", () => {
  const XSS = "<script>alert(1)</script>";

  it("is escaped everywhere it is shown", async () => {
    const { account, cookie } = await organizer();
    const fields = {
      title: `Milonga ${XSS}`,
      description: `Hola ${XSS}`,
      "venue.name": `Salon ${XSS}`,
      "venue.address": `Calle ${XSS}`,
      priceNote: `Nota ${XSS}`,
      "lineup.0.name": `DJ ${XSS}`,
    };
    const event = await createThroughForm(cookie, fields);
    const dancer = await member({ displayName: `Dancer ${XSS}` });
    await api(`/events/${event.id}/rsvp`, { method: "POST", token: dancer.accessToken, json: { status: "going" } });

    const pages = [
      await (await page(`/events/${event.id}/edit`, cookie)).text(),
      await (await page("/my/events", cookie)).text(),
      await (await page(`/events/${event.id}/attendees`, cookie)).text(),
      await (await post("/events/new", eventForm({ ...fields, capacity: "0" }), { cookie })).text(),
      await (await page("/my/events", await signIn(dancer))).text(),
    ];
    for (const html of pages) {
      expect(html).not.toContain(XSS);
      expect(html).toContain("&lt;script&gt;");
    }
    expect((await organizedBy(account)).data).toHaveLength(1);
  });
});

describe("my events", () => {
  it("lists the events I organize and the dates I RSVP'd to, with my place in line", async () => {
    const { account, cookie } = await organizer();
    const empty = await (await page("/my/events", cookie)).text();
    expect(empty).toContain("You do not organize any events yet");
    expect(empty).toContain("Nothing planned yet");

    const mine = await createThroughForm(cookie, { title: "Mi Milonga Propia" });
    const { event: full } = await createEvent({ title: "Milonga Llena", capacity: 1 });
    const first = await member();
    await api(`/events/${full.id}/rsvp`, { method: "POST", token: first.accessToken, json: { status: "going" } });
    const rsvp = await api(`/events/${full.id}/rsvp`, { method: "POST", token: account.accessToken, json: { status: "going" } });
    expect((await rsvp.json<{ status: string }>()).status).toBe("waitlisted");

    const html = await (await page("/my/events", cookie)).text();
    expect(html).toContain("Mi Milonga Propia");
    expect(html).toContain(`href="/events/${mine.id}/edit"`);
    expect(html).toContain(`href="/events/${mine.id}/attendees"`);
    expect(html).toContain(`href="/events/${mine.id}/check-in"`);
    expect(html).toContain("Milonga Llena");
    expect(html).toContain("Waitlisted — number 1 in line");

    const rsvps = await (await api("/me/rsvps", { token: account.accessToken })).json<{ data: { eventId: string; status: string; waitlistPosition: number | null }[] }>();
    expect(rsvps.data).toEqual([expect.objectContaining({ eventId: full.id, status: "waitlisted", waitlistPosition: 1 })]);
  });

  it("pages GET /api/v1/me/events: upcoming first, soonest first, without repeats", async () => {
    const owner = await verifiedMember();
    const created = [];
    for (const days of [30, 10, 20]) created.push((await createEvent({ start: localDaysFromNow(days, "21:00"), end: localDaysFromNow(days, "23:00") }, owner)).event);
    const first = await (await api("/me/events?limit=2", { token: owner.accessToken })).json<{ data: { id: string }[]; nextCursor: string | null }>();
    expect(first.data.map((e) => e.id)).toEqual([created[1]!.id, created[2]!.id]);
    expect(first.nextCursor).not.toBeNull();
    const second = await (await api(`/me/events?limit=2&cursor=${first.nextCursor}`, { token: owner.accessToken })).json<{ data: { id: string }[]; nextCursor: string | null }>();
    expect(second.data.map((e) => e.id)).toEqual([created[0]!.id]);
    expect(second.nextCursor).toBeNull();
    expect((await api("/me/events")).status).toBe(401);
    expect((await api("/me/events?cursor=bogus", { token: owner.accessToken })).status).toBe(400);
  });
});

describe("the attendees page", () => {
  it("is for organizers only", async () => {
    const { cookie } = await organizer();
    const event = await createThroughForm(cookie);
    const stranger = await signIn(await verifiedMember());
    const res = await page(`/events/${event.id}/attendees`, stranger);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Only organizers can see who is coming");
    expect((await page(`/events/${event.id}/attendees`)).status).toBe(302);
  });

  it("counts by role, lists attendees and downloads a CSV with formulas defused", async () => {
    const { cookie } = await organizer();
    const event = await createThroughForm(cookie, { capacity: "10", roleBalance: "on", "roleBalance.tolerance": "2" });
    const leader = await member({ displayName: '=HYPERLINK("http://evil.example","click")' });
    const follower = await member({ displayName: "Sofía Follower" });
    await api(`/events/${event.id}/rsvp`, { method: "POST", token: leader.accessToken, json: { status: "going", role: "leader" } });
    await api(`/events/${event.id}/rsvp`, { method: "POST", token: follower.accessToken, json: { status: "going", role: "follower" } });

    const html = await (await page(`/events/${event.id}/attendees`, cookie)).text();
    expect(html).toMatch(/Leaders going<\/dt><dd[^>]*>1<\/dd>/);
    expect(html).toMatch(/Followers going<\/dt><dd[^>]*>1<\/dd>/);
    expect(html).toContain(`href="/people/${follower.user.handle}"`);
    expect(html).toContain(`href="/api/v1/events/${event.id}/attendees?format=csv`);

    const csvHref = /href="(\/api\/v1\/events\/[^"]+format=csv[^"]*)"/.exec(html)![1]!.replace(/&amp;/g, "&");
    const csv = await page(csvHref, cookie);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toContain("attachment");
    const body = await csv.text();
    expect(body).toContain("Sofía Follower");
    expect(body).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(body).not.toMatch(/(^|,)=HYPERLINK/m);
    expect((await page(csvHref, await signIn(await verifiedMember()))).status).toBe(403);
  });

  it("queues a message to the dancers going", async () => {
    const { cookie } = await organizer();
    const event = await createThroughForm(cookie);
    const dancer = await member();
    await api(`/events/${event.id}/rsvp`, { method: "POST", token: dancer.accessToken, json: { status: "going" } });

    const invalid = await post(`/events/${event.id}/attendees`, { subject: "", body: "We start at 22:00", audience: "going" }, { cookie });
    expect(invalid.status).toBe(400);
    const invalidHtml = await invalid.text();
    expect(invalidHtml).toContain("subject must be");
    expect(invalidHtml).toContain("We start at 22:00");

    const res = await post(`/events/${event.id}/attendees`, { subject: "Cambio de horario", body: "Empezamos a las 22:00.", audience: "going" }, { cookie });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Your message is on its way");
    await vi.waitFor(
      async () => {
        const mails = await (await SELF.fetch(`${ORIGIN()}/dev/mailbox.json?to=${encodeURIComponent(dancer.email)}`)).json<{ subject: string; text: string }[]>();
        const mail = mails.find((m) => m.subject.includes("Cambio de horario"));
        if (!mail) throw new Error("no message yet");
        expect(mail.text).toContain("Empezamos a las 22:00.");
      },
      { timeout: 15_000, interval: 100 },
    );
  });
});
