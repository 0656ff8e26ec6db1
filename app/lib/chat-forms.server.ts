import { sql } from "drizzle-orm";
import { redirect } from "react-router";
import type { Ctx } from "../../worker/env";
import { DomainError } from "../../worker/errors";
import { blockedEitherWay } from "../../worker/services/audience";

/**
 * Shared by the Messages route modules: who may see them, and how a refused form reads.
 */

/** Visitors go to sign in first, and come back to the page they asked for. */
export function requireMemberPage(ctx: Ctx, request: Request): NonNullable<Ctx["user"]> {
  if (ctx.user) return ctx.user;
  const url = new URL(request.url);
  throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
}

/** A domain error in words a member can act on: the first field's message, as a sentence. Anything else is rethrown. */
export function formError(error: unknown): { message: string; status: number } {
  if (!(error instanceof DomainError) || error.status >= 500) throw error;
  const raw = error.errors?.[0]?.message ?? error.message;
  const message = raw.charAt(0).toUpperCase() + raw.slice(1) + (/[.!?]$/.test(raw) ? "" : ".");
  return { message, status: error.status };
}

/** "@ana, beto  carla" → ["ana", "beto", "carla"]: handles as people type them (validated by the service's schema). */
export function handlesFrom(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((h) => h.trim()).filter(Boolean))].slice(0, 100);
}

/**
 * Whether the signed-in member may start a direct conversation with the member `handle`:
 * not themself, a confirmed email, and no block either way (a block the other member made is
 * not on the profile's relationship, so it is checked here). The service checks again on start.
 */
export async function canMessage(ctx: Ctx, handle: string): Promise<boolean> {
  const me = ctx.user;
  if (!me || !me.emailVerified || me.handle === handle) return false;
  const row = await ctx.db.get<{ id: string }>(sql`SELECT id FROM users WHERE handle = ${handle}`);
  return row !== undefined && !(await blockedEitherWay(ctx, me.id, row.id));
}

/**
 * The header's Messages badge: conversations with unread messages, muted ones left out (the
 * same count as the inbox's `unreadConversations`). Reads the member's own range of
 * conversation_members_user_idx; a failure never breaks a page.
 */
export async function unreadConversationCount(ctx: Ctx): Promise<number> {
  if (!ctx.user) return 0;
  try {
    const row = await ctx.db.get<{ n: number }>(sql`
      SELECT count(*) AS n FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.user_id = ${ctx.user.id} AND m.muted = 0 AND c.message_count > m.read_count`);
    return row?.n ?? 0;
  } catch {
    return 0;
  }
}
