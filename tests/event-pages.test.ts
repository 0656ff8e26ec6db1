import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { instantToLocal } from "../worker/lib/local-time";
import type { EventPage } from "../worker/schemas/events";
import { api, member } from "./accounts";
import { createEvent, localDaysFromNow, verifiedMember } from "./event-factory";
import { page, signIn, submit } from "./pages";
import { seedWorld } from "./world";

beforeAll(seedWorld);

/** The local wall-clock time `minutes` from now in `timeZone`, as the create form sends it. */
const localMinutesFromNow = (minutes: number, timeZone: string) => instantToLocal(new Date(Date.now() + minutes * 60_000), timeZone);

function jsonLdOf(html: string): Record<string, unknown> {
  const match = /<script type="application\/ld\+json"[^>]*>([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error("no JSON-LD on the page");
  return JSON.parse(match[1]!) as Record<string, unknown>;
}

function metaContent(html: string, property: string): string | undefined {
  const tag = new RegExp(`<meta[^>]*property="${property}"[^>]*>`).exec(html)?.[0];
  const value = tag && /content="([^"]*)"/.exec(tag)?.[1];
  return value?.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** The calendar cell (an <li> of the day grid) whose <time> names this day. */
function dayCell(html: string, date: string): string {
  const cells = html.split(/<li class="[^"]*rounded-xl border p-2/).slice(1);
  const cell = cells.find((c) => c.includes(`dateTime="${date}"`) || c.includes(`datetime="${date}"`));
  if (!cell) throw new Error(`no cell for ${date}`);
  return cell;
}

const montevideo = { name: "Sala de Tango Test", address: "Av. 18 de Julio 1000", city: "montevideo" };

describe("city page", () => {
  it("lists an event created by an organizer, with its local time and a link to it", async () => {
    const start = localMinutesFromNow(30, "America/Montevideo");
    const { event } = await createEvent({ venue: montevideo, title: "Milonga del Centro Test", start, end: localMinutesFromNow(240, "America/Montevideo") });
    const res = await page("/cities/montevideo");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/Tango in (<!-- -->)?Montevideo/);
    expect(html).toContain("Milonga del Centro Test");
    expect(html).toContain(`href="/events/${event.id}"`);
    expect(html).toContain(start.slice(11, 16));
  });

  it("says when a listed event repeats", async () => {
    const { event } = await createEvent({
      venue: montevideo,
      title: "Práctica de los Martes Test",
      type: "practica",
      start: localMinutesFromNow(45, "America/Montevideo"),
      end: localMinutesFromNow(180, "America/Montevideo"),
      recurrence: { rrule: "FREQ=WEEKLY" },
    });
    const html = await (await page("/cities/montevideo?type=practica")).text();
    const card = html.split("<article").find((c) => c.includes("Práctica de los Martes Test"))!;
    expect(card).toContain(`href="/events/${event.id}?occurrence=`);
    expect(card).toMatch(/↻ (<!-- -->)?Every week/);
  });

  it("filters by kind of event with plain links", async () => {
    await createEvent({ venue: montevideo, title: "Clase de Vals Test", type: "class", start: localMinutesFromNow(50, "America/Montevideo"), end: localMinutesFromNow(140, "America/Montevideo") });
    const classes = await (await page("/cities/montevideo?type=class")).text();
    expect(classes).toContain("Clase de Vals Test");
    expect(classes).not.toContain("Milonga del Centro Test");
    expect(classes).toMatch(/<a href="\/cities\/montevideo\?type=class" aria-current="page"/);
    const milongas = await (await page("/cities/montevideo?type=milonga")).text();
    expect(milongas).not.toContain("Clase de Vals Test");
  });

  it("places an event on its local start day in the week and month views", async () => {
    // 21:00 in Buenos Aires is already the next day in UTC: the grid must use the city's clock.
    const start = localDaysFromNow(3, "21:00");
    const { event } = await createEvent({ title: "Milonga de la Semana Test", start, end: localDaysFromNow(4, "02:00") });
    const day = start.slice(0, 10);
    for (const view of ["week", "month"]) {
      const res = await page(`/cities/buenos-aires?view=${view}&date=${day}`);
      expect(res.status).toBe(200);
      const cell = dayCell(await res.text(), day);
      expect(cell).toContain("Milonga de la Semana Test");
      expect(cell).toContain(`href="/events/${event.id}"`);
      expect(cell).toContain("21:00");
    }
  });

  it("links to the previous and next week and month", async () => {
    const week = await (await page("/cities/berlin?view=week&date=2030-01-09")).text();
    expect(week).toContain('href="/cities/berlin?view=week&amp;date=2030-01-14"');
    expect(week).toContain('href="/cities/berlin?view=week&amp;date=2029-12-31"');
    const month = await (await page("/cities/berlin?view=month&date=2030-01-09")).text();
    expect(month).toContain('href="/cities/berlin?view=month&amp;date=2030-02-01"');
    expect(month).toContain('href="/cities/berlin?view=month&amp;date=2029-12-01"');
  });

  it("says what to do when nothing is listed", async () => {
    const html = await (await page("/cities/berlin?view=week&type=milonga&date=2099-06-01")).text();
    expect(html).toMatch(/No milongas listed/);
    expect(html).toMatch(/<a[^>]*href="\/events\/new"[^>]*>organizers can add one<\/a>/);
  });

  it("offers the city's calendar to subscribe to", async () => {
    const html = await (await page("/cities/berlin")).text();
    expect(html).toContain('href="/cities/berlin/calendar.ics"');
    expect(html).toContain(`href="${env.APP_ORIGIN.replace(/^https?:/, "webcal:")}/cities/berlin/calendar.ics"`);
  });

  it("answers 404 for a city we do not list", async () => {
    const res = await page("/cities/atlantis");
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Page not found");
  });

  it("reports a date that is not a day instead of guessing", async () => {
    const res = await page("/cities/berlin?view=week&date=2030-02-30");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("date must be a day");
  });
});

