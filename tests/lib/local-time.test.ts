import { describe, expect, it } from "vitest";
import {
  addMinutesLocal,
  instantToLocal,
  isValidTimeZone,
  localToInstant,
  minutesBetweenLocal,
  parseLocalDateTime,
} from "../../worker/lib/local-time";

const iso = (date: Date) => date.toISOString();

describe("isValidTimeZone", () => {
  it.each(["America/Argentina/Buenos_Aires", "America/Buenos_Aires", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Asia/Kathmandu", "America/Port-au-Prince", "UTC"])(
    "accepts the IANA zone %s",
    (timeZone) => {
      expect(isValidTimeZone(timeZone)).toBe(true);
    },
  );

  it.each([
    ["an empty string", ""],
    ["an invented zone", "Mars/Olympus"],
    ["an invented city in a real area", "Europe/Atlantis"],
    ["a UTC offset", "+03:00"],
    ["a POSIX-style legacy zone", "EST5EDT"],
    ["a bare abbreviation", "EST"],
    ["an Etc zone with its inverted sign", "Etc/GMT+3"],
    ["the wrong capitalisation", "europe/berlin"],
    ["a trailing space", "Europe/Berlin "],
    ["a trailing slash", "Europe/Berlin/"],
    ["an area alone", "America"],
    ["more than 64 characters", `America/${"A".repeat(57)}`],
  ])("refuses %s", (_, timeZone) => {
    expect(isValidTimeZone(timeZone)).toBe(false);
  });
});

describe("parseLocalDateTime", () => {
  it("reads a wall-clock time into its parts", () => {
    expect(parseLocalDateTime("2027-03-12T21:00")).toEqual({ year: 2027, month: 3, day: 12, hour: 21, minute: 0 });
  });

  it("tolerates zero seconds", () => {
    expect(parseLocalDateTime("2027-03-12T21:05:00")).toEqual({ year: 2027, month: 3, day: 12, hour: 21, minute: 5 });
  });

  it("accepts 29 February in a leap year", () => {
    expect(parseLocalDateTime("2028-02-29T20:00")).toBeDefined();
  });

  it.each([
    ["30 February", "2027-02-30T21:00"],
    ["29 February outside a leap year", "2027-02-29T21:00"],
    ["31 April", "2027-04-31T21:00"],
    ["month 13", "2027-13-01T21:00"],
    ["month 00", "2027-00-10T21:00"],
    ["day 00", "2027-03-00T21:00"],
    ["24:00", "2027-03-12T24:00"],
    ["minute 60", "2027-03-12T21:60"],
    ["non-zero seconds", "2027-03-12T21:00:30"],
    ["a space instead of T", "2027-03-12 21:00"],
    ["unpadded fields", "2027-3-12T21:00"],
    ["a trailing Z", "2027-03-12T21:00Z"],
    ["an offset", "2027-03-12T21:00+01:00"],
    ["a date alone", "2027-03-12"],
    ["an empty string", ""],
  ])("refuses %s", (_, value) => {
    expect(parseLocalDateTime(value)).toBeUndefined();
  });
});

describe("localToInstant and instantToLocal", () => {
  it("reads Berlin wall-clock times in winter (CET, +01:00) and summer (CEST, +02:00)", () => {
    expect(iso(localToInstant("2027-03-27T21:00", "Europe/Berlin"))).toBe("2027-03-27T20:00:00.000Z");
    expect(iso(localToInstant("2027-03-28T21:00", "Europe/Berlin"))).toBe("2027-03-28T19:00:00.000Z");
    expect(iso(localToInstant("2027-10-30T21:00", "Europe/Berlin"))).toBe("2027-10-30T19:00:00.000Z");
    expect(iso(localToInstant("2027-10-31T21:00", "Europe/Berlin"))).toBe("2027-10-31T20:00:00.000Z");
  });

  it("moves a time skipped by Berlin's spring-forward (02:30 on the last Sunday of March) forward by the gap, to 03:30", () => {
    const instant = localToInstant("2027-03-28T02:30", "Europe/Berlin");
    expect(iso(instant)).toBe("2027-03-28T01:30:00.000Z");
    expect(instantToLocal(instant, "Europe/Berlin")).toBe("2027-03-28T03:30");
  });

  it("reads a time that happens twice on Berlin's fall-back night (last Sunday of October) as the first one", () => {
    expect(iso(localToInstant("2027-10-31T02:30", "Europe/Berlin"))).toBe("2027-10-31T00:30:00.000Z");
    expect(instantToLocal("2027-10-31T00:30:00Z", "Europe/Berlin")).toBe("2027-10-31T02:30");
    expect(instantToLocal("2027-10-31T01:30:00Z", "Europe/Berlin")).toBe("2027-10-31T02:30");
  });

  it("handles New York's gap (second Sunday of March) and overlap (first Sunday of November)", () => {
    expect(iso(localToInstant("2027-03-14T01:59", "America/New_York"))).toBe("2027-03-14T06:59:00.000Z");
    expect(iso(localToInstant("2027-03-14T02:30", "America/New_York"))).toBe("2027-03-14T07:30:00.000Z");
    expect(instantToLocal("2027-03-14T07:30:00Z", "America/New_York")).toBe("2027-03-14T03:30");
    expect(iso(localToInstant("2027-11-07T01:30", "America/New_York"))).toBe("2027-11-07T05:30:00.000Z");
  });

  it("handles the southern hemisphere, where Sydney is on summer time in January and springs forward in October", () => {
    expect(iso(localToInstant("2027-01-15T20:00", "Australia/Sydney"))).toBe("2027-01-15T09:00:00.000Z");
    expect(iso(localToInstant("2027-07-15T20:00", "Australia/Sydney"))).toBe("2027-07-15T10:00:00.000Z");
    expect(iso(localToInstant("2027-10-03T02:30", "Australia/Sydney"))).toBe("2027-10-02T16:30:00.000Z");
    expect(iso(localToInstant("2027-04-04T02:30", "Australia/Sydney"))).toBe("2027-04-03T15:30:00.000Z");
  });

  it("follows Santiago's offset from -03:00 in the southern summer to -04:00 in winter", () => {
    expect(iso(localToInstant("2027-01-14T21:00", "America/Santiago"))).toBe("2027-01-15T00:00:00.000Z");
    expect(iso(localToInstant("2027-07-15T21:00", "America/Santiago"))).toBe("2027-07-16T01:00:00.000Z");
  });

  it("keeps Buenos Aires at -03:00 all year", () => {
    for (const local of ["2027-01-14T21:00", "2027-03-28T21:00", "2027-07-15T21:00", "2027-10-31T21:00"]) {
      const instant = localToInstant(local, "America/Argentina/Buenos_Aires");
      expect(instant.getTime() - Date.parse(`${local}:00Z`)).toBe(3 * 3_600_000);
      expect(instantToLocal(instant, "America/Argentina/Buenos_Aires")).toBe(local);
    }
  });

  it("handles zones with quarter-hour offsets", () => {
    expect(iso(localToInstant("2027-05-01T20:00", "Asia/Kathmandu"))).toBe("2027-05-01T14:15:00.000Z");
    expect(instantToLocal("2027-05-01T14:15:00Z", "Asia/Kathmandu")).toBe("2027-05-01T20:00");
  });

  it("round-trips every half hour of a DST-change week except the skipped hour", () => {
    for (let minutes = 0; minutes < 7 * 24 * 60; minutes += 30) {
      const local = addMinutesLocal("2027-03-25T00:00", minutes);
      const back = instantToLocal(localToInstant(local, "Europe/Berlin"), "Europe/Berlin");
      expect(back).toBe(local.startsWith("2027-03-28T02:") ? addMinutesLocal(local, 60) : local);
    }
  });

  it("drops seconds when reading an instant", () => {
    expect(instantToLocal(new Date("2027-03-12T20:00:59.999Z"), "Europe/Berlin")).toBe("2027-03-12T21:00");
  });

  it("refuses a malformed wall-clock time", () => {
    expect(() => localToInstant("2027-02-30T21:00", "Europe/Berlin")).toThrow(RangeError);
  });

  it("refuses an instant that is not a date", () => {
    expect(() => instantToLocal("yesterday", "Europe/Berlin")).toThrow(RangeError);
  });
});

describe("addMinutesLocal and minutesBetweenLocal", () => {
  it("does arithmetic on the wall clock, ignoring DST: a 21:00 milonga of 5 hours ends at 02:00", () => {
    expect(addMinutesLocal("2027-03-27T21:00", 300)).toBe("2027-03-28T02:00");
    expect(minutesBetweenLocal("2027-03-27T21:00", "2027-03-28T02:00")).toBe(300);
  });

  it("crosses month and year ends", () => {
    expect(addMinutesLocal("2027-12-31T23:30", 45)).toBe("2028-01-01T00:15");
    expect(addMinutesLocal("2028-03-01T00:10", -20)).toBe("2028-02-29T23:50");
  });

  it("reports an earlier end as a negative length", () => {
    expect(minutesBetweenLocal("2027-03-12T21:00", "2027-03-12T20:00")).toBe(-60);
  });
});
