import { env, SELF } from "cloudflare:test";
import ICAL from "ical.js";
import { beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "../worker/env";
import type { OccurrenceDto } from "../worker/schemas/events";
import { cityCalendar, listSitemapEvents } from "../worker/services/calendars";
import { api, BASE } from "./accounts";
import { createEvent, localDaysFromNow } from "./event-factory";
import { recordPlans as plansFor } from "./query-plan-recorder";
import { seedWorld } from "./world";

beforeAll(seedWorld);

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}${path}`, { headers });

/** Parses with ical.js, registering the feed's own VTIMEZONEs so TZIDs resolve. */
function parse(ics: string) {
  const root = new ICAL.Component(ICAL.parse(ics));
  for (const vtimezone of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(vtimezone);
  return root;
}

function vevents(ics: string, uid?: string) {
  return parse(ics)
    .getAllSubcomponents("vevent")
    .filter((vevent) => uid === undefined || vevent.getFirstPropertyValue("uid") === uid);
}

/** The dates a calendar app would show for the event with this UID, on the venue's clock. */
function occurrencesOf(ics: string, uid: string, count = 10) {
  const all = vevents(ics, uid);
  const master = all.find((v) => !v.hasProperty("recurrence-id"))!;
  const exceptions = all.filter((v) => v.hasProperty("recurrence-id"));
  const event = new ICAL.Event(master, { exceptions, strictExceptions: true });
  const iterator = event.iterator();
  const result: { startLocal: string; startUtc: string }[] = [];
  for (let next = iterator.next(); next && result.length < count; next = iterator.next()) {
    const start = event.getOccurrenceDetails(next).startDate;
    result.push({ startLocal: start.toString().slice(0, 16), startUtc: start.toJSDate().toISOString() });
  }
  return result;
}

const unfoldedLines = (ics: string) => ics.replace(/\r\n[ \t]/g, "").split("\r\n");

async function datesOf(eventId: string): Promise<OccurrenceDto[]> {
  return (await (await api(`/events/${eventId}/occurrences`)).json<{ data: OccurrenceDto[] }>()).data;
}

describe("an event's calendar file", () => {
  it("carries a weekly series once, with its RRULE, the venue's TZID and 21:00 local times", async () => {
    const { event } = await createEvent({
      title: "Milonga de los Jueves",
      start: localDaysFromNow(3, "21:00"),
      end: localDaysFromNow(4, "01:00"),
      recurrence: { rrule: "FREQ=WEEKLY;COUNT=6" },
    });
    const res = await get(`/events/${event.id}/calendar.ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toBe('attachment; filename="milonga-de-los-jueves.ics"');
    const ics = await res.text();

    const uid = `${event.id}@mundotango`;
    const [master, ...others] = vevents(ics, uid);
    expect(others).toHaveLength(0);
    expect(master!.getFirstPropertyValue("rrule")!.toString()).toContain("FREQ=WEEKLY");
    expect(master!.getFirstProperty("dtstart")!.getParameter("tzid")).toBe("America/Argentina/Buenos_Aires");
    expect(master!.getFirstPropertyValue("sequence")).toBe(event.version);
    expect(master!.getFirstPropertyValue("status")).toBe("CONFIRMED");
    expect(master!.getFirstPropertyValue("url")).toBe(`${env.APP_ORIGIN}/events/${event.id}`);

    const dates = occurrencesOf(ics, uid);
    expect(dates).toHaveLength(6);
    expect(dates.every((d) => d.startLocal.endsWith("T21:00"))).toBe(true);
    // Buenos Aires has no DST: 21:00 there is always 00:00 UTC the next day.
    expect(dates.every((d) => d.startUtc.endsWith("T00:00:00.000Z"))).toBe(true);
  });

  it("lists a cancelled date as an EXDATE and a moved one as an override", async () => {
    const { event, organizer } = await createEvent({
      start: localDaysFromNow(2, "21:00"),
      end: localDaysFromNow(3, "01:00"),
      recurrence: { rrule: "FREQ=WEEKLY;COUNT=4" },
    });
    const [first, second] = (await datesOf(event.id)) as [OccurrenceDto, OccurrenceDto];
    await api(`/events/${event.id}/occurrences/${first.occurrenceKey}`, { method: "PATCH", token: organizer.accessToken, json: { cancelled: true } });
    const movedStart = `${second.startLocal.slice(0, 10)}T22:30`;
    await api(`/events/${event.id}/occurrences/${second.occurrenceKey}`, { method: "PATCH", token: organizer.accessToken, json: { start: movedStart, end: `${second.endLocal.slice(0, 10)}T02:00` } });

    const res = await get(`/events/${event.id}/calendar.ics`);
    const ics = await res.text();
    const exdate = unfoldedLines(ics).find((line) => line.startsWith("EXDATE"));
    expect(exdate).toBe(`EXDATE;TZID=America/Argentina/Buenos_Aires:${first.startLocal.replace(/[-:]/g, "")}00`);

    const uid = `${event.id}@mundotango`;
    const dates = occurrencesOf(ics, uid);
    expect(dates).toHaveLength(3);
    expect(dates.map((d) => d.startLocal)).not.toContain(first.startLocal);
    expect(dates[0]!.startLocal).toBe(movedStart);
    const overrides = vevents(ics, uid).filter((v) => v.hasProperty("recurrence-id"));
    expect(overrides).toHaveLength(1);
    // Each change bumps the event's version, which calendar apps read as SEQUENCE.
    const version = (await (await api(`/events/${event.id}`)).json<{ version: number }>()).version;
    expect(version).toBeGreaterThan(event.version);
    expect(vevents(ics, uid)[0]!.getFirstPropertyValue("sequence")).toBe(version);
  });

  it("says STATUS:CANCELLED once the event is cancelled", async () => {
    const { event, organizer } = await createEvent();
    expect((await api(`/events/${event.id}`, { method: "DELETE", token: organizer.accessToken })).status).toBe(204);
    const ics = await (await get(`/events/${event.id}/calendar.ics`)).text();
    const [vevent] = vevents(ics, `${event.id}@mundotango`);
    expect(vevent!.getFirstPropertyValue("status")).toBe("CANCELLED");
  });

  it("keeps a title with a <script> tag as plain text", async () => {
    const title = `<script>alert("x")</script> Milonga`;
    const { event } = await createEvent({ title, description: "<img src=x onerror=alert(1)> **tandas**" });
    const ics = await (await get(`/events/${event.id}/calendar.ics`)).text();
    const [vevent] = vevents(ics, `${event.id}@mundotango`);
    expect(vevent!.getFirstPropertyValue("summary")).toBe(title);
    expect(vevent!.getFirstPropertyValue("description")).toBe("<img src=x onerror=alert(1)> tandas");
  });

  it("cannot be made to grow properties by a title with a line break", async () => {
    const { event } = await createEvent({ title: "x\r\nATTENDEE:evil" });
    const res = await get(`/events/${event.id}/calendar.ics`);
    const ics = await res.text();
    expect(unfoldedLines(ics).filter((line) => /^ATTENDEE/i.test(line))).toEqual([]);
    const [vevent] = vevents(ics, `${event.id}@mundotango`);
    expect(vevent!.hasProperty("attendee")).toBe(false);
    expect(vevent!.getFirstPropertyValue("summary")).toBe("x\nATTENDEE:evil");
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename="[a-z0-9-]+\.ics"$/);
  });

  it("answers 304 to its own ETag", async () => {
    const { event } = await createEvent();
    const first = await get(`/events/${event.id}/calendar.ics`);
    const etag = first.headers.get("ETag")!;
    expect(etag).toMatch(/^W\/"/);
    expect((await get(`/events/${event.id}/calendar.ics`, { "If-None-Match": etag })).status).toBe(304);
  });

  it.each([
    ["an id no event has", "01900000-0000-7000-8000-000000000000"],
    ["something that is not an id", "not-an-event"],
  ])("answers 404 for %s", async (_name, id) => {
    expect((await get(`/events/${id}/calendar.ics`)).status).toBe(404);
  });
});

