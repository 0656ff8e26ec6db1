import { eq } from "drizzle-orm";
import { notificationPreferences, type NotificationType } from "../../db/schema";
import type { DigestFrequency } from "../../db/schema/notifications";
import type { Ctx } from "../env";
import { mailableNotificationTypes, type MailableNotificationType, type NotificationPreferencesDto } from "../schemas/notifications";
import { requireSignedIn } from "./users";

/**
 * Mailed right away for a member who never chose: what someone said to or about you, and
 * what changes your plans. Reactions and follows come in bursts and only the bell (or the
 * digest) tells of them; a member can turn any of them on in /settings/notifications.
 */
export const DEFAULT_EMAIL_TYPES: readonly MailableNotificationType[] = ["mention", "reply", "comment", "rsvp_promotion", "event_cancellation", "group_join_approved"];

export interface NotificationPreferences {
  emailTypes: MailableNotificationType[];
  digest: DigestFrequency;
}

const MAILABLE = new Set<string>(mailableNotificationTypes);

/** The saved JSON list, unknown entries dropped; unreadable JSON falls back to the defaults. */
export function emailTypesFrom(json: string): MailableNotificationType[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? (value.filter((t) => typeof t === "string" && MAILABLE.has(t)) as MailableNotificationType[]) : [...DEFAULT_EMAIL_TYPES];
  } catch {
    return [...DEFAULT_EMAIL_TYPES];
  }
}

/** A member's choices, or the defaults when they never saved any. */
export async function preferencesOf(ctx: Ctx, userId: string): Promise<NotificationPreferences> {
  const row = await ctx.db
    .select({ emailTypes: notificationPreferences.emailTypes, digest: notificationPreferences.digest })
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, userId))
    .get();
  if (!row) return { emailTypes: [...DEFAULT_EMAIL_TYPES], digest: "off" };
  return { emailTypes: emailTypesFrom(row.emailTypes), digest: row.digest };
}

/** True when this type of notification should be mailed to the member right away. */
export async function wantsImmediateMail(ctx: Ctx, userId: string, type: NotificationType): Promise<boolean> {
  if (!MAILABLE.has(type)) return false;
  return (await preferencesOf(ctx, userId)).emailTypes.includes(type as MailableNotificationType);
}

export async function getMyNotificationPreferences(ctx: Ctx): Promise<NotificationPreferencesDto> {
  const me = requireSignedIn(ctx);
  return preferencesOf(ctx, me.id);
}

/** Replaces the member's choices; duplicates collapse and the order is the settings page's. */
export async function setMyNotificationPreferences(ctx: Ctx, input: NotificationPreferences): Promise<NotificationPreferencesDto> {
  const me = requireSignedIn(ctx);
  const chosen = new Set(input.emailTypes);
  const emailTypes = mailableNotificationTypes.filter((t) => chosen.has(t));
  const now = new Date().toISOString();
  await ctx.db
    .insert(notificationPreferences)
    .values({ userId: me.id, emailTypes: JSON.stringify(emailTypes), digest: input.digest, updatedAt: now })
    .onConflictDoUpdate({ target: notificationPreferences.userId, set: { emailTypes: JSON.stringify(emailTypes), digest: input.digest, updatedAt: now } });
  return { emailTypes, digest: input.digest };
}
