import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { type CalendarEvent, renderCalendar } from "../../worker/lib/ical";

const now = new Date("2026-06-01T12:00:00Z");

const milonga = (overrides: Partial<CalendarEvent> = {}): CalendarEvent => ({
  uid: "01JMILONGA@mundotango",
  title: "Milonga del Jueves",
  timeZone: "Europe/Berlin",
  startLocal: "2026-10-15T21:00",
  endLocal: "2026-10-16T01:00",
  ...overrides,
});

const calendar = (events: CalendarEvent[], extra: Partial<Parameters<typeof renderCalendar>[0]> = {}) =>
  renderCalendar({ name: "Tango in Berlin", events, now, ...extra });

/** Parses with ical.js, registering the feed's own VTIMEZONEs so TZIDs resolve. */
function parse(ics: string) {
  const root = new ICAL.Component(ICAL.parse(ics));
  for (const vtimezone of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(vtimezone);
  return root;
}

function parseEvents(ics: string) {
  const vevents = parse(ics).getAllSubcomponents("vevent");
  const masters = vevents.filter((vevent) => !vevent.hasProperty("recurrence-id"));
  const exceptions = vevents.filter((vevent) => vevent.hasProperty("recurrence-id"));
  return masters.map((vevent) => new ICAL.Event(vevent, { exceptions, strictExceptions: true }));
}

function occurrences(event: ICAL.Event, count: number) {
  const iterator = event.iterator();
  const result: { startUtc: string; startLocal: string; title: string }[] = [];
  for (let next = iterator.next(); next && result.length < count; next = iterator.next()) {
    const details = event.getOccurrenceDetails(next);
    const start = details.startDate;
    result.push({
      startUtc: start.toJSDate().toISOString(),
      startLocal: start.toString().slice(0, 16),
      title: details.item.summary,
    });
  }
  return result;
}

const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, "");
const lines = (ics: string) => ics.split("\r\n").slice(0, -1);
const octets = (line: string) => new TextEncoder().encode(line).length;

