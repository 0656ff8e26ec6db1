import { redirect } from "react-router";
import type { Ctx } from "../../worker/env";
import { DomainError } from "../../worker/errors";

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