describe("a city's calendar feed", () => {
  it("lists single events and each series once, and leaves out cancelled events and stale series", async () => {
    const venue = { name: "Milonga Test Hall", address: "Calle Test 1", city: "montevideo" };
    const single = (await createEvent({ venue, title: "Milonga única de Montevideo", start: localDaysFromNow(5, "21:00"), end: localDaysFromNow(6, "01:00") })).event;
    const series = (
      await createEvent({ venue, title: "Práctica semanal", start: localDaysFromNow(1, "21:00"), end: localDaysFromNow(1, "23:30"), recurrence: { rrule: "FREQ=WEEKLY" } })
    ).event;
    const { event: cancelled, organizer } = await createEvent({ venue, title: "Milonga cancelada" });
    await api(`/events/${cancelled.id}`, { method: "DELETE", token: organizer.accessToken });
    const stale = (await createEvent({ venue, title: "Serie olvidada", recurrence: { rrule: "FREQ=WEEKLY" } })).event;
    await env.DB.prepare("UPDATE events SET confirmed_at = ? WHERE id = ?").bind(new Date(Date.now() - 9 * 7 * 86_400_000).toISOString(), stale.id).run();

    const res = await get("/cities/montevideo/calendar.ics");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toMatch(/^inline/);
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=900");
    const ics = await res.text();
    const root = parse(ics);
    expect(root.getFirstPropertyValue("x-wr-calname")).toContain("Montevideo");

    expect(vevents(ics, `${single.id}@mundotango`)).toHaveLength(1);
    const seriesEvents = vevents(ics, `${series.id}@mundotango`);
    expect(seriesEvents).toHaveLength(1);
    expect(seriesEvents[0]!.getFirstPropertyValue("rrule")!.toString()).toContain("FREQ=WEEKLY");
    expect(seriesEvents[0]!.getFirstProperty("dtstart")!.getParameter("tzid")).toBe("America/Montevideo");
    expect(occurrencesOf(ics, `${series.id}@mundotango`, 3).every((d) => d.startLocal.endsWith("T21:00"))).toBe(true);
    expect(vevents(ics, `${cancelled.id}@mundotango`)).toHaveLength(0);
    expect(vevents(ics, `${stale.id}@mundotango`)).toHaveLength(0);
    // No event appears twice: a series is one VEVENT, not one per date.
    const uids = vevents(ics).map((v) => String(v.getFirstPropertyValue("uid")));
    expect(new Set(uids).size).toBe(uids.length);
  });

  it("answers 304 to its ETag, and a new one once an event changes", async () => {
    const first = await get("/cities/lisbon/calendar.ics");
    const etag = first.headers.get("ETag")!;
    expect(etag).toMatch(/^W\/"/);
    expect((await get("/cities/lisbon/calendar.ics", { "If-None-Match": etag })).status).toBe(304);
    await createEvent({ venue: { name: "Lisboa Tango", address: "Rua Test 1", city: "lisbon" } });
    const after = await get("/cities/lisbon/calendar.ics", { "If-None-Match": etag });
    expect(after.status).toBe(200);
    expect(after.headers.get("ETag")).not.toBe(etag);
  });

  it("stays a well-formed feed with hostile titles in it", async () => {
    const venue = { name: "Hostile Hall", address: "Calle 1", city: "santiago" };
    await createEvent({ venue, title: "x\r\nATTENDEE:evil" });
    await createEvent({ venue, title: "</script><script>alert(1)</script>" });
    const ics = await (await get("/cities/santiago/calendar.ics")).text();
    expect(unfoldedLines(ics).filter((line) => /^ATTENDEE/i.test(line))).toEqual([]);
    const summaries = vevents(ics).map((v) => v.getFirstPropertyValue("summary"));
    expect(summaries).toContain("x\nATTENDEE:evil");
    expect(summaries).toContain("</script><script>alert(1)</script>");
  });

  it("answers 404 for a city we do not list", async () => {
    expect((await get("/cities/atlantis/calendar.ics")).status).toBe(404);
    expect((await get("/cities/NOT%20A%20SLUG/calendar.ics")).status).toBe(404);
  });
});

/**
 * Tables that grow with the community; a full scan of one of them is a bug. (occurrence_overrides
 * holds a handful of rows here, so SQLite rightly scans it instead of using its primary key.)
 */
const LARGE_TABLES = ["events", "event_occurrences", "users", "venues"];

function fullScans(plan: string[]): string[] {
  return plan.filter(
    (step) =>
      // Stricter than a plain "no SCAN": walking a whole primary-key index is a full scan too.
      LARGE_TABLES.some((table) => new RegExp(`^SCAN ${table}\\b`).test(step)) ||
      /USE TEMP B-TREE FOR (ORDER BY|RIGHT PART OF ORDER BY)/.test(step),
  );
}

describe("feed and sitemap queries", () => {
  it.each([
    ["the city feed", (ctx: Ctx) => cityCalendar(ctx, "buenos-aires")],
    ["the sitemap", (ctx: Ctx) => listSitemapEvents(ctx)],
  ])("%s is served by indexes", async (_name, run) => {
    await env.DB.exec("ANALYZE");
    for (const { sql, plan } of await plansFor(run)) expect(fullScans(plan), `${sql}\n${plan.join("\n")}`).toEqual([]);
  });
});
