import { describe, expect, it } from "vitest";
import { dayKey, dayLabel, linkify } from "../../app/components/chat/format";
import { isMessageNotification } from "../../app/lib/chat-client";

/** The message list's pure helpers: links in message text, day separators; and which live notifications refresh the inbox. */

describe("linkify", () => {
  const links = (text: string) => linkify(text).filter((p) => p.href).map((p) => [p.text, p.href]);

  it("links http and https addresses and keeps every character of the text, in order", () => {
    const text = "Mirá https://example.com/milonga?x=1&y=2 y http://tango.ar/a_b-c ok";
    const parts = linkify(text);
    expect(parts.map((p) => p.text).join("")).toBe(text);
    expect(links(text)).toEqual([
      ["https://example.com/milonga?x=1&y=2", "https://example.com/milonga?x=1&y=2"],
      ["http://tango.ar/a_b-c", "http://tango.ar/a_b-c"],
    ]);
  });

  it("takes www. addresses as https, and leaves sentence punctuation and unbalanced brackets out of the link", () => {
    expect(links("See www.laviruta.com.")).toEqual([["www.laviruta.com", "https://www.laviruta.com"]]);
    expect(links("(see https://example.com/a)")).toEqual([["https://example.com/a", "https://example.com/a"]]);
    expect(links("https://en.wikipedia.org/wiki/Tango_(dance), nice!")).toEqual([["https://en.wikipedia.org/wiki/Tango_(dance)", "https://en.wikipedia.org/wiki/Tango_(dance)"]]);
    expect(links('"https://example.com/x"?')).toEqual([["https://example.com/x", "https://example.com/x"]]);
  });

  it("never links other schemes, bare hosts, or addresses without a dot", () => {
    for (const text of ["javascript:alert(1)", "JAVASCRIPT://example.com/%0aalert(1)", "data:text/html,<b>x</b>", "ftp://example.com/file", "https:// nothing", "http://localhost/x", "mail me@example.com", "plain text"]) {
      expect(links(text), text).toEqual([]);
      expect(linkify(text).map((p) => p.text).join(""), text).toBe(text);
    }
  });

  it("stops an address at markup characters, which stay text", () => {
    const parts = linkify('https://example.com/<script>alert(1)</script> "x"');
    expect(parts[0]).toEqual({ text: "https://example.com/", href: "https://example.com/" });
    expect(parts.slice(1).map((p) => p.href)).toEqual([undefined]);
  });

  it("is empty for an empty message and handles a long text without spaces", () => {
    expect(linkify("")).toEqual([]);
    const long = "https://example.com/" + "a".repeat(3900);
    expect(links(long)).toEqual([[long, long]]);
  });
});

describe("day separators", () => {
  const now = Date.parse("2026-11-24T10:00:00Z");

  it("say Today and Yesterday, then the weekday and date, with the year only when it differs", () => {
    expect(dayLabel("2026-11-24T00:05:00Z", now)).toBe("Today");
    expect(dayLabel("2026-11-23T23:59:00Z", now)).toBe("Yesterday");
    expect(dayLabel("2026-11-17T12:00:00Z", now)).toBe("Tuesday 17 November");
    expect(dayLabel("2025-01-03T12:00:00Z", now)).toBe("Friday, 3 January 2025");
    expect(dayLabel("not a date", now)).toBe("");
  });

  it("follow the reader's zone: the same instants fall on other days in Buenos Aires and Auckland", () => {
    // 02:00 UTC on the 24th is still the 23rd in Buenos Aires (UTC−3), and already the 24th in Auckland.
    expect(dayKey("2026-11-24T02:00:00Z", "America/Argentina/Buenos_Aires")).toBe("2026-11-23");
    expect(dayKey("2026-11-24T02:00:00Z", "UTC")).toBe("2026-11-24");
    expect(dayLabel("2026-11-24T02:00:00Z", now, "America/Argentina/Buenos_Aires")).toBe("Yesterday");
    // `now` (10:00 UTC on the 24th) is 23:00 on the 24th in Auckland (UTC+13), where 12:00 UTC on the 23rd is already the 24th.
    expect(dayLabel("2026-11-23T12:00:00Z", now, "Pacific/Auckland")).toBe("Today");
    expect(dayLabel("2026-11-22T12:00:00Z", now, "Pacific/Auckland")).toBe("Yesterday");
  });
});

describe("isMessageNotification", () => {
  it("is true only for message notifications about a room", () => {
    expect(isMessageNotification({ type: "message", subject: { type: "room" } })).toBe(true);
    expect(isMessageNotification({ type: "message", subject: { type: "post" } })).toBe(false);
    expect(isMessageNotification({ type: "follow", subject: { type: "room" } })).toBe(false);
    expect(isMessageNotification({ type: "message", subject: null })).toBe(false);
    expect(isMessageNotification(null)).toBe(false);
    expect(isMessageNotification(undefined)).toBe(false);
  });
});