describe("event page", () => {
  it("shows the venue's local time, the line-up, a map link and the head count", async () => {
    const organizer = await verifiedMember();
    const { event } = await createEvent(
      {
        title: "Milonga con Orquesta Test",
        start: localDaysFromNow(6, "21:00"),
        end: localDaysFromNow(7, "02:00"),
        capacity: 80,
        lineup: [
          { role: "dj", name: "DJ Ana Test", handle: organizer.user.handle },
          { role: "orchestra", name: "Orquesta Típica Test" },
        ],
        price: { amountMinor: 5000, currency: "ARS" },
      },
      organizer,
    );
    const dancer = await member();
    await api(`/events/${event.id}/rsvp`, { method: "POST", token: dancer.accessToken, json: { status: "going" } });

    const res = await page(`/events/${event.id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Milonga con Orquesta Test");
    expect(html).toMatch(/21:00–02:00 \(GMT-3\)/);
    expect(html).toContain(`<a href="/people/${organizer.user.handle}"`);
    expect(html).toContain("DJ Ana Test");
    expect(html).toContain("Orquesta Típica Test");
    expect(html).toContain("https://www.openstreetmap.org/?mlat=-34.5889&amp;mlon=-58.4243");
    expect(html).toMatch(/1(<!-- -->)? going/);
    expect(html).toMatch(/79(<!-- -->)? (<!-- -->)?places(<!-- -->)? left/);
    expect(html).toContain(`href="/events/${event.id}/calendar.ics"`);
  });

  it("links the map to an address search when the venue has no coordinates", async () => {
    const { event } = await createEvent({ venue: { name: "Sin Mapa", address: "Calle Falsa 123", city: "buenos-aires" } });
    const html = await (await page(`/events/${event.id}`)).text();
    expect(html).toContain("https://www.openstreetmap.org/search?query=Calle%20Falsa%20123%2C%20Buenos%20Aires");
  });

  it("lists the next dates of a series, striking out a cancelled one and marking a moved one", async () => {
    const { event, organizer } = await createEvent({ start: localDaysFromNow(2, "21:00"), end: localDaysFromNow(3, "01:00"), recurrence: { rrule: "FREQ=WEEKLY;COUNT=4" } });
    const dates = (await (await api(`/events/${event.id}/occurrences`)).json<{ data: { occurrenceKey: string; startLocal: string; endLocal: string }[] }>()).data;
    await api(`/events/${event.id}/occurrences/${dates[1]!.occurrenceKey}`, { method: "PATCH", token: organizer.accessToken, json: { cancelled: true } });
    await api(`/events/${event.id}/occurrences/${dates[2]!.occurrenceKey}`, { method: "PATCH", token: organizer.accessToken, json: { start: `${dates[2]!.startLocal.slice(0, 10)}T22:00`, end: `${dates[2]!.endLocal.slice(0, 10)}T02:00` } });
    const html = await (await page(`/events/${event.id}`)).text();
    expect(html).toContain("Next dates");
    expect(html).toMatch(/<s>[\s\S]*?<\/s> <span[^>]*>cancelled<\/span>/);
    expect(html).toMatch(/>moved<\/span>/);
    expect(html).toMatch(/↻ (<!-- -->)?Every/);
  });

  it("escapes what organizers wrote in the title, description, venue and line-up", async () => {
    const { event } = await createEvent({
      title: `<script>alert("t")</script><img src=x onerror=alert(1)>`,
      description: `<img src=x onerror=alert(2)> <script>alert("d")</script>`,
      venue: { name: `<img src=x onerror=alert(3)>`, address: "<script>alert('a')</script>", city: "buenos-aires" },
      lineup: [{ role: "dj", name: `<script>alert("l")</script>` }],
    });
    const html = await (await page(`/events/${event.id}`)).text();
    expect(html).not.toMatch(/<script>alert/);
    expect(html).not.toMatch(/<img src=x onerror/);
    expect(html).toContain("&lt;script&gt;alert");
    expect(html).toContain("&lt;img src=x onerror=alert(3)&gt;");
  });

  it("describes the event to search engines as a schema.org DanceEvent", async () => {
    const organizer = await verifiedMember();
    const { event } = await createEvent(
      { start: "2030-03-12T21:00", end: "2030-03-13T02:00", lineup: [{ role: "teacher", name: "Maestra Test" }], price: { amountMinor: 1500, currency: "EUR" } },
      organizer,
    );
    const res = await page(`/events/${event.id}`);
    const html = await res.text();
    const ld = jsonLdOf(html);
    expect(ld).toMatchObject({
      "@context": "https://schema.org",
      "@type": "DanceEvent",
      name: event.title,
      startDate: "2030-03-12T21:00:00-03:00",
      endDate: "2030-03-13T02:00:00-03:00",
      eventStatus: "https://schema.org/EventScheduled",
      eventAttendanceMode: "https://schema.org/OfflineEventAttendanceMode",
      location: {
        "@type": "Place",
        name: "Salón Canning",
        address: { "@type": "PostalAddress", streetAddress: "Scalabrini Ortiz 1331", addressLocality: "Buenos Aires" },
        geo: { "@type": "GeoCoordinates", latitude: -34.5889, longitude: -58.4243 },
      },
      organizer: [{ "@type": "Person", name: organizer.user.displayName }],
      performer: [{ "@type": "Person", name: "Maestra Test" }],
      offers: [{ "@type": "Offer", price: "15.00", priceCurrency: "EUR" }],
    });
    const nonce = /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy")!)![1];
    expect(/<script type="application\/ld\+json"[^>]*>/.exec(html)![0]).toContain(`nonce="${nonce}"`);
  });

  it("keeps a title with </script> inside the JSON-LD", async () => {
    const title = `</script><script>alert(1)</script><!--`;
    const { event } = await createEvent({ title });
    const html = await (await page(`/events/${event.id}`)).text();
    const ld = jsonLdOf(html);
    expect(ld.name).toBe(title);
    expect(html).not.toContain("<script>alert(1)");
  });

  it("marks a cancelled event as cancelled, on the page and for search engines", async () => {
    const { event, organizer } = await createEvent();
    await api(`/events/${event.id}`, { method: "DELETE", token: organizer.accessToken });
    const html = await (await page(`/events/${event.id}`)).text();
    expect(html).toContain("This event was cancelled by its organizers.");
    expect(jsonLdOf(html).eventStatus).toBe("https://schema.org/EventCancelled");
    expect(html).not.toContain('value="going"');
  });

  it("has Open Graph tags, with the description as plain text", async () => {
    const { event } = await createEvent({ title: "Milonga Abierta Test", description: "**Tandas** de [tango](https://example.com) y vals." });
    const html = await (await page(`/events/${event.id}`)).text();
    expect(html).toMatch(/<title>Milonga Abierta Test — Buenos Aires — Mundo Tango<\/title>/);
    expect(metaContent(html, "og:title")).toBe("Milonga Abierta Test");
    expect(metaContent(html, "og:description")).toBe("Tandas de tango y vals.");
    expect(metaContent(html, "og:type")).toBe("website");
    expect(metaContent(html, "og:url")).toBe(`${env.APP_ORIGIN}/events/${event.id}`);
  });

  it("answers 404 for an event that does not exist", async () => {
    expect((await page("/events/01900000-0000-7000-8000-000000000000")).status).toBe(404);
    expect((await page("/events/nope")).status).toBe(404);
  });
});

describe("RSVP form", () => {
  it("says I am going after I press Going, without JavaScript", async () => {
    const { event } = await createEvent({ capacity: 10 });
    const cookie = await signIn(await member());
    const res = await submit(`/events/${event.id}`, { intent: "going" }, { cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/events/${event.id}?done=going#rsvp`);
    const html = await (await page(`/events/${event.id}?done=going`, cookie)).text();
    expect(html).toContain("You&#x27;re going. See you on the dance floor!");
    expect(html).toMatch(/You&#x27;re going/);
    expect(html).toMatch(/1(<!-- -->)? going/);
    expect(html).toContain('value="cancel"');
  });

  it("puts me on the waitlist, with my place in line, when the event is full", async () => {
    const { event } = await createEvent({ capacity: 1 });
    const first = await member();
    await api(`/events/${event.id}/rsvp`, { method: "POST", token: first.accessToken, json: { status: "going" } });
    const cookie = await signIn(await member());
    const res = await submit(`/events/${event.id}`, { intent: "going" }, { cookie });
    expect(res.headers.get("location")).toBe(`/events/${event.id}?done=waitlisted#rsvp`);
    const html = await (await page(`/events/${event.id}`, cookie)).text();
    expect(html).toMatch(/on the waitlist(<!-- -->)?: number (<!-- -->)?1(<!-- -->)? in line/);
  });

  it("withdraws my RSVP", async () => {
    const { event } = await createEvent();
    const cookie = await signIn(await member());
    await submit(`/events/${event.id}`, { intent: "interested" }, { cookie });
    const res = await submit(`/events/${event.id}`, { intent: "cancel" }, { cookie });
    expect(res.headers.get("location")).toBe(`/events/${event.id}?done=cancelled#rsvp`);
    const counts = await (await api(`/events/${event.id}/attendance`)).json<{ interested: number }>();
    expect(counts.interested).toBe(0);
  });

  it("RSVPs to the date chosen in a series", async () => {
    const { event } = await createEvent({ start: localDaysFromNow(2, "21:00"), end: localDaysFromNow(3, "01:00"), recurrence: { rrule: "FREQ=WEEKLY;COUNT=3" } });
    const dates = (await (await api(`/events/${event.id}/occurrences`)).json<{ data: { occurrenceKey: string }[] }>()).data;
    const html = await (await page(`/events/${event.id}`)).text();
    expect(html).toMatch(/<select[^>]*name="occurrence"/);
    const cookie = await signIn(await member());
    const res = await submit(`/events/${event.id}`, { intent: "going", occurrence: dates[2]!.occurrenceKey }, { cookie });
    expect(res.headers.get("location")).toBe(`/events/${event.id}?occurrence=${dates[2]!.occurrenceKey}&done=going#rsvp`);
    const third = await (await api(`/events/${event.id}/attendance?occurrence=${dates[2]!.occurrenceKey}`)).json<{ going: number }>();
    const next = await (await api(`/events/${event.id}/attendance`)).json<{ going: number }>();
    expect([third.going, next.going]).toEqual([1, 0]);
  });

  it("shows the error next to the role field on a role-balanced event", async () => {
    const { event } = await createEvent({ capacity: 20, roleBalance: { tolerance: 2 } });
    const cookie = await signIn(await member());
    const res = await submit(`/events/${event.id}`, { intent: "going", role: "" }, { cookie });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/<select[^>]*aria-invalid="true"[^>]*name="role"|<select[^>]*name="role"[^>]*aria-invalid="true"/);
    expect(html).toMatch(/id="rsvp-role-error"[^>]*>This event balances leaders and followers: say whether you dance as leader, follower or both\./);
    const ok = await submit(`/events/${event.id}`, { intent: "going", role: "follower" }, { cookie });
    expect(ok.headers.get("location")).toBe(`/events/${event.id}?done=going#rsvp`);
  });

  it("keeps the role and partner the member typed when the RSVP is refused", async () => {
    const { event } = await createEvent({ capacity: 20, roleBalance: { tolerance: 2 } });
    const cookie = await signIn(await member());
    const res = await submit(`/events/${event.id}`, { intent: "going", role: "leader", partnerHandle: "nobody_dances_here" }, { cookie });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/name="partnerHandle"[^>]*value="nobody_dances_here"|value="nobody_dances_here"[^>]*name="partnerHandle"/);
    expect(html).toMatch(/<option value="leader" selected="">/);
  });

  it("sends a visitor to sign in first, and back afterwards", async () => {
    const { event } = await createEvent();
    const res = await submit(`/events/${event.id}`, { intent: "going" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(`/events/${event.id}`)}`);
  });

  it("refuses a form posted from another site", async () => {
    const { event } = await createEvent();
    const cookie = await signIn(await member());
    const res = await submit(`/events/${event.id}`, { intent: "going" }, { cookie, origin: "https://evil.example" });
    expect(res.status).toBe(403);
    const counts = await (await api(`/events/${event.id}/attendance`)).json<{ going: number }>();
    expect(counts.going).toBe(0);
  });
});

describe("organizer tools on the event page", () => {
  it("asks the organizers of a stale series to reconfirm it, and brings it back to the listings", async () => {
    const { event, organizer } = await createEvent({ title: "Milonga Dormida Test", start: localDaysFromNow(1, "20:00"), end: localDaysFromNow(1, "23:00"), recurrence: { rrule: "FREQ=WEEKLY" } });
    await env.DB.prepare("UPDATE events SET confirmed_at = ? WHERE id = ?").bind(new Date(Date.now() - 9 * 7 * 86_400_000).toISOString(), event.id).run();
    const listed = async () => (await (await api("/events?city=buenos-aires&q=dormida&limit=100")).json<EventPage>()).data.length;
    expect(await listed()).toBe(0);

    const stranger = await signIn(await member());
    expect(await (await page(`/events/${event.id}`, stranger)).text()).not.toContain("Still running — reconfirm");

    const cookie = await signIn(organizer);
    const html = await (await page(`/events/${event.id}`, cookie)).text();
    expect(html).toContain("Still running — reconfirm");
    for (const tool of ["edit", "attendees", "check-in"]) expect(html).toContain(`href="/events/${event.id}/${tool}"`);

    const res = await submit(`/events/${event.id}`, { intent: "reconfirm" }, { cookie });
    expect(res.headers.get("location")).toBe(`/events/${event.id}?done=reconfirmed#rsvp`);
    expect(await listed()).toBeGreaterThan(0);
  });

  it("refuses a reconfirm from someone who does not organize the series", async () => {
    const { event } = await createEvent({ recurrence: { rrule: "FREQ=WEEKLY" } });
    const res = await submit(`/events/${event.id}`, { intent: "reconfirm" }, { cookie: await signIn(await member()) });
    expect(res.status).toBe(403);
  });
});

