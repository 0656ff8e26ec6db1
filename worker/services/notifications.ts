import { sql } from "drizzle-orm";
import { mutes, notifications, type NotificationType } from "../../db/schema";
import type { Ctx } from "../env";
import { uuidv7 } from "../lib/ids";
import { blockedEitherWay } from "./audience";

export type NotificationSubjectType = (typeof notifications.$inferInsert)["subjectType"];

export interface NotifyInput {
  /** Who is told. */
  userId: string;
  type: NotificationType;
  /** Who did it; null for the system (event changes, moderation). */
  actorId: string | null;
  subject: { type: NotificationSubjectType; id: string };
  /** Small facts the text needs (an excerpt, an event title); escaped wherever shown. */
  data?: Record<string, string | number | null>;
  /** The same key for the same recipient notifies once (e.g. `follow:<actorId>`). */
  dedupeKey?: string;
}

/**
 * Tells a member something happened. Nobody is notified of their own acts, across a block,
 * or by someone they muted. Never throws for delivery problems: the act that caused it stands.
 */
export async function notify(ctx: Ctx, input: NotifyInput): Promise<void> {
  if (input.actorId) {
    if (input.actorId === input.userId) return;
    if (await blockedEitherWay(ctx, input.userId, input.actorId)) return;
    const muted = await ctx.db.get<{ one: number }>(sql`SELECT 1 AS one FROM ${mutes} WHERE ${mutes.muterId} = ${input.userId} AND ${mutes.mutedId} = ${input.actorId}`);
    if (muted) return;
  }
  await ctx.db
    .insert(notifications)
    .values({
      id: uuidv7(),
      userId: input.userId,
      type: input.type,
      actorId: input.actorId,
      subjectType: input.subject.type,
      subjectId: input.subject.id,
      data: JSON.stringify(input.data ?? {}),
      dedupeKey: input.dedupeKey ?? null,
      createdAt: new Date().toISOString(),
    })
    .onConflictDoNothing();
}
