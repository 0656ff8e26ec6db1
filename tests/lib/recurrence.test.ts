import { describe, expect, it } from "vitest";
import {
  describeRecurrence,
  expandSeries,
  findOccurrence,
  parseRecurrenceRule,
  startFollowsRule,
  type ExpandSeriesInput,
  type RecurrenceRule,
} from "../../worker/lib/recurrence";

function rule(rrule: string, timeZone?: string): RecurrenceRule {
  const parsed = parseRecurrenceRule(rrule, timeZone);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.rule;
}

/** A Thursday milonga in Berlin, 21:00–02:00, every week from 4 March 2027. */
function berlinThursdays(overrides: Partial<ExpandSeriesInput> = {}): ExpandSeriesInput {
  return {
    rrule: "FREQ=WEEKLY;BYDAY=TH",
    startLocal: "2027-03-04T21:00",
    endLocal: "2027-03-05T02:00",
    timeZone: "Europe/Berlin",
    from: new Date("2027-03-01T00:00:00Z"),
    to: new Date("2027-04-10T00:00:00Z"),
    ...overrides,
  };
}

const keys = (input: ExpandSeriesInput) => expandSeries(input).map((o) => o.occurrenceKey);
const dates = (input: ExpandSeriesInput) => keys(input).map((key) => key.slice(0, 10));