describe("tickets on the event page", () => {
  it("sells a free ticket through the form and says where it is", async () => {
    const { event, organizer } = await createEvent();
    const created = await api(`/events/${event.id}/ticket-types`, { method: "POST", token: organizer.accessToken, json: { name: "Entrada libre", price: { amountMinor: 0, currency: "ARS" }, quantity: 5 } });
    expect(created.status).toBe(201);
    const { id: ticketTypeId } = await created.json<{ id: string }>();
    expect(await (await page(`/events/${event.id}`)).text()).toContain("Entrada libre");

    const cookie = await signIn(await member());
    const res = await submit(`/events/${event.id}`, { intent: "buy", ticketTypeId, quantity: "2" }, { cookie });
    expect(res.headers.get("location")).toBe(`/events/${event.id}?done=ticket#rsvp`);
    expect(await (await page(`/events/${event.id}?done=ticket`, cookie)).text()).toContain("Your ticket is in My tickets.");
  });
  it("explains in the tickets section when too few tickets are left", async () => {
    const { event, organizer } = await createEvent();
    const created = await api(`/events/${event.id}/ticket-types`, { method: "POST", token: organizer.accessToken, json: { name: "Última entrada", price: { amountMinor: 0, currency: "ARS" }, quantity: 1 } });
    const { id: ticketTypeId } = await created.json<{ id: string }>();
    const res = await submit(`/events/${event.id}`, { intent: "buy", ticketTypeId, quantity: "2" }, { cookie: await signIn(await member()) });
    expect(res.status).toBe(409);
    const html = await res.text();
    const tickets = html.slice(html.indexOf('id="tickets"'));
    expect(tickets).toMatch(/role="alert"[^>]*>Only 1 (&quot;|")Última entrada(&quot;|") tickets are left\./);
  });
});

