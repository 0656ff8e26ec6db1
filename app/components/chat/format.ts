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
