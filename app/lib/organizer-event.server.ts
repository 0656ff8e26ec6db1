import { data, redirect } from "react-router";
import type { Event } from "../../db/schema";
import type { Ctx } from "../../worker/env";
import { DomainError } from "../../worker/errors";
import { loadEvent, requireOrganizer } from "../../worker/services/event-access";

/**
 * The event behind an organizer-only page (`/events/:id/<page>`): visitors sign in first and
 * come back; a member who does not organize it, or a missing event, gets the page's 403 or 404
 * error boundary. `view` turns the event into what the page needs, under the same rules.
 */
export async function organizerEvent(ctx: Ctx, eventId: string, page: string): Promise<Event>;
export async function organizerEvent<T>(ctx: Ctx, eventId: string, page: string, view: (event: Event) => Promise<T>): Promise<T>;
export async function organizerEvent<T>(ctx: Ctx, eventId: string, page: string, view?: (event: Event) => Promise<T>): Promise<Event | T> {
  if (!ctx.user) throw redirect(`/login?redirectTo=${encodeURIComponent(`/events/${eventId}/${page}`)}`);
  try {
    const event = await loadEvent(ctx, eventId);
    await requireOrganizer(ctx, event);
    return view ? await view(event) : event;
  } catch (error) {
    if (error instanceof DomainError && (error.status === 403 || error.status === 404)) throw data(error.message, { status: error.status });
    throw error;
  }
}