describe("sitemap", () => {
  it("lists the home page, cities and upcoming events as absolute, escaped URLs", async () => {
    const { event } = await createEvent({ start: localDaysFromNow(4, "21:00"), end: localDaysFromNow(5, "01:00") });
    const res = await page("/sitemap.xml");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/xml/);
    const xml = await res.text();
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    expect(xml).toContain(`<loc>${env.APP_ORIGIN}/</loc>`);
    expect(xml).toContain(`<loc>${env.APP_ORIGIN}/cities/berlin</loc>`);
    expect(xml).toContain(`<loc>${env.APP_ORIGIN}/events/${event.id}</loc>`);
    // Well-formed: every <url> closes, and no bare "&" or "<" hides in a value.
    expect(xml.match(/<url>/g)!.length).toBe(xml.match(/<\/url>/g)!.length);
    for (const loc of xml.matchAll(/<loc>([^<]*)<\/loc>/g)) {
      expect(loc[1]).toMatch(/^https?:\/\//);
      expect(loc[1]).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
    }
  });

  it("leaves out cancelled events", async () => {
    const { event, organizer } = await createEvent();
    await api(`/events/${event.id}`, { method: "DELETE", token: organizer.accessToken });
    expect(await (await page("/sitemap.xml")).text()).not.toContain(`/events/${event.id}<`);
  });
});
