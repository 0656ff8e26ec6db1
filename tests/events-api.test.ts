import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { EventDetail, EventPage, OccurrenceDto } from "../worker/schemas/events";
import { api, BASE, member } from "./accounts";
import { contains, jpeg } from "./images";
import { createEvent, eventInput, localDaysFromNow, verifiedMember } from "./event-factory";
import { seedWorld } from "./world";

beforeAll(async () => {
  await seedWorld();
});

async function problemOf(res: Response) {
  return res.json<{ status: number; errors?: { path: string; message: string }[] }>();
}

describe("creating events", () => {
  it("creates an event from local venue time and returns UTC instants plus the local form", async () => {
    const { event, organizer } = await createEvent({ start: "2030-03-12T21:00", end: "2030-03-13T02:00", timeZone: "America/Argentina/Buenos_Aires" });
    expect(event).toMatchObject({
      startsAt: "2030-03-13T00:00:00.000Z",
      endsAt: "2030-03-13T05:00:00.000Z",
      startLocal: "2030-03-12T21:00",
      endLocal: "2030-03-13T02:00",
      timeZone: "America/Argentina/Buenos_Aires",
      status: "scheduled",
      city: { slug: "buenos-aires" },
      venue: { name: "Salón Canning" },
    });
    expect(event.organizers).toEqual([{ handle: organizer.user.handle, displayName: organizer.user.displayName }]);
  });

  it("uses the venue city's time zone when none is given", async () => {
    const { event } = await createEvent({ venue: { name: "Ufer Studios", address: "Uferstraße 8", city: "berlin" }, start: "2030-07-01T20:00", end: "2030-07-01T23:30" });
    expect(event.timeZone).toBe("Europe/Berlin");
    expect(event.startsAt).toBe("2030-07-01T18:00:00.000Z");
  });

  it("reuses a venue by id", async () => {
    const { event } = await createEvent();
    const again = await createEvent({ venue: { id: event.venue.id } });
    expect(again.event.venue.id).toBe(event.venue.id);
    const venues = await (await api("/venues?city=buenos-aires")).json<{ data: { id: string }[] }>();
    expect(venues.data.map((v) => v.id)).toContain(event.venue.id);
  });

  it("refuses visitors with 401", async () => {
    expect((await api("/events", { method: "POST", json: eventInput() })).status).toBe(401);
  });

  it("refuses members whose email is not confirmed with 403", async () => {
    const unverified = await member();
    const res = await api("/events", { method: "POST", token: unverified.accessToken, json: eventInput() });
    expect(res.status).toBe(403);
    expect((await res.text())).toMatch(/Confirm your email/);
  });

  it.each([
    ["an unknown time zone", { timeZone: "Mars/Olympus_Mons" }, "timeZone"],
    ["an end before the start", { start: "2030-01-10T21:00", end: "2030-01-10T20:00" }, "end"],
    ["a start in the past", { start: "2020-01-10T21:00", end: "2020-01-11T01:00" }, "start"],
    ["a capacity below 1", { capacity: 0 }, "capacity"],
    ["a date that does not exist", { start: "2030-02-30T21:00" }, "start"],
    ["a start with an offset instead of local time", { start: "2030-01-10T21:00:00Z" }, "start"],
    ["an event longer than 14 days", { start: "2030-01-10T21:00", end: "2030-02-10T21:00" }, "end"],
    ["a daily rule", { recurrence: { rrule: "FREQ=DAILY" } }, "recurrence.rrule"],
    ["an unknown city", { venue: { name: "Nowhere", address: "Nowhere 1", city: "atlantis" } }, "venue.city"],
    ["an unknown co-organizer", { coOrganizers: ["nobody_with_this_handle"] }, "coOrganizers"],
    ["a negative price", { price: { amountMinor: -5, currency: "EUR" } }, "price.amountMinor"],
    ["a made-up currency", { price: { amountMinor: 500, currency: "XYZ1" } }, "price.currency"],
    ["an unknown field", { organizerId: "someone-else" }, ""],
    ["a start more than 5 years ahead", { start: "2039-01-10T21:00", end: "2039-01-11T01:00" }, "start"],
  ])("refuses %s with a 400 naming %s, and creates nothing", async (_name, overrides, field) => {
    const organizer = await verifiedMember();
    const before = await env.DB.prepare("SELECT count(*) AS n FROM events").first<{ n: number }>();
    const res = await api("/events", { method: "POST", token: organizer.accessToken, json: { ...eventInput(), ...overrides } });
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toMatch(/application\/problem\+json/);
    const problem = await problemOf(res);
    if (field) expect(problem.errors?.map((e) => e.path)).toContain(field);
    const after = await env.DB.prepare("SELECT count(*) AS n FROM events").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });

  it("keeps HTML in member text as text and renders Markdown safely", async () => {
    const { event } = await createEvent({ title: `<script>alert(1)</script> Milonga`, description: `**Bring** <img src=x onerror=alert(1)> [x](javascript:alert(1))` });
    expect(event.title).toBe("<script>alert(1)</script> Milonga");
    expect(event.descriptionHtml).toContain("<strong>Bring</strong>");
    expect(event.descriptionHtml).not.toMatch(/<img|href="javascript:/i);
    expect(event.descriptionHtml).toContain("&lt;img");
  });
});

describe("recurring series", () => {
  it("keeps a weekly 21:00 milonga at 21:00 local across the DST change", async () => {
    // Berlin leaves summer time on the last Sunday of October 2030 (27 Oct).
    const { event } = await createEvent({
      venue: { name: "Clärchens Ballhaus", address: "Auguststraße 24", city: "berlin" },
      start: "2030-10-17T21:00",
      end: "2030-10-18T01:00",
      recurrence: { rrule: "FREQ=WEEKLY;BYDAY=TH;COUNT=4" },
    });
    expect(event.recurrence).toMatchObject({ rrule: "FREQ=WEEKLY;BYDAY=TH;COUNT=4", summary: expect.stringMatching(/Thursday/) });
    const rows = await env.DB.prepare("SELECT starts_at FROM event_occurrences WHERE event_id = ? ORDER BY starts_at").bind(event.id).all<{ starts_at: string }>();
    expect(rows.results.map((r) => r.starts_at)).toEqual([
      "2030-10-17T19:00:00.000Z",
      "2030-10-24T19:00:00.000Z",
      "2030-10-31T20:00:00.000Z",
      "2030-11-07T20:00:00.000Z",
    ]);
  });

  it("lists every date of a series, each with its own occurrenceKey", async () => {
    const { event } = await createEvent({
      venue: { name: "La Viruta Test", address: "Armenia 1366", city: "buenos-aires" },
      start: localDaysFromNow(2, "23:00"),
      end: localDaysFromNow(3, "03:00"),
      recurrence: { rrule: "FREQ=WEEKLY;COUNT=3" },
      title: "Serie semanal única",
    });
    const page = await (await api("/events?city=buenos-aires&q=serie%20semanal&limit=100")).json<EventPage>();
    const mine = page.data.filter((e) => e.eventId === event.id);
    expect(mine).toHaveLength(3);
    expect(new Set(mine.map((e) => e.occurrenceKey)).size).toBe(3);
    expect(mine.every((e) => e.recurring && e.startLocal.endsWith("T23:00"))).toBe(true);
  });

  it("cancels and moves single dates, and restores them", async () => {
    const { event, organizer } = await createEvent({ start: localDaysFromNow(3, "21:00"), end: localDaysFromNow(4, "01:00"), recurrence: { rrule: "FREQ=WEEKLY;COUNT=3" }, title: "Práctica movible" });
    const dates = (await (await api(`/events/${event.id}/occurrences`)).json<{ data: OccurrenceDto[] }>()).data;
    expect(dates).toHaveLength(3);
    const [first, second] = dates as [OccurrenceDto, OccurrenceDto];

    const cancelled = await api(`/events/${event.id}/occurrences/${first.occurrenceKey}`, { method: "PATCH", token: organizer.accessToken, json: { cancelled: true } });
    expect(cancelled.status).toBe(200);
    expect((await cancelled.json<OccurrenceDto>()).status).toBe("cancelled");

    const newStart = `${second.startLocal.slice(0, 10)}T22:30`;
    const moved = await api(`/events/${event.id}/occurrences/${second.occurrenceKey}`, { method: "PATCH", token: organizer.accessToken, json: { start: newStart, end: `${second.endLocal.slice(0, 10)}T02:00` } });
    expect(moved.status).toBe(200);
    expect(await moved.json<OccurrenceDto>()).toMatchObject({ occurrenceKey: second.occurrenceKey, status: "moved", startLocal: newStart });

    const listed = (await (await api("/events?city=buenos-aires&q=movible&limit=100")).json<EventPage>()).data.filter((e) => e.eventId === event.id);
    expect(listed.map((e) => e.occurrenceKey)).not.toContain(first.occurrenceKey);
    expect(listed.find((e) => e.occurrenceKey === second.occurrenceKey)).toMatchObject({ moved: true, startLocal: newStart });

    const restored = await api(`/events/${event.id}/occurrences/${first.occurrenceKey}`, { method: "PATCH", token: organizer.accessToken, json: { restore: true } });
    expect((await restored.json<OccurrenceDto>()).status).toBe("scheduled");
  });

  it("refuses occurrence changes by someone who does not organize the event", async () => {
    const { event } = await createEvent({ recurrence: { rrule: "FREQ=WEEKLY;COUNT=2" } });
    const [first] = (await (await api(`/events/${event.id}/occurrences`)).json<{ data: OccurrenceDto[] }>()).data;
    const stranger = await verifiedMember();
    const res = await api(`/events/${event.id}/occurrences/${first!.occurrenceKey}`, { method: "PATCH", token: stranger.accessToken, json: { cancelled: true } });
    expect(res.status).toBe(403);
  });

  it("answers 404 for an occurrenceKey the series does not have", async () => {
    const { event, organizer } = await createEvent({ recurrence: { rrule: "FREQ=WEEKLY;COUNT=2" } });
    const res = await api(`/events/${event.id}/occurrences/20300101T000000Z`, { method: "PATCH", token: organizer.accessToken, json: { cancelled: true } });
    expect(res.status).toBe(404);
  });

  it("hides a series its organizer has not reconfirmed for 8 weeks, until they reconfirm", async () => {
    const { event, organizer } = await createEvent({ start: localDaysFromNow(1, "20:00"), end: localDaysFromNow(1, "23:00"), recurrence: { rrule: "FREQ=WEEKLY" }, title: "Milonga olvidada" });
    const listed = async () => (await (await api("/events?city=buenos-aires&q=olvidada&limit=100")).json<EventPage>()).data.filter((e) => e.eventId === event.id).length;
    expect(await listed()).toBeGreaterThan(0);
    await env.DB.prepare("UPDATE events SET confirmed_at = ? WHERE id = ?").bind(new Date(Date.now() - 9 * 7 * 86_400_000).toISOString(), event.id).run();
    expect(await listed()).toBe(0);
    const res = await api(`/events/${event.id}/reconfirm`, { method: "POST", token: organizer.accessToken });
    expect(res.status).toBe(200);
    expect(await listed()).toBeGreaterThan(0);
  });
});

describe("reading, editing and cancelling", () => {
  it("answers 304 to If-None-Match with the current ETag, and 200 after an edit", async () => {
    const { event, organizer } = await createEvent();
    const first = await api(`/events/${event.id}`);
    const etag = first.headers.get("ETag")!;
    expect(etag).toMatch(/^W\/"/);
    expect((await api(`/events/${event.id}`, { headers: { "If-None-Match": etag } })).status).toBe(304);
    await api(`/events/${event.id}`, { method: "PATCH", token: organizer.accessToken, json: { title: "Milonga renombrada" } });
    const after = await api(`/events/${event.id}`, { headers: { "If-None-Match": etag } });
    expect(after.status).toBe(200);
    expect((await after.json<EventDetail>()).title).toBe("Milonga renombrada");
  });

  it("lets co-organizers edit and refuses everyone else", async () => {
    const co = await verifiedMember();
    const { event } = await createEvent({ coOrganizers: [co.user.handle] });
    expect((await api(`/events/${event.id}`, { method: "PATCH", token: co.accessToken, json: { capacity: 80 } })).status).toBe(200);
    const stranger = await verifiedMember();
    expect((await api(`/events/${event.id}`, { method: "PATCH", token: stranger.accessToken, json: { capacity: 1 } })).status).toBe(403);
    expect((await api(`/events/${event.id}`, { method: "DELETE", token: stranger.accessToken })).status).toBe(403);
    expect((await api(`/events/${event.id}`, { method: "PATCH", json: { capacity: 1 } })).status).toBe(401);
    expect((await (await api(`/events/${event.id}`)).json<EventDetail>()).capacity).toBe(80);
  });

  it("lets a co-organizer change the co-organizers without losing their own access", async () => {
    const [co, other] = [await verifiedMember(), await verifiedMember()];
    const { event } = await createEvent({ coOrganizers: [co.user.handle] });
    const res = await api(`/events/${event.id}`, { method: "PATCH", token: co.accessToken, json: { coOrganizers: [co.user.handle, other.user.handle] } });
    expect(res.status).toBe(200);
    expect((await res.json<EventDetail>()).organizers.map((o) => o.handle)).toEqual(expect.arrayContaining([co.user.handle, other.user.handle]));
    expect((await api(`/events/${event.id}`, { method: "PATCH", token: co.accessToken, json: { capacity: 40 } })).status).toBe(200);
  });

  it("shows an edit in the cached city listing at once", async () => {
    const { event, organizer } = await createEvent({ venue: { name: "Milonga Cache", address: "Calle 1", city: "montevideo" }, start: localDaysFromNow(1, "21:00"), end: localDaysFromNow(2, "01:00"), title: "Antes del cambio" });
    const titles = async () => (await (await api("/events?city=montevideo&limit=100")).json<EventPage>()).data.filter((e) => e.eventId === event.id).map((e) => e.title);
    expect(await titles()).toEqual(["Antes del cambio"]);
    expect(await titles()).toEqual(["Antes del cambio"]);
    await api(`/events/${event.id}`, { method: "PATCH", token: organizer.accessToken, json: { title: "Después del cambio" } });
    expect(await titles()).toEqual(["Después del cambio"]);
  });

  it("cancels: the event leaves listings, stays readable as cancelled, and a second cancel changes nothing", async () => {
    const { event, organizer } = await createEvent({ venue: { name: "Cancelada", address: "Calle 2", city: "montevideo" }, start: localDaysFromNow(1, "21:00"), end: localDaysFromNow(2, "01:00") });
    expect((await api(`/events/${event.id}`, { method: "DELETE", token: organizer.accessToken })).status).toBe(204);
    expect((await api(`/events/${event.id}`, { method: "DELETE", token: organizer.accessToken })).status).toBe(204);
    expect((await (await api(`/events/${event.id}`)).json<EventDetail>()).status).toBe("cancelled");
    const listed = (await (await api("/events?city=montevideo&limit=100")).json<EventPage>()).data.map((e) => e.eventId);
    expect(listed).not.toContain(event.id);
    expect((await api(`/events/${event.id}`, { method: "PATCH", token: organizer.accessToken, json: { title: "Again" } })).status).toBe(400);
  });

  it.each(["not-an-id", "019a9f2e-7c1b-7d3e-9a2b-3c4d5e6f7a8b", "' OR 1=1 --"])("answers 404 for the event id %s", async (id) => {
    expect((await api(`/events/${encodeURIComponent(id)}`)).status).toBe(404);
  });
});

describe("finding events", () => {
  it("finds events near a point and not those far away", async () => {
    const { event } = await createEvent({ venue: { name: "Near Obelisco", address: "Av. 9 de Julio", city: "buenos-aires", lat: -34.6037, lng: -58.3816 }, title: "Milonga cercana" });
    const near = (await (await api("/events?near=-34.60,-58.38&radiusKm=5&q=cercana")).json<EventPage>()).data.map((e) => e.eventId);
    expect(near).toContain(event.id);
    const far = (await (await api("/events?near=52.52,13.405&radiusKm=50&q=cercana")).json<EventPage>()).data.map((e) => e.eventId);
    expect(far).not.toContain(event.id);
  });

  it("matches words without case or accents, and treats SQL and LIKE wildcards as text", async () => {
    const { event } = await createEvent({ title: "Canción de Otoño" });
    const found = async (q: string) => (await (await api(`/events?q=${encodeURIComponent(q)}&limit=100`)).json<EventPage>()).data.map((e) => e.eventId);
    expect(await found("cancion de otono")).toContain(event.id);
    expect(await found("CANCIÓN")).toContain(event.id);
    expect(await found("%%")).not.toContain(event.id);
    const hostile = await api(`/events?q=${encodeURIComponent("' OR 1=1; DROP TABLE events; --")}`);
    expect(hostile.status).toBe(200);
    // The longest query allowed still fits D1's 50-byte LIKE pattern.
    expect((await api(`/events?q=${"x".repeat(40)}`)).status).toBe(200);
  });

  it.each([
    ["near without a comma", "near=52.5"],
    ["near out of range", "near=95,10"],
    ["radiusKm without near", "radiusKm=10"],
    ["radiusKm too large", "near=1,1&radiusKm=9999"],
    ["q too short", "q=a"],
    ["q too long", `q=${"milonga ".repeat(6)}`],
    ["q in a script whose letters overflow the 50-byte pattern", `q=${encodeURIComponent("タンゴ".repeat(6))}`],
  ])("refuses %s with a 400", async (_name, query) => {
    expect((await api(`/events?${query}`)).status).toBe(400);
  });
});

describe("cover images through the API", () => {
  const upload = (eventId: string, token: string | undefined, file: File) => {
    const form = new FormData();
    form.set("cover", file);
    return api(`/events/${eventId}/cover`, { method: "POST", token, body: form });
  };

  it("stores a cover for organizers, without its location data, and serves it", async () => {
    const { event, organizer } = await createEvent();
    const res = await upload(event.id, organizer.accessToken, new File([new Uint8Array(jpeg)], "cover.png", { type: "image/png" }));
    expect(res.status).toBe(200);
    const { coverUrl } = await res.json<{ coverUrl: string }>();
    const served = await SELF.fetch(`${BASE}${coverUrl}`);
    expect(served.status).toBe(200);
    expect(served.headers.get("Content-Type")).toBe("image/jpeg");
    expect(contains(new Uint8Array(await served.arrayBuffer()), "GPSLatitude")).toBe(false);
    expect((await (await api(`/events/${event.id}`)).json<EventDetail>()).coverUrl).toBe(coverUrl);
  });

  it("refuses a text file dressed as a JPEG with a field error", async () => {
    const { event, organizer } = await createEvent();
    const res = await upload(event.id, organizer.accessToken, new File(["<script>alert(1)</script>"], "cover.jpg", { type: "image/jpeg" }));
    expect([400, 415, 422]).toContain(res.status);
    expect(res.headers.get("Content-Type")).toMatch(/problem\+json/);
  });

  it("refuses members who do not organize the event, and visitors", async () => {
    const { event } = await createEvent();
    const stranger = await verifiedMember();
    expect((await upload(event.id, stranger.accessToken, new File([new Uint8Array(jpeg)], "c.jpg"))).status).toBe(403);
    expect((await upload(event.id, undefined, new File([new Uint8Array(jpeg)], "c.jpg"))).status).toBe(401);
  });
});
