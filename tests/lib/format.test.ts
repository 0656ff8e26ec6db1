import { describe, expect, it } from "vitest";
import { formatEventDate, formatEventTimeRange, formatPrice } from "../../app/lib/format";

describe("event times in the venue's zone", () => {
  it("shows a Buenos Aires milonga at its local start, not UTC", () => {
    // 00:30 UTC on the 28th is 21:30 on the 27th in Buenos Aires (UTC−3).
    expect(formatEventDate("2026-11-28T00:30:00.000Z", "America/Argentina/Buenos_Aires")).toBe("Fri 27 Nov");
    expect(formatEventTimeRange("2026-11-28T00:30:00.000Z", "2026-11-28T05:00:00.000Z", "America/Argentina/Buenos_Aires")).toMatch(/^21:30–02:00/);
  });

  it("follows daylight saving time in Berlin", () => {
    expect(formatEventTimeRange("2026-07-01T19:00:00Z", "2026-07-01T23:00:00Z", "Europe/Berlin")).toMatch(/^21:00–01:00 \((CEST|GMT\+2)\)/);
    expect(formatEventTimeRange("2026-12-01T19:00:00Z", "2026-12-01T23:00:00Z", "Europe/Berlin")).toMatch(/^20:00–00:00 \((CET|GMT\+1)\)/);
  });

  it("shows a multi-day festival as a date range", () => {
    expect(formatEventTimeRange("2026-12-04T17:00:00Z", "2026-12-07T01:00:00Z", "Europe/Paris")).toMatch(/^Fri 4 Dec – Mon 7 Dec/);
  });
});

describe("prices", () => {
  it("reads minor units per currency", () => {
    expect(formatPrice({ amountMinor: 1200, currency: "EUR" })).toBe("€12.00");
    expect(formatPrice({ amountMinor: 3000, currency: "JPY" })).toBe("JP¥3,000");
  });

  it("calls a missing price free", () => {
    expect(formatPrice(null)).toBe("Free");
  });
});
