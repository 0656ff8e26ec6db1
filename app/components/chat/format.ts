import type { ConversationDto } from "../../../worker/schemas/conversations";

/**
 * Times in the chat UI. The server cannot know the reader's clock or zone, so every label is
 * computed against a `now` the loader sends and, before hydration, in UTC: the first client
 * render matches the server's HTML exactly; after hydration the caller may pass the reader's zone.
 */

/** "now", "5 min", "3 h", "Tue", "12 Nov", "12 Nov 2025": how long ago, for the inbox. */
export function relativeTime(iso: string, now: number, timeZone = "UTC"): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "";
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return "now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  if (seconds < 6 * 86_400) return new Intl.DateTimeFormat("en-GB", { weekday: "short", timeZone }).format(then);
  const sameYear = new Date(then).getUTCFullYear() === new Date(now).getUTCFullYear();
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", ...(sameYear ? {} : { year: "numeric" }), timeZone }).format(then);
}

/** "14:05" for a message; with the date in front when it is not from `now`'s day. */
export function messageTime(iso: string, now: number, timeZone = "UTC"): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "";
  const day = (ms: number) => new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone }).format(ms);
  const time = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone }).format(then);
  return day(then) === day(now) ? time : `${day(then)}, ${time}`;
}

/** A full date and time for a tooltip. */
export function fullTime(iso: string, timeZone = "UTC"): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "";
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeStyle: "short", timeZone }).format(then) + (timeZone === "UTC" ? " UTC" : "");
}

export const countLabel = (n: number) => (n > 99 ? "99+" : String(n));

/** "Ana is typing…", "Ana and Beto are typing…", "3 people are typing…". Empty when nobody is. */
export function typingText(names: string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

/** What the inbox line says about the last message: "You: …", "Message deleted", or nothing yet. */
export function previewText(conversation: ConversationDto, myId: string, names: Record<string, string> = {}): string {
  const last = conversation.lastMessage;
  if (!last) return conversation.type === "event" ? "No messages yet: say hello to the other dancers." : "No messages yet.";
  const text = last.preview ?? "Message deleted";
  if (last.senderId === myId) return `You: ${text}`;
  if (conversation.type !== "direct" && last.senderId && names[last.senderId]) return `${names[last.senderId]}: ${text}`;
  return text;
}

/** The calendar day of an instant in a zone, "2026-11-24": for separating the message list by day. */
export function dayKey(iso: string, timeZone = "UTC"): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "";
  return new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone }).format(then);
}

/** "Today", "Yesterday", "Monday 17 November", "Friday 3 January 2025": the separator above a day's first message. */
export function dayLabel(iso: string, now: number, timeZone = "UTC"): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "";
  const day = dayKey(iso, timeZone);
  const today = dayKey(new Date(now).toISOString(), timeZone);
  if (day === today) return "Today";
  // The day before `now`'s day in that zone: noon of today's date minus a day, then back into the zone.
  const yesterday = new Date(Date.parse(`${today}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  if (day === yesterday) return "Yesterday";
  const sameYear = day.slice(0, 4) === today.slice(0, 4);
  return new Intl.DateTimeFormat("en-GB", { weekday: "long", day: "numeric", month: "long", ...(sameYear ? {} : { year: "numeric" }), timeZone }).format(then);
}

/** A piece of a message: plain text, or an http(s) address to link (shown as typed). */
export type TextPart = { text: string; href?: undefined } | { text: string; href: string };

// http(s):// or www. followed by anything up to whitespace or characters that rarely end an address.
const ADDRESS = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
const TRAILING = /[.,;:!?'"*_~]+$/;

/**
 * A message's text cut into plain parts and addresses to link. Only http and https (and
 * "www." taken as https) become links; sentence punctuation and an unbalanced closing bracket
 * after an address stay text. The parts are rendered as React text and <a> elements, never as HTML.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of text.matchAll(ADDRESS)) {
    let address = match[0];
    for (;;) {
      const trimmed = address.replace(TRAILING, "");
      const last = trimmed.at(-1);
      const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
      const opener = last ? pairs[last] : undefined;
      const unbalanced = opener !== undefined && trimmed.split(opener).length - 1 < trimmed.split(last!).length - 1;
      const next = unbalanced ? trimmed.slice(0, -1) : trimmed;
      if (next === address) break;
      address = next;
    }
    const start = match.index;
    const href = /^www\./i.test(address) ? `https://${address}` : address;
    // "https://" alone, or an address that does not parse, stays text.
    if (!isWebAddress(href)) continue;
    if (start > at) parts.push({ text: text.slice(at, start) });
    parts.push({ text: address, href });
    at = start + address.length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

/** An http(s) address that parses and names a dotted host ("https://" alone stays text). */
function isWebAddress(href: string): boolean {
  try {
    const url = new URL(href);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname.includes(".");
  } catch {
    return false;
  }
}