describe("parseRecurrenceRule", () => {
  it.each([
    ["FREQ=WEEKLY;BYDAY=TH", "FREQ=WEEKLY;BYDAY=TH"],
    ["RRULE:FREQ=WEEKLY;BYDAY=TH", "FREQ=WEEKLY;BYDAY=TH"],
    ["rrule:freq=weekly;byday=th", "FREQ=WEEKLY;BYDAY=TH"],
    ["  FREQ=WEEKLY;BYDAY=TH  ", "FREQ=WEEKLY;BYDAY=TH"],
    ["BYDAY=TH;FREQ=WEEKLY;INTERVAL=1", "FREQ=WEEKLY;BYDAY=TH"],
    ["FREQ=WEEKLY;BYDAY=TH,TU;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH"],
    ["FREQ=MONTHLY;BYSETPOS=2;BYDAY=SA", "FREQ=MONTHLY;BYDAY=SA;BYSETPOS=2"],
    ["FREQ=MONTHLY;BYDAY=+2SA", "FREQ=MONTHLY;BYDAY=2SA"],
    ["FREQ=MONTHLY;BYDAY=3SA,1SA", "FREQ=MONTHLY;BYDAY=1SA,3SA"],
    ["FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=-1FR"],
    ["FREQ=MONTHLY;BYMONTHDAY=-1,15,1", "FREQ=MONTHLY;BYMONTHDAY=1,15,-1"],
    ["FREQ=WEEKLY;BYDAY=TH;UNTIL=20271231T235959Z", "FREQ=WEEKLY;BYDAY=TH;UNTIL=20271231T235959Z"],
    ["FREQ=WEEKLY;COUNT=10;BYDAY=TH", "FREQ=WEEKLY;BYDAY=TH;COUNT=10"],
  ])("normalizes %s to %s", (input, canonical) => {
    expect(rule(input).rrule).toBe(canonical);
  });

  it("stores a date-only UNTIL as the last second of that day in the venue's zone, in UTC as RFC 5545 requires", () => {
    expect(rule("FREQ=WEEKLY;BYDAY=TH;UNTIL=20271231", "America/Argentina/Buenos_Aires").rrule).toBe("FREQ=WEEKLY;BYDAY=TH;UNTIL=20280101T025959Z");
    expect(rule("FREQ=WEEKLY;BYDAY=TH;UNTIL=20271231").rrule).toBe("FREQ=WEEKLY;BYDAY=TH;UNTIL=20271231T235959Z");
  });

  it("reads a floating UNTIL as the venue's wall-clock time", () => {
    expect(rule("FREQ=WEEKLY;BYDAY=TH;UNTIL=20270701T210000", "Europe/Berlin").rrule).toBe("FREQ=WEEKLY;BYDAY=TH;UNTIL=20270701T190000Z");
  });

  it("returns the parts of the rule", () => {
    expect(rule("FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR;COUNT=6")).toEqual({
      rrule: "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR;COUNT=6",
      freq: "MONTHLY",
      interval: 2,
      byDay: [{ weekday: "FR", ordinal: -1 }],
      byMonthDay: [],
      bySetPos: [],
      until: undefined,
      count: 6,
    });
  });

  it.each([
    ["a daily rule", "FREQ=DAILY", /weekly and monthly/],
    ["a yearly rule", "FREQ=YEARLY", /weekly and monthly/],
    ["an invented frequency", "FREQ=FORTNIGHTLY", /not a frequency/],
    ["a rule without FREQ", "BYDAY=TH", /FREQ is required/],
    ["both UNTIL and COUNT", "FREQ=WEEKLY;UNTIL=20271231T235959Z;COUNT=5", /UNTIL or COUNT, not both/],
    ["COUNT over 520", "FREQ=WEEKLY;COUNT=521", /COUNT must be a whole number from 1 to 520/],
    ["COUNT of 0", "FREQ=WEEKLY;COUNT=0", /COUNT must be/],
    ["a negative COUNT", "FREQ=WEEKLY;COUNT=-3", /COUNT must be/],
    ["INTERVAL of 0", "FREQ=WEEKLY;INTERVAL=0", /INTERVAL must be a whole number from 1 to 12/],
    ["INTERVAL of 13", "FREQ=MONTHLY;INTERVAL=13", /INTERVAL must be/],
    ["INTERVAL in words", "FREQ=WEEKLY;INTERVAL=two", /INTERVAL must be/],
    ["an unknown part", "FREQ=WEEKLY;COLOR=RED", /Unknown part COLOR/],
    ["a repeated FREQ", "FREQ=WEEKLY;FREQ=WEEKLY", /FREQ appears more than once/],
    ["a repeated BYDAY", "FREQ=WEEKLY;BYDAY=TH;BYDAY=FR", /BYDAY appears more than once/],
    ["BYHOUR", "FREQ=WEEKLY;BYDAY=TH;BYHOUR=21", /BYHOUR is not allowed: the time of day comes from the event's start time/],
    ["BYMINUTE", "FREQ=WEEKLY;BYMINUTE=30", /BYMINUTE is not allowed/],
    ["BYSECOND", "FREQ=WEEKLY;BYSECOND=0", /BYSECOND is not allowed/],
    ["BYMONTH", "FREQ=MONTHLY;BYMONTH=3", /BYMONTH is not supported/],
    ["WKST", "FREQ=WEEKLY;WKST=SU", /WKST is not supported/],
    ["an unknown weekday", "FREQ=WEEKLY;BYDAY=XX", /"XX" is not a weekday/],
    ["a weekday listed twice", "FREQ=WEEKLY;BYDAY=TH,TH", /BYDAY lists TH more than once/],
    ["an nth weekday in a weekly rule", "FREQ=WEEKLY;BYDAY=2SA", /needs FREQ=MONTHLY/],
    ["a 6th Saturday", "FREQ=MONTHLY;BYDAY=6SA", /ordinal must be 1 to 5/],
    ["a 0th Saturday", "FREQ=MONTHLY;BYDAY=0SA", /ordinal must be 1 to 5/],
    ["every Saturday mixed with the 2nd Saturday", "FREQ=MONTHLY;BYDAY=SA,2SA", /mixes/],
    ["day 32 of the month", "FREQ=MONTHLY;BYMONTHDAY=32", /BYMONTHDAY "32" is out of range/],
    ["day 0 of the month", "FREQ=MONTHLY;BYMONTHDAY=0", /BYMONTHDAY "0" is out of range/],
    ["a day of the month listed twice", "FREQ=MONTHLY;BYMONTHDAY=15,15", /BYMONTHDAY lists 15 more than once/],
    ["a day of the month in a weekly rule", "FREQ=WEEKLY;BYMONTHDAY=15", /BYMONTHDAY needs FREQ=MONTHLY/],
    ["BYDAY together with BYMONTHDAY", "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", /BYDAY or BYMONTHDAY, not both/],
    ["BYSETPOS without BYDAY", "FREQ=MONTHLY;BYSETPOS=2", /BYSETPOS needs FREQ=MONTHLY and one weekday/],
    ["BYSETPOS over two weekdays", "FREQ=MONTHLY;BYDAY=SA,SU;BYSETPOS=1", /BYSETPOS needs/],
    ["BYSETPOS in a weekly rule", "FREQ=WEEKLY;BYDAY=SA;BYSETPOS=1", /BYSETPOS needs/],
    ["a 6th position", "FREQ=MONTHLY;BYDAY=SA;BYSETPOS=6", /BYSETPOS "6" is out of range/],
    ["UNTIL on 30 February", "FREQ=WEEKLY;UNTIL=20270230", /UNTIL must be a date/],
    ["UNTIL with dashes", "FREQ=WEEKLY;UNTIL=2027-12-31", /UNTIL must be a date/],
    ["UNTIL without seconds", "FREQ=WEEKLY;UNTIL=20271231T2359Z", /UNTIL must be a date/],
    ["an empty value", "FREQ=WEEKLY;BYDAY=", /malformed/],
    ["a trailing semicolon", "FREQ=WEEKLY;", /malformed/],
    ["spaces between parts", "FREQ=WEEKLY; BYDAY=TH", /malformed/],
    ["an empty rule", "", /empty/],
    ["a rule over 256 characters", `FREQ=WEEKLY;BYDAY=TH;UNTIL=20271231${" ".repeat(240)}`, /too long \(at most 256 characters\)/],
  ])("refuses %s", (_, input, message) => {
    const parsed = parseRecurrenceRule(input);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(message);
  });
});

describe("describeRecurrence", () => {
  it.each([
    ["FREQ=WEEKLY;BYDAY=TH", "Every Thursday", "Cada jueves"],
    ["FREQ=WEEKLY;BYDAY=TU,TH", "Every Tuesday and Thursday", "Cada martes y jueves"],
    ["FREQ=WEEKLY;BYDAY=MO,WE,FR", "Every Monday, Wednesday and Friday", "Cada lunes, miércoles y viernes"],
    ["FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "Every 2 weeks on Thursday", "Cada 2 semanas, el jueves"],
    ["FREQ=WEEKLY", "Every week", "Cada semana"],
    ["FREQ=MONTHLY;BYDAY=SA;BYSETPOS=2", "Every 2nd Saturday of the month", "Cada segundo sábado del mes"],
    ["FREQ=MONTHLY;BYDAY=2SA", "Every 2nd Saturday of the month", "Cada segundo sábado del mes"],
    ["FREQ=MONTHLY;BYDAY=-1FR", "Every last Friday of the month", "Cada último viernes del mes"],
    ["FREQ=MONTHLY;BYDAY=1SA,3SA", "Every 1st and 3rd Saturday of the month", "Cada primer y tercer sábado del mes"],
    ["FREQ=MONTHLY;INTERVAL=2;BYDAY=2SA", "Every 2 months on the 2nd Saturday", "Cada 2 meses, el segundo sábado"],
    ["FREQ=MONTHLY;BYMONTHDAY=15", "Every month on the 15th", "Cada mes, el día 15"],
    ["FREQ=MONTHLY;BYMONTHDAY=-1", "Every month on the last day", "Cada mes, el último día"],
    ["FREQ=MONTHLY;INTERVAL=3", "Every 3 months", "Cada 3 meses"],
    ["FREQ=WEEKLY;BYDAY=TH;COUNT=10", "Every Thursday, 10 times", "Cada jueves, 10 veces"],
  ])("describes %s", (rrule, en, es) => {
    expect(describeRecurrence(rule(rrule), "en")).toBe(en);
    expect(describeRecurrence(rule(rrule), "es")).toBe(es);
  });

  it("gives UNTIL as a date in the venue's zone", () => {
    const until = rule("FREQ=WEEKLY;BYDAY=TH;UNTIL=20271231", "America/Argentina/Buenos_Aires");
    expect(describeRecurrence(until, "en", "America/Argentina/Buenos_Aires")).toBe("Every Thursday, until Dec 31, 2027");
    expect(describeRecurrence(until, "es", "America/Argentina/Buenos_Aires")).toBe("Cada jueves, hasta el 31 dic 2027");
  });
});

describe("expandSeries across DST changes", () => {
  it("keeps a Berlin Thursday milonga at 21:00 local when the clocks go forward on the last Sunday of March", () => {
    const occurrences = expandSeries(berlinThursdays());
    expect(occurrences.map((o) => o.startLocal)).toEqual(["2027-03-04T21:00", "2027-03-11T21:00", "2027-03-18T21:00", "2027-03-25T21:00", "2027-04-01T21:00", "2027-04-08T21:00"]);
    expect(occurrences[3]).toMatchObject({ startsAt: "2027-03-25T20:00:00.000Z", endsAt: "2027-03-26T01:00:00.000Z", endLocal: "2027-03-26T02:00" });
    expect(occurrences[4]).toMatchObject({ startsAt: "2027-04-01T19:00:00.000Z", endsAt: "2027-04-02T00:00:00.000Z", endLocal: "2027-04-02T02:00" });
    expect(occurrences.every((o) => o.status === "scheduled" && o.occurrenceKey === o.startLocal)).toBe(true);
  });

  it("ends a 21:00–02:00 milonga on the spring-forward night at 03:00 CEST, the same instant as 02:00 would have been", () => {
    const [, night] = expandSeries({
      rrule: "FREQ=WEEKLY;BYDAY=SA",
      startLocal: "2027-03-20T21:00",
      endLocal: "2027-03-21T02:00",
      timeZone: "Europe/Berlin",
      from: new Date("2027-03-20T00:00:00Z"),
      to: new Date("2027-04-01T00:00:00Z"),
    });
    expect(night).toMatchObject({ occurrenceKey: "2027-03-27T21:00", startLocal: "2027-03-27T21:00", endLocal: "2027-03-28T03:00", startsAt: "2027-03-27T20:00:00.000Z", endsAt: "2027-03-28T01:00:00.000Z" });
  });

  it("ends a 21:00–02:00 milonga on the fall-back night at the first 02:00", () => {
    const [, night, after] = expandSeries({
      rrule: "FREQ=WEEKLY;BYDAY=SA",
      startLocal: "2027-10-23T21:00",
      endLocal: "2027-10-24T02:00",
      timeZone: "Europe/Berlin",
      from: new Date("2027-10-20T00:00:00Z"),
      to: new Date("2027-11-10T00:00:00Z"),
    });
    expect(night).toMatchObject({ startLocal: "2027-10-30T21:00", endLocal: "2027-10-31T02:00", startsAt: "2027-10-30T19:00:00.000Z", endsAt: "2027-10-31T00:00:00.000Z" });
    expect(after).toMatchObject({ startLocal: "2027-11-06T21:00", startsAt: "2027-11-06T20:00:00.000Z" });
  });

  it("moves an occurrence that falls into the spring-forward gap forward by an hour but keeps its key", () => {
    const occurrences = expandSeries({
      rrule: "FREQ=WEEKLY;BYDAY=SU",
      startLocal: "2027-03-21T02:30",
      endLocal: "2027-03-21T03:30",
      timeZone: "Europe/Berlin",
      from: new Date("2027-03-20T00:00:00Z"),
      to: new Date("2027-04-05T00:00:00Z"),
    });
    expect(occurrences[1]).toMatchObject({ occurrenceKey: "2027-03-28T02:30", startLocal: "2027-03-28T03:30", endLocal: "2027-03-28T04:30", startsAt: "2027-03-28T01:30:00.000Z", endsAt: "2027-03-28T02:30:00.000Z" });
    expect(occurrences[2]).toMatchObject({ occurrenceKey: "2027-04-04T02:30", startLocal: "2027-04-04T02:30" });
  });

  it("keeps a New York Friday practica at 20:00 local across the second Sunday of March", () => {
    const occurrences = expandSeries({
      rrule: "FREQ=WEEKLY;BYDAY=FR",
      startLocal: "2027-03-05T20:00",
      endLocal: "2027-03-05T23:00",
      timeZone: "America/New_York",
      from: new Date("2027-03-01T00:00:00Z"),
      to: new Date("2027-03-27T00:00:00Z"),
    });
    expect(occurrences.map((o) => o.startsAt)).toEqual(["2027-03-06T01:00:00.000Z", "2027-03-13T01:00:00.000Z", "2027-03-20T00:00:00.000Z"]);
    expect(occurrences.map((o) => o.startLocal)).toEqual(["2027-03-05T20:00", "2027-03-12T20:00", "2027-03-19T20:00"]);
  });

  it("keeps a Sydney milonga at 20:00 local through the southern autumn and spring changes", () => {
    const occurrences = expandSeries({
      rrule: "FREQ=MONTHLY;BYDAY=2SA",
      startLocal: "2027-01-09T20:00",
      endLocal: "2027-01-09T23:30",
      timeZone: "Australia/Sydney",
      from: new Date("2027-01-01T00:00:00Z"),
      to: new Date("2027-12-01T00:00:00Z"),
    });
    expect(occurrences.map((o) => o.startLocal.slice(11))).toEqual(Array(11).fill("20:00"));
    expect(occurrences.map((o) => o.startsAt.slice(0, 16))).toEqual([
      "2027-01-09T09:00", "2027-02-13T09:00", "2027-03-13T09:00",
      "2027-04-10T10:00", "2027-05-08T10:00", "2027-06-12T10:00", "2027-07-10T10:00", "2027-08-14T10:00", "2027-09-11T10:00",
      "2027-10-09T09:00", "2027-11-13T09:00",
    ]);
  });

  it("follows Santiago from -03:00 to -04:00 in April and back in September", () => {
    const occurrences = expandSeries({
      rrule: "FREQ=WEEKLY;BYDAY=TH",
      startLocal: "2027-03-25T21:00",
      endLocal: "2027-03-26T01:00",
      timeZone: "America/Santiago",
      from: new Date("2027-03-25T00:00:00Z"),
      to: new Date("2027-09-17T00:00:00Z"),
    });
    const byDate = new Map(occurrences.map((o) => [o.occurrenceKey.slice(0, 10), o.startsAt]));
    expect(byDate.get("2027-04-01")).toBe("2027-04-02T00:00:00.000Z");
    expect(byDate.get("2027-04-08")).toBe("2027-04-09T01:00:00.000Z");
    expect(byDate.get("2027-09-02")).toBe("2027-09-03T01:00:00.000Z");
    expect(byDate.get("2027-09-09")).toBe("2027-09-10T00:00:00.000Z");
  });

  it("keeps Buenos Aires, which has no DST, at 00:00 UTC for a 21:00 milonga all year", () => {
    const occurrences = expandSeries({
      rrule: "FREQ=WEEKLY;BYDAY=TH",
      startLocal: "2027-01-07T21:00",
      endLocal: "2027-01-08T03:00",
      timeZone: "America/Argentina/Buenos_Aires",
      from: new Date("2027-01-01T00:00:00Z"),
      to: new Date("2028-01-01T00:00:00Z"),
    });
    expect(occurrences).toHaveLength(52);
    expect(occurrences.every((o) => o.startsAt.endsWith("T00:00:00.000Z") && o.endsAt.endsWith("T06:00:00.000Z"))).toBe(true);
  });
});

describe("expandSeries by rule", () => {
  const monthly = (rrule: string, startLocal: string, to = "2027-07-01T00:00:00Z"): ExpandSeriesInput => ({
    rrule,
    startLocal,
    endLocal: `${startLocal.slice(0, 11)}23:30`,
    timeZone: "America/Argentina/Buenos_Aires",
    from: new Date("2027-01-01T00:00:00Z"),
    to: new Date(to),
  });
  const secondSaturdays = ["2027-01-09", "2027-02-13", "2027-03-13", "2027-04-10", "2027-05-08", "2027-06-12"];

  it("finds every 2nd Saturday of the month, written as BYDAY=2SA", () => {
    expect(dates(monthly("FREQ=MONTHLY;BYDAY=2SA", "2027-01-09T21:00"))).toEqual(secondSaturdays);
  });

  it("finds the same days written as BYDAY=SA;BYSETPOS=2", () => {
    expect(dates(monthly("FREQ=MONTHLY;BYDAY=SA;BYSETPOS=2", "2027-01-09T21:00"))).toEqual(secondSaturdays);
  });

  it("finds the last Friday of every month", () => {
    expect(dates(monthly("FREQ=MONTHLY;BYDAY=-1FR", "2027-01-29T21:00"))).toEqual(["2027-01-29", "2027-02-26", "2027-03-26", "2027-04-30", "2027-05-28", "2027-06-25"]);
  });

  it("finds the 1st and 3rd Saturday of every month", () => {
    expect(dates(monthly("FREQ=MONTHLY;BYDAY=1SA,3SA", "2027-01-02T21:00", "2027-03-01T00:00:00Z"))).toEqual(["2027-01-02", "2027-01-16", "2027-02-06", "2027-02-20"]);
  });

  it("skips months without a 5th Sunday", () => {
    expect(dates(monthly("FREQ=MONTHLY;BYDAY=5SU", "2027-01-31T18:00"))).toEqual(["2027-01-31", "2027-05-30"]);
  });

  it("skips months without a 31st", () => {
    expect(dates(monthly("FREQ=MONTHLY;BYMONTHDAY=31", "2027-01-31T21:00", "2028-01-01T12:00:00Z"))).toEqual(["2027-01-31", "2027-03-31", "2027-05-31", "2027-07-31", "2027-08-31", "2027-10-31", "2027-12-31"]);
  });

  it("finds the 15th of every month", () => {
    expect(dates(monthly("FREQ=MONTHLY;BYMONTHDAY=15", "2027-01-15T21:00", "2027-04-01T00:00:00Z"))).toEqual(["2027-01-15", "2027-02-15", "2027-03-15"]);
  });

  it("finds the last day of every month, February included", () => {
    expect(dates(monthly("FREQ=MONTHLY;BYMONTHDAY=-1", "2027-01-31T21:00", "2027-04-01T12:00:00Z"))).toEqual(["2027-01-31", "2027-02-28", "2027-03-31"]);
  });

  it("repeats every other week with INTERVAL=2", () => {
    expect(dates(berlinThursdays({ rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH" }))).toEqual(["2027-03-04", "2027-03-18", "2027-04-01"]);
  });

  it("repeats every other month with INTERVAL=2", () => {
    expect(dates(monthly("FREQ=MONTHLY;INTERVAL=2;BYDAY=2SA", "2027-01-09T21:00"))).toEqual(["2027-01-09", "2027-03-13", "2027-05-08"]);
  });

  it("repeats on the start's weekday when a weekly rule has no BYDAY", () => {
    expect(dates(berlinThursdays({ rrule: "FREQ=WEEKLY", to: new Date("2027-03-20T00:00:00Z") }))).toEqual(["2027-03-04", "2027-03-11", "2027-03-18"]);
  });

  it("stops after COUNT occurrences, the first one included", () => {
    expect(dates(berlinThursdays({ rrule: "FREQ=WEEKLY;BYDAY=TH;COUNT=3" }))).toEqual(["2027-03-04", "2027-03-11", "2027-03-18"]);
  });

  it("counts COUNT from the first occurrence even when the window starts later", () => {
    expect(dates(berlinThursdays({ rrule: "FREQ=WEEKLY;BYDAY=TH;COUNT=3", from: new Date("2027-03-15T00:00:00Z") }))).toEqual(["2027-03-18"]);
  });

  it("includes an occurrence on a date-only UNTIL day", () => {
    expect(dates(berlinThursdays({ rrule: "FREQ=WEEKLY;BYDAY=TH;UNTIL=20270325" }))).toEqual(["2027-03-04", "2027-03-11", "2027-03-18", "2027-03-25"]);
  });

  it("treats a UTC UNTIL as inclusive, to the second", () => {
    expect(dates(berlinThursdays({ rrule: "FREQ=WEEKLY;BYDAY=TH;UNTIL=20270318T200000Z" })).at(-1)).toBe("2027-03-18");
    expect(dates(berlinThursdays({ rrule: "FREQ=WEEKLY;BYDAY=TH;UNTIL=20270318T195959Z" })).at(-1)).toBe("2027-03-11");
  });

  it("starts with DTSTART even when it does not match BYDAY, and counts it toward COUNT", () => {
    const wednesdayStart = berlinThursdays({ startLocal: "2027-03-03T21:00", endLocal: "2027-03-04T02:00" });
    expect(dates(wednesdayStart).slice(0, 3)).toEqual(["2027-03-03", "2027-03-04", "2027-03-11"]);
    expect(dates({ ...wednesdayStart, rrule: "FREQ=WEEKLY;BYDAY=TH;COUNT=3" })).toEqual(["2027-03-03", "2027-03-04", "2027-03-11"]);
  });

  it("tells whether DTSTART follows the rule, so a form can refuse one that does not", () => {
    expect(startFollowsRule(rule("FREQ=WEEKLY;BYDAY=TH"), "2027-03-04T21:00")).toBe(true);
    expect(startFollowsRule(rule("FREQ=WEEKLY;BYDAY=TH"), "2027-03-03T21:00")).toBe(false);
    expect(startFollowsRule(rule("FREQ=MONTHLY;BYDAY=SA;BYSETPOS=2"), "2027-01-09T21:00")).toBe(true);
    expect(startFollowsRule(rule("FREQ=MONTHLY;BYDAY=-1FR"), "2027-01-22T21:00")).toBe(false);
    expect(startFollowsRule(rule("FREQ=MONTHLY"), "2027-01-31T21:00")).toBe(true);
  });
});

describe("expandSeries window", () => {
  it("returns occurrences that start in [from, to): at `from` yes, at `to` no", () => {
    const exact = berlinThursdays({ from: new Date("2027-03-11T20:00:00Z"), to: new Date("2027-03-18T20:00:00Z") });
    expect(keys(exact)).toEqual(["2027-03-11T21:00"]);
  });

  it("leaves out an occurrence that started before `from`, even while it is still running", () => {
    expect(keys(berlinThursdays({ from: new Date("2027-03-11T23:00:00Z"), to: new Date("2027-03-12T23:00:00Z") }))).toEqual([]);
  });

  it("returns nothing before the series starts", () => {
    expect(keys(berlinThursdays({ from: new Date("2026-01-01T00:00:00Z"), to: new Date("2027-03-04T00:00:00Z") }))).toEqual([]);
  });

  it("caps the result at `limit`, keeping the earliest", () => {
    expect(keys(berlinThursdays({ limit: 2 }))).toEqual(["2027-03-04T21:00", "2027-03-11T21:00"]);
  });

  it("expands a ten-year-old open-ended weekly series over a year quickly", () => {
    const started = performance.now();
    const occurrences = expandSeries(
      berlinThursdays({ startLocal: "2017-03-02T21:00", endLocal: "2017-03-03T02:00", from: new Date("2027-01-01T00:00:00Z"), to: new Date("2028-01-01T00:00:00Z") }),
    );
    expect(occurrences).toHaveLength(52);
    expect(occurrences[0]?.startLocal).toBe("2027-01-07T21:00");
    expect(performance.now() - started).toBeLessThan(250);
  });

  it("expands 400 days of every weekly, monthly and nth-weekday rule without passing the horizon", () => {
    const from = new Date("2027-01-01T00:00:00Z");
    const to = new Date(from.getTime() + 400 * 86_400_000);
    for (const rrule of ["FREQ=WEEKLY;BYDAY=MO,WE,FR", "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=30"]) {
      const occurrences = expandSeries(berlinThursdays({ rrule, startLocal: "2026-02-27T21:00", endLocal: "2026-02-27T23:00", from, to }));
      expect(occurrences.every((o) => Date.parse(o.startsAt) >= from.getTime() && Date.parse(o.startsAt) < to.getTime())).toBe(true);
    }
  });
});

describe("expandSeries with overrides", () => {
  it("drops a cancelled occurrence", () => {
    expect(keys(berlinThursdays({ overrides: [{ occurrenceKey: "2027-03-11T21:00", cancelled: true }] }))).not.toContain("2027-03-11T21:00");
  });

  it("returns a cancelled occurrence with status cancelled when asked", () => {
    const occurrences = expandSeries(berlinThursdays({ overrides: [{ occurrenceKey: "2027-03-11T21:00", cancelled: true }], includeCancelled: true }));
    expect(occurrences.find((o) => o.occurrenceKey === "2027-03-11T21:00")?.status).toBe("cancelled");
  });

  it("returns a moved occurrence at its new time, keeping its key and its length", () => {
    const occurrences = expandSeries(berlinThursdays({ overrides: [{ occurrenceKey: "2027-03-11T21:00", startLocal: "2027-03-12T22:00" }] }));
    expect(occurrences[1]).toEqual({
      occurrenceKey: "2027-03-11T21:00",
      startLocal: "2027-03-12T22:00",
      endLocal: "2027-03-13T03:00",
      startsAt: "2027-03-12T21:00:00.000Z",
      endsAt: "2027-03-13T02:00:00.000Z",
      status: "moved",
    });
  });

  it("returns an occurrence moved into the window from outside it", () => {
    const occurrences = expandSeries(
      berlinThursdays({ from: new Date("2027-03-20T00:00:00Z"), to: new Date("2027-03-24T00:00:00Z"), overrides: [{ occurrenceKey: "2027-03-25T21:00", startLocal: "2027-03-21T19:00", endLocal: "2027-03-21T23:00" }] }),
    );
    expect(occurrences).toEqual([expect.objectContaining({ occurrenceKey: "2027-03-25T21:00", startLocal: "2027-03-21T19:00", endLocal: "2027-03-21T23:00", status: "moved" })]);
  });

  it("leaves out an occurrence moved out of the window", () => {
    const moved = berlinThursdays({ overrides: [{ occurrenceKey: "2027-03-11T21:00", startLocal: "2027-05-13T21:00" }] });
    expect(keys(moved)).not.toContain("2027-03-11T21:00");
  });

  it("sorts a moved occurrence by its new start", () => {
    const swapped = berlinThursdays({ overrides: [{ occurrenceKey: "2027-03-11T21:00", startLocal: "2027-03-19T21:00" }] });
    expect(keys(swapped).slice(0, 3)).toEqual(["2027-03-04T21:00", "2027-03-18T21:00", "2027-03-11T21:00"]);
  });

  it.each([
    ["a day the rule skips", "2027-03-12T21:00"],
    ["the right day at the wrong time", "2027-03-11T20:00"],
    ["a day before the series starts", "2027-02-25T21:00"],
    ["a day after COUNT ran out", "2027-03-25T21:00"],
    ["a malformed key", "next thursday"],
  ])("ignores an override keyed to %s", (_, occurrenceKey) => {
    const series = berlinThursdays({ rrule: "FREQ=WEEKLY;BYDAY=TH;COUNT=3" });
    const overridden = { ...series, overrides: [{ occurrenceKey, startLocal: "2027-03-20T21:00" }, { occurrenceKey, cancelled: true }] };
    expect(expandSeries(overridden)).toEqual(expandSeries(series));
  });

  it("ignores a move whose end is not after its start", () => {
    const occurrences = expandSeries(berlinThursdays({ overrides: [{ occurrenceKey: "2027-03-11T21:00", startLocal: "2027-03-12T22:00", endLocal: "2027-03-12T21:00" }] }));
    expect(occurrences[1]).toMatchObject({ occurrenceKey: "2027-03-11T21:00", startLocal: "2027-03-11T21:00", status: "scheduled" });
  });

  it("applies the last override given for a key", () => {
    const overrides = [{ occurrenceKey: "2027-03-11T21:00", cancelled: true }, { occurrenceKey: "2027-03-11T21:00", startLocal: "2027-03-11T20:00" }];
    expect(expandSeries(berlinThursdays({ overrides }))[1]).toMatchObject({ startLocal: "2027-03-11T20:00", status: "moved" });
  });
});

describe("findOccurrence", () => {
  const series = { rrule: "FREQ=MONTHLY;BYDAY=2SA", startLocal: "2027-01-09T21:00", endLocal: "2027-01-10T02:00", timeZone: "Europe/Berlin" };

  it("finds a real occurrence years after the start", () => {
    expect(findOccurrence(series, "2031-08-09T21:00")).toMatchObject({ occurrenceKey: "2031-08-09T21:00", startsAt: "2031-08-09T19:00:00.000Z", status: "scheduled" });
  });

  it("finds nothing for a key the rule does not produce", () => {
    expect(findOccurrence(series, "2031-08-16T21:00")).toBeUndefined();
  });
});

describe("expandSeries with an invalid series", () => {
  it.each([
    ["an unsupported rule", { rrule: "FREQ=DAILY" }],
    ["an unknown time zone", { timeZone: "Mars/Olympus" }],
    ["an end before the start", { endLocal: "2027-03-04T20:00" }],
    ["a malformed start", { startLocal: "2027-03-04 21:00" }],
  ])("throws for %s", (_, broken) => {
    expect(() => expandSeries(berlinThursdays(broken))).toThrow(RangeError);
  });
});
