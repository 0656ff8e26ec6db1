import { z } from "zod";
import { notificationTypes } from "../db/schema/notifications";
import { mailLanguages } from "../db/schema/users";
import { UUID_PATTERN } from "../worker/lib/ids";

const mailLink = z.url({ protocol: /^https?$/ }).max(2048);
const displayName = z.string().max(80);
/** Event titles are at most 140 characters (worker/schemas/events.ts); a little slack for older rows. */
const eventTitle = z.string().max(200);
/** A date and time already formatted for the member, e.g. "Saturday, March 13, 2027 at 9:00 PM". */
const when = z.string().max(120);
const uuid = z.string().regex(UUID_PATTERN);

/** Organizer-written messages to attendees: the bounds the service checks before enqueueing. */
export const ORGANIZER_MESSAGE_LIMITS = { subjectMaxChars: 150, bodyMaxChars: 5000 } as const;
const organizerSubject = z.string().min(1).max(ORGANIZER_MESSAGE_LIMITS.subjectMaxChars);
const organizerBody = z.string().min(1).max(ORGANIZER_MESSAGE_LIMITS.bodyMaxChars);

/**
 * A fan-out handles one keyset page of recipients, then enqueues itself with `after` set to
 * the last user id it covered, so a large event never needs one long-running consumer.
 */
const fanOutPage = { idempotencyKey: z.string().min(1).max(64), eventId: uuid, after: uuid.optional() };

/** One notification as a mail tells it (worker/lib/mail/templates.ts writes the sentence per kind). */
const notificationMailItem = z.object({
  kind: z.enum(notificationTypes),
  actorName: displayName.nullable(),
  /** An event or group name, or the start of a post or comment. */
  title: z.string().max(300).nullable(),
  link: mailLink,
});

/** Every job the JOBS queue carries. Each has an idempotency key so a redelivery is harmless. */
export const jobSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("health.probe"),
    idempotencyKey: z.string().min(1),
    sentAt: z.iso.datetime(),
  }),
  z.object({
    type: z.literal("email.send"),
    idempotencyKey: z.string().min(1).max(64),
    to: z.email(),
    language: z.enum(mailLanguages),
    template: z.discriminatedUnion("name", [
      z.object({ name: z.literal("verify-email"), displayName, link: mailLink }),
      z.object({ name: z.literal("reset-password"), displayName, link: mailLink }),
      z.object({ name: z.literal("event-cancelled"), displayName, eventTitle, when, link: mailLink }),
      z.object({ name: z.literal("waitlist-promoted"), displayName, eventTitle, when, link: mailLink }),
      z.object({ name: z.literal("organizer-message"), displayName, eventTitle, subject: organizerSubject, body: organizerBody, link: mailLink }),
      z.object({ name: z.literal("series-reconfirm"), displayName, eventTitle, link: mailLink }),
      z.object({ name: z.literal("tickets-issued"), displayName, eventTitle, when, quantity: z.int().min(1).max(1000), link: mailLink }),
      z.object({ name: z.literal("notification"), displayName, item: notificationMailItem, link: mailLink }),
      z.object({ name: z.literal("notification-digest"), displayName, total: z.int().min(1).max(1_000_000), items: z.array(notificationMailItem).min(1).max(20), link: mailLink }),
    ]),
  }),
  z.object({ type: z.literal("event.cancelled"), ...fanOutPage }),
  /** Tells everyone registered, through notifications, that the date, time or place changed. */
  z.object({ type: z.literal("event.changed"), ...fanOutPage }),
  /** Fetch the page a post links to and store its Open Graph preview (queues/jobs/link-preview.ts). */
  z.object({ type: z.literal("link.preview"), idempotencyKey: z.string().min(1).max(64), postId: uuid, url: z.string().min(1).max(2048) }),
  /** Mail one stored notification now, if still unread and unmailed (queues/jobs/notification-mail.ts). */
  z.object({ type: z.literal("notification.mail"), idempotencyKey: z.string().min(1).max(64), notificationId: uuid }),
  /**
   * After a chat message: tell members who were not connected to the room and have not been
   * told since they last read (one notification per unread streak, queues/jobs/chat-notify.ts).
   */
  z.object({
    type: z.literal("chat.notify"),
    idempotencyKey: z.string().min(1).max(64),
    conversationId: uuid,
    seq: z.int().min(1),
    senderId: uuid,
    /** Members with the room open when the message went out: they saw it. */
    online: z.array(uuid).max(5000),
  }),
  z.object({
    type: z.literal("event.message"),
    ...fanOutPage,
    audience: z.enum(["going", "all"]),
    subject: organizerSubject,
    body: organizerBody,
  }),
]);

export type Job = z.infer<typeof jobSchema>;
export type EmailJob = Extract<Job, { type: "email.send" }>;
export type FanOutJob = Extract<Job, { type: "event.cancelled" | "event.changed" | "event.message" }>;