describe("iCalendar feed", () => {
  it("is a publishable calendar with CRLF lines no longer than 75 octets", () => {
    const ics = calendar([milonga()], { refreshIntervalMinutes: 360, url: "https://mundotango.life/cities/berlin" });
    expect(ics.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mundo Tango//Events//EN\r\n")).toBe(true);
    expect(ics.endsWith("END:VCALENDAR\r\n")).toBe(true);
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    for (const line of lines(ics)) expect(octets(line)).toBeLessThanOrEqual(75);

    const root = parse(ics);
    expect(root.getFirstPropertyValue("calscale")).toBe("GREGORIAN");
    expect(root.getFirstPropertyValue("method")).toBe("PUBLISH");
    expect(root.getFirstPropertyValue("x-wr-calname")).toBe("Tango in Berlin");
    expect(root.getFirstPropertyValue("x-wr-timezone")).toBe("Europe/Berlin");
    expect(root.getFirstProperty("refresh-interval")?.toICALString()).toBe("REFRESH-INTERVAL;VALUE=DURATION:PT360M");
    expect(String(root.getFirstPropertyValue("x-published-ttl"))).toBe("PT360M");
    expect(root.getAllSubcomponents("vtimezone").map((tz) => tz.getFirstPropertyValue("tzid"))).toEqual(["Europe/Berlin"]);
  });

  it("describes an event with every property a calendar app shows", () => {
    const ics = calendar([
      milonga({
        description: "Live orchestra.\nEntry 12 €",
        url: "https://mundotango.life/events/01JMILONGA",
        location: "Clärchens Ballhaus, Auguststraße 24, Berlin",
        geo: { lat: 52.526611, lng: 13.396944 },
        status: "CONFIRMED",
        sequence: 3,
        lastModified: "2026-05-30T08:15:00.000Z",
        organizer: { name: "Ana \"La Negra\" Pérez", url: "https://mundotango.life/people/ana" },
        categories: ["Milonga", "Live music"],
      }),
    ]);
    const vevent = parse(ics).getFirstSubcomponent("vevent")!;
    const event = new ICAL.Event(vevent);
    expect(event.uid).toBe("01JMILONGA@mundotango");
    expect(event.summary).toBe("Milonga del Jueves");
    expect(event.description).toBe("Live orchestra.\nEntry 12 €");
    expect(event.location).toBe("Clärchens Ballhaus, Auguststraße 24, Berlin");
    expect(event.startDate.toJSDate().toISOString()).toBe("2026-10-15T19:00:00.000Z");
    expect(event.endDate.toJSDate().toISOString()).toBe("2026-10-15T23:00:00.000Z");
    expect(event.startDate.zone.tzid).toBe("Europe/Berlin");
    expect(vevent.getFirstPropertyValue("url")).toBe("https://mundotango.life/events/01JMILONGA");
    expect(vevent.getFirstPropertyValue("geo")).toEqual([52.526611, 13.396944]);
    expect(vevent.getFirstPropertyValue("status")).toBe("CONFIRMED");
    expect(event.sequence).toBe(3);
    expect(vevent.getFirstPropertyValue("dtstamp")?.toString()).toBe("2026-06-01T12:00:00Z");
    expect(vevent.getFirstPropertyValue("last-modified")?.toString()).toBe("2026-05-30T08:15:00Z");
    expect(vevent.getFirstProperty("organizer")?.getParameter("cn")).toBe("Ana 'La Negra' Pérez");
    expect(vevent.getFirstPropertyValue("organizer")).toBe("https://mundotango.life/people/ana");
    expect(vevent.getFirstProperty("categories")?.getValues()).toEqual(["Milonga", "Live music"]);
    expect(unfold(ics)).toContain("DTSTART;TZID=Europe/Berlin:20261015T210000\r\n");
  });

  it("keeps a weekly 21:00 Berlin milonga at 21:00 local on both sides of the DST change", () => {
    const [event] = parseEvents(
      calendar([milonga({ rrule: "FREQ=WEEKLY;BYDAY=TH;UNTIL=20271231T235959Z" })]),
    );
    const series = occurrences(event!, 4);
    expect(series).toEqual([
      { startUtc: "2026-10-15T19:00:00.000Z", startLocal: "2026-10-15T21:00", title: "Milonga del Jueves" },
      { startUtc: "2026-10-22T19:00:00.000Z", startLocal: "2026-10-22T21:00", title: "Milonga del Jueves" },
      // Summer time ends on Sunday 25 October 2026: same wall clock, an hour later in UTC.
      { startUtc: "2026-10-29T20:00:00.000Z", startLocal: "2026-10-29T21:00", title: "Milonga del Jueves" },
      { startUtc: "2026-11-05T20:00:00.000Z", startLocal: "2026-11-05T21:00", title: "Milonga del Jueves" },
    ]);
  });

  it("leaves out a cancelled occurrence (EXDATE)", () => {
    const ics = calendar([
      milonga({ rrule: "FREQ=WEEKLY;BYDAY=TH", exdates: ["2026-10-22T21:00", "2026-11-05T21:00"] }),
    ]);
    expect(unfold(ics)).toContain("EXDATE;TZID=Europe/Berlin:20261022T210000,20261105T210000\r\n");
    const [event] = parseEvents(ics);
    expect(occurrences(event!, 3).map((o) => o.startLocal)).toEqual([
      "2026-10-15T21:00",
      "2026-10-29T21:00",
      "2026-11-12T21:00",
    ]);
  });

  it("publishes a moved occurrence as an exception of the same series", () => {
    const ics = calendar([
      milonga({
        rrule: "FREQ=WEEKLY;BYDAY=TH",
        overrides: [
          { recurrenceLocal: "2026-10-22T21:00", startLocal: "2026-10-24T20:00", endLocal: "2026-10-25T02:00", title: "Milonga del Jueves — Saturday special" },
        ],
      }),
    ]);
    const vevents = parse(ics).getAllSubcomponents("vevent");
    expect(vevents).toHaveLength(2);
    expect(vevents.map((v) => v.getFirstPropertyValue("uid"))).toEqual(["01JMILONGA@mundotango", "01JMILONGA@mundotango"]);
    expect(unfold(ics)).toContain("RECURRENCE-ID;TZID=Europe/Berlin:20261022T210000\r\n");

    const [event] = parseEvents(ics);
    expect(occurrences(event!, 3)).toEqual([
      { startUtc: "2026-10-15T19:00:00.000Z", startLocal: "2026-10-15T21:00", title: "Milonga del Jueves" },
      { startUtc: "2026-10-24T18:00:00.000Z", startLocal: "2026-10-24T20:00", title: "Milonga del Jueves — Saturday special" },
      { startUtc: "2026-10-29T20:00:00.000Z", startLocal: "2026-10-29T21:00", title: "Milonga del Jueves" },
    ]);
  });

  it("marks a cancelled event CANCELLED so subscribers see it struck out", () => {
    const ics = calendar([milonga({ status: "CANCELLED", sequence: 4 })]);
    const vevent = parse(ics).getFirstSubcomponent("vevent")!;
    expect(vevent.getFirstPropertyValue("status")).toBe("CANCELLED");
    expect(vevent.getFirstPropertyValue("sequence")).toBe(4);
  });

  it("gives each zone one VTIMEZONE and names no feed zone when zones differ", () => {
    const ics = calendar([
      milonga(),
      milonga({ uid: "a@mundotango", timeZone: "America/Argentina/Buenos_Aires" }),
      milonga({ uid: "b@mundotango", startLocal: "2026-10-17T21:00", endLocal: "2026-10-18T02:00" }),
    ]);
    const root = parse(ics);
    expect(root.getAllSubcomponents("vtimezone").map((tz) => tz.getFirstPropertyValue("tzid"))).toEqual([
      "Europe/Berlin",
      "America/Argentina/Buenos_Aires",
    ]);
    expect(root.hasProperty("x-wr-timezone")).toBe(false);
    const [, buenosAires] = parseEvents(ics);
    expect(buenosAires!.startDate.toJSDate().toISOString()).toBe("2026-10-16T00:00:00.000Z");
  });

  it("refers to an aliased zone by the TZID of the VTIMEZONE it ships", () => {
    const ics = calendar([milonga({ timeZone: "Africa/Accra" })]);
    const root = parse(ics);
    const tzid = root.getFirstSubcomponent("vtimezone")!.getFirstPropertyValue("tzid");
    expect(unfold(ics)).toContain(`DTSTART;TZID=${tzid}:20261015T210000\r\n`);
    expect(parseEvents(ics)[0]!.startDate.toJSDate().toISOString()).toBe("2026-10-15T21:00:00.000Z");
  });

  it("writes times in UTC when the zone has no VTIMEZONE in the library", () => {
    // Intl resolves zone names case-insensitively; the VTIMEZONE library does not.
    const ics = calendar([
      milonga({ timeZone: "europe/berlin", rrule: "FREQ=WEEKLY;BYDAY=TH", exdates: ["2026-10-22T21:00"] }),
    ]);
    const text = unfold(ics);
    expect(text).not.toContain("TZID");
    expect(text).not.toContain("BEGIN:VTIMEZONE");
    expect(text).toContain("DTSTART:20261015T190000Z\r\n");
    expect(text).toContain("DTEND:20261015T230000Z\r\n");
    expect(text).toContain("EXDATE:20261022T190000Z\r\n");
    const [event] = parseEvents(ics);
    expect(occurrences(event!, 2).map((o) => o.startUtc)).toEqual(["2026-10-15T19:00:00.000Z", "2026-10-29T19:00:00.000Z"]);
  });

  it("refuses a zone nobody knows rather than guess the time", () => {
    expect(() => calendar([milonga({ timeZone: "Mars/Olympus_Mons" })])).toThrow(RangeError);
  });

  it("is still a valid calendar with no events", () => {
    const ics = calendar([], { timeZone: "Europe/Berlin" });
    const root = parse(ics);
    expect(root.getAllSubcomponents("vevent")).toEqual([]);
    expect(root.getFirstPropertyValue("x-wr-timezone")).toBe("Europe/Berlin");
    // RFC 5545 requires at least one component; the feed's zone is that component.
    expect(root.getAllSubcomponents()).toHaveLength(1);
  });

  it("is still a valid calendar with no events and no zone", () => {
    const root = parse(calendar([]));
    expect(root.getAllSubcomponents("vevent")).toEqual([]);
    expect(root.getAllSubcomponents()).toHaveLength(1);
  });
});

describe("iCalendar text", () => {
  it("folds accented and emoji text at 75 octets without splitting a character", () => {
    const title = "Milonga “La Ñata” — ¡Bailá con corazón! 💃🕺🏽 ".repeat(6) + "🇦🇷".repeat(20);
    const description = "Ärger? Nö. Çà et là: åäö ñ ü ß é ".repeat(30) + "👩‍❤️‍👨".repeat(10);
    const ics = calendar([milonga({ title, description })]);
    for (const line of lines(ics)) {
      expect(octets(line)).toBeLessThanOrEqual(75);
      expect(line).not.toContain("\ufffd");
    }
    const event = parseEvents(ics)[0]!;
    expect(event.summary).toBe(title);
    expect(event.description).toBe(description);
  });

  it("escapes backslashes, semicolons, commas and newlines in text", () => {
    const title = "Práctica; then milonga, C:\\tango\\";
    const description = "Line one\r\nLine two\nLine three\rend";
    const ics = calendar([milonga({ title, description })]);
    const text = unfold(ics);
    expect(text).toContain("SUMMARY:Práctica\\; then milonga\\, C:\\\\tango\\\\\r\n");
    expect(text).toContain("DESCRIPTION:Line one\\nLine two\\nLine three\\nend\r\n");
    const event = parseEvents(ics)[0]!;
    expect(event.summary).toBe(title);
    expect(event.description).toBe("Line one\nLine two\nLine three\nend");
  });

  it("keeps a CRLF injection in a title inside SUMMARY", () => {
    const ics = calendar([milonga({ title: "Title\r\nATTENDEE:mailto:evil@example.com\r\nEND:VEVENT" })]);
    const text = unfold(ics);
    expect(text).not.toMatch(/^ATTENDEE/m);
    expect(text.match(/^END:VEVENT/gm)).toHaveLength(1);
    const vevent = parse(ics).getFirstSubcomponent("vevent")!;
    expect(vevent.hasProperty("attendee")).toBe(false);
    expect(vevent.getFirstPropertyValue("summary")).toBe("Title\nATTENDEE:mailto:evil@example.com\nEND:VEVENT");
  });

  it("keeps a bare CR, LF or Unicode line separator from starting a new property", () => {
    for (const breaker of ["\r", "\n", "\u2028", "\u0085"]) {
      const ics = calendar([milonga({ location: `Hall${breaker}ATTENDEE:evil` })]);
      expect(unfold(ics)).not.toMatch(/^ATTENDEE/m);
      expect(parse(ics).getFirstSubcomponent("vevent")!.hasProperty("attendee")).toBe(false);
    }
  });

  it("strips control characters from member text", () => {
    const ics = calendar([milonga({ title: "Mil\u0000on\u0007ga\u001b[31m\u007f del\tJueves" })]);
    // eslint-disable-next-line no-control-regex -- asserting their absence
    expect(ics).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
    expect(parseEvents(ics)[0]!.summary).toBe("Milonga[31m del Jueves");
  });

  it("carries HTML in a description as inert text", () => {
    const description = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const event = parseEvents(calendar([milonga({ description })]))[0]!;
    expect(event.description).toBe(description);
  });

  it("keeps a quote in the organiser's name inside the CN parameter", () => {
    const ics = calendar([
      milonga({ url: "https://mundotango.life/events/1", organizer: { name: 'Evil":mailto:x@y\r\nATTENDEE:z' } }),
    ]);
    const vevent = parse(ics).getFirstSubcomponent("vevent")!;
    expect(vevent.hasProperty("attendee")).toBe(false);
    expect(vevent.getFirstPropertyValue("organizer")).toBe("https://mundotango.life/events/1");
  });

  it("publishes only http(s) links", () => {
    for (const url of ["javascript:alert(1)", "data:text/html,<b>x</b>", "not a url"]) {
      const vevent = parse(calendar([milonga({ url })])).getFirstSubcomponent("vevent")!;
      expect(vevent.hasProperty("url")).toBe(false);
    }
    const ics = calendar([milonga({ url: "https://mundotango.life/e/1?a=b\r\nATTENDEE:evil" })]);
    expect(unfold(ics)).not.toMatch(/^ATTENDEE/m);
  });

  it("escapes commas inside a category", () => {
    const vevent = parse(calendar([milonga({ categories: ["Tango, vals & milonga", "Live"] })])).getFirstSubcomponent("vevent")!;
    expect(vevent.getFirstProperty("categories")?.getValues()).toEqual(["Tango, vals & milonga", "Live"]);
  });

  it("rejects an RRULE that would smuggle in another property", () => {
    expect(() => calendar([milonga({ rrule: "FREQ=WEEKLY\r\nATTENDEE:evil" })])).toThrow(RangeError);
  });
});
