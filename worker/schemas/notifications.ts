import { z } from "zod";
import { digestFrequencies, notificationTypes } from "../../db/schema/notifications";
import { UUID_PATTERN } from "../lib/ids";
import { cursorParam, limitParam } from "./common";

export const notificationTypeSchema = z.enum(notificationTypes).meta({ id: "NotificationType" });

/** The types a member can choose to get by mail right away (the others never mail). */
export const mailableNotificationTypes = notificationTypeSchema.exclude(["message", "moderation_outcome"]).options;
export type MailableNotificationType = (typeof mailableNotificationTypes)[number];

export const notificationSchema = z
  .object({
    id: z.string(),
    type: notificationTypeSchema,
    actor: z
      .object({ handle: z.string(), displayName: z.string(), avatarUrl: z.string().nullable() })
      .nullable()
      .meta({ description: "Who did it; null when Mundo Tango itself tells you (event changes)." }),
    subject: z.object({
      type: z.enum(["post", "comment", "event", "group", "user", "room"]),
      id: z.string(),
      url: z.string().meta({ description: "Where the notification leads, a path on this site." }),
    }),
    data: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).meta({ description: "Small facts for the text (an excerpt, an event title); member-written, so escape them." }),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .meta({ id: "Notification" });

export const notificationPageSchema = z
  .object({
    data: z.array(notificationSchema),
    nextCursor: z.string().nullable(),
    unreadCount: z.number().int().meta({ description: "Unread notifications you can still see (counted up to 1000)." }),
  })
  .meta({ id: "NotificationPage", description: "Newest first; pass `nextCursor` back as `cursor` for older ones." });

export const listNotificationsQuery = z.object({
  limit: limitParam,
  cursor: cursorParam,
  unread: z
    .enum(["true", "false"], { error: 'unread must be "true" or "false"' })
    .transform((v) => v === "true")
    .optional()
    .meta({ description: "`true` lists only unread notifications.", type: "boolean" }),
});

const notificationId = z.string().regex(UUID_PATTERN, "each id must be a notification id");

export const markReadInput = z
  .union([
    z.object({ ids: z.array(notificationId).min(1, "ids must name at least one notification").max(100, "at most 100 ids at once") }).strict(),
    z.object({ all: z.literal(true, { error: "all must be true" }) }).strict(),
  ])
  .meta({ id: "MarkNotificationsRead", description: "Either `{ids: [...]}` (at most 100 of your own) or `{all: true}`." });

export const markReadResultSchema = z
  .object({
    marked: z.number().int().meta({ description: "How many of your unread notifications this marked read; ids that are not yours are ignored." }),
    unreadCount: z.number().int(),
  })
  .meta({ id: "MarkNotificationsReadResult" });

export const notificationPreferencesSchema = z
  .object({
    emailTypes: z.array(z.enum(mailableNotificationTypes)).meta({ description: "Types mailed to you right away." }),
    digest: z.enum(digestFrequencies).meta({ description: "`daily`: one mail a day with what you have not read and were not mailed yet." }),
  })
  .meta({ id: "NotificationPreferences" });

export const notificationPreferencesInput = z
  .object({
    emailTypes: z
      .array(z.enum(mailableNotificationTypes, { error: `each emailTypes entry must be one of: ${mailableNotificationTypes.join(", ")}` }))
      .max(mailableNotificationTypes.length * 2, "too many emailTypes"),
    digest: z.enum(digestFrequencies, { error: 'digest must be "off" or "daily"' }),
  })
  .strict()
  .meta({ id: "NotificationPreferencesInput" });

export type NotificationDto = z.infer<typeof notificationSchema>;
export type NotificationPreferencesDto = z.infer<typeof notificationPreferencesSchema>;
