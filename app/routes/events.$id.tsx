import { data, Form, redirect } from "react-router";
import type { Route } from "./+types/events.$id";
import { danceEventJsonLd, JsonLd, type JsonLdOffer } from "../components/event-json-ld";
import { EventViewerTime } from "../components/event-viewer-time";
import { EventMemories } from "../components/event-memories";
import { FormAlert, LabelledControl } from "../components/form-field";
import { EVENT_TYPE_LABELS, formatEventDate, formatEventTimeRange, formatPrice } from "../lib/format";
import { fromZod, type FormProblems } from "../lib/form-problems";
import { eventMemoriesPage } from "../lib/post-form.server";
import { serverContext } from "../server-context";
import type { LineupRole } from "../../db/schema/event-types";
import type { Ctx } from "../../worker/env";
import { DomainError } from "../../worker/errors";
import { markdownToPlainText } from "../../worker/lib/markdown";
import { OCCURRENCE_KEY_PATTERN } from "../../worker/lib/occurrence-key";
import { rsvpInput, type EventDetail, type OccurrenceDto } from "../../worker/schemas/events";
import { buyTicketsInput } from "../../worker/schemas/tickets";
import { isOrganizer, isStaff } from "../../worker/services/event-access";
import { reconfirmSeries } from "../../worker/services/event-editing";
import { getEventDetail } from "../../worker/services/events";
import { listEventOccurrences } from "../../worker/services/occurrences";
import { cancelRsvp, countsForEvent, getMyRsvp, rsvp } from "../../worker/services/rsvps";
import { eventRoomStatus, joinEventRoom } from "../../worker/services/conversations";
import { buyTickets, listTicketTypes } from "../../worker/services/tickets";

/** Dates of a series shown on its page; the calendar file has them all. */
const DATES_SHOWN = 8;
/** Organizers are asked to reconfirm a series this long before it would leave the listings. */
const RECONFIRM_NOTICE_MS = 14 * 86_400_000;

/** What a redirect back after a form says; only these keys are ever shown, never text from the URL. */
const DONE_MESSAGES = {
  going: "You're going. See you on the dance floor!",
  waitlisted: "The floor is full for now, so you're on the waitlist. We'll email you as soon as a place opens.",
  interested: "Marked as interested.",
  not_going: "Thanks for letting the organizers know you can't come.",
  cancelled: "Your RSVP is withdrawn.",
  reconfirmed: "Thanks! The series stays listed.",
  ticket: "Your ticket is in My tickets.",
} as const;
type Done = keyof typeof DONE_MESSAGES;

const CHECKOUT_MESSAGES = {
  success: "Payment received. Your ticket will be in My tickets as soon as the payment is confirmed.",
  cancelled: "Checkout cancelled: nothing was charged.",
} as const;

const LINEUP_HEADINGS: Record<LineupRole, string> = { dj: "DJs", teacher: "Teachers", orchestra: "Orchestras", performer: "Performers" };
const ROLE_LABELS = { leader: "leader", follower: "follower", both: "leader and follower" } as const;

async function loadDetail(ctx: Ctx, id: string): Promise<EventDetail> {
  try {
    return await getEventDetail(ctx, id);
  } catch (error) {
    if (error instanceof DomainError && error.status === 404) throw data(null, { status: 404 });
    throw error;
  }
}

export function meta({ loaderData: data }: Route.MetaArgs) {
  if (!data) return [{ title: "Event not found — Mundo Tango" }];
  const { event, pageUrl, plainDescription, origin } = data;
  const when = formatEventDate(data.dates.startsAt, event.timeZone);
  const description = plainDescription || `${EVENT_TYPE_LABELS[event.type]} at ${event.venue.name}, ${event.city.name} on ${when}.`;
  const tags = [
    { title: `${event.status === "cancelled" ? "Cancelled: " : ""}${event.title} — ${event.city.name} — Mundo Tango` },
    { name: "description", content: description },
    { property: "og:title", content: event.title },
    { property: "og:description", content: description },
    { property: "og:type", content: "website" },
    { property: "og:url", content: pageUrl },
    { property: "og:site_name", content: "Mundo Tango" },
    { tagName: "link", rel: "canonical", href: pageUrl },
  ];
  if (event.coverUrl) tags.push({ property: "og:image", content: `${origin}${event.coverUrl}` });
  return tags;
}

export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { ctx, nonce } = context.get(serverContext);
  const event = await loadDetail(ctx, params.id);
  const search = new URL(request.url).searchParams;
  const now = Date.now();

  const occurrences: OccurrenceDto[] = event.recurrence ? await listEventOccurrences(ctx, event.id, { limit: DATES_SHOWN }) : [];
  const requested = search.get("occurrence") ?? "";
  // Only a date this series has: anything else in the URL falls back to the next date.
  const chosenKey = OCCURRENCE_KEY_PATTERN.test(requested) && occurrences.some((o) => o.occurrenceKey === requested) ? requested : undefined;
  const [counts, mine, organizes, ticketTypes, memories] = await Promise.all([
    countsForEvent(ctx, event.id, chosenKey),
    ctx.user ? getMyRsvp(ctx, event.id, chosenKey) : Promise.resolve(null),
    ctx.user ? isOrganizer(ctx, event.id, ctx.user.id).then((yes) => yes || isStaff(ctx.user!)) : Promise.resolve(false),
    listTicketTypes(ctx, event.id).then((list) => list.data),
    eventMemoriesPage(ctx, event.id, search.get("memories")),
  ]);
  // The event chat: for going attendees and organizers (a failure never breaks the event page).
  const chatRoom = ctx.user ? await eventRoomStatus(ctx, event.id).catch(() => null) : null;
  const selected = occurrences.find((o) => o.occurrenceKey === counts.occurrenceKey);
  const dates = selected ?? { startsAt: event.startsAt, endsAt: event.endsAt, startLocal: event.startLocal, endLocal: event.endLocal };
  const isOver = counts.occurrenceKey === null || Date.parse(dates.endsAt) <= now;
  const reconfirmBy = event.recurrence?.reconfirmBy ? Date.parse(event.recurrence.reconfirmBy) : undefined;

  const origin = ctx.env.APP_ORIGIN.replace(/\/+$/, "");
  const pageUrl = `${origin}/events/${event.id}`;
  const plainDescription = markdownToPlainText(event.description, 200);
  const offers: JsonLdOffer[] = ticketTypes.length
    ? ticketTypes.map((t) => ({ name: t.name, amountMinor: t.price.amountMinor, currency: t.price.currency, available: t.onSale }))
    : event.price
      ? [{ amountMinor: event.price.amountMinor, currency: event.price.currency, available: event.status === "scheduled" }]
      : [];
  const doneParam = search.get("done");
  const checkoutParam = search.get("checkout");

  return {
    event,
    memories,
    occurrences,
    selectedKey: counts.occurrenceKey,
    dates,
    counts,
    mine,
    isOver,
    signedIn: ctx.user !== null,
    organizes,
    needsReconfirm: organizes && event.status === "scheduled" && reconfirmBy !== undefined && reconfirmBy - now <= RECONFIRM_NOTICE_MS,
    reconfirmBy: event.recurrence?.reconfirmBy ?? null,
    seriesHidden: reconfirmBy !== undefined && reconfirmBy <= now,
    ticketTypes,
    done: doneParam && doneParam in DONE_MESSAGES ? (doneParam as Done) : null,
    checkout: checkoutParam === "success" || checkoutParam === "cancelled" ? (checkoutParam as keyof typeof CHECKOUT_MESSAGES) : null,
    origin,
    pageUrl,
    plainDescription,
    chatRoom: chatRoom && (chatRoom.joined || chatRoom.canJoin) ? chatRoom : null,
    jsonLd: danceEventJsonLd({ event, dates, url: pageUrl, origin, description: markdownToPlainText(event.description, 500), offers }),
    nonce,
  };
}

/** Where a form sends the dancer back to: the same date, with what happened. */
function backTo(eventId: string, occurrence: string | undefined, done?: Done): string {
  const params = new URLSearchParams();
  if (occurrence) params.set("occurrence", occurrence);
  if (done) params.set("done", done);
  return `/events/${eventId}${params.size ? `?${params}` : ""}${done ? "#rsvp" : ""}`;
}

export async function action({ params, request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  const form = await request.formData();
  const text = (name: string) => String(form.get(name) ?? "").trim();
  const intent = text("intent");
  const occurrenceField = text("occurrence");
  const occurrence = OCCURRENCE_KEY_PATTERN.test(occurrenceField) ? occurrenceField : undefined;
  if (!ctx.user) throw redirect(`/login?redirectTo=${encodeURIComponent(backTo(params.id, occurrence))}`);

  // What the member chose comes back with the errors, so nothing they typed is lost.
  const submitted = { role: text("role"), partnerHandle: text("partnerHandle"), occurrence: occurrenceField };
  const failed = (problems: FormProblems, status = 400) => data({ intent, problems, submitted }, { status });
  try {
    switch (intent) {
      case "going":
      case "interested":
      case "not_going": {
        const parsed = rsvpInput.safeParse({
          status: intent,
          role: text("role") || undefined,
          partnerHandle: text("partnerHandle") || undefined,
          occurrence: occurrenceField || undefined,
        });
        if (!parsed.success) return failed(fromZod(parsed.error));
        const result = await rsvp(ctx, params.id, parsed.data);
        return redirect(backTo(params.id, occurrence, result.status));
      }
      case "cancel":
        await cancelRsvp(ctx, params.id, occurrence);
        return redirect(backTo(params.id, occurrence, "cancelled"));
      case "join-chat": {
        const room = await joinEventRoom(ctx, params.id);
        return redirect(`/messages/${room.id}`);
      }
      case "reconfirm":
        await reconfirmSeries(ctx, params.id);
        return redirect(backTo(params.id, undefined, "reconfirmed"));
      case "buy": {
        const quantity = text("quantity") || "1";
        const parsed = buyTicketsInput.safeParse({ ticketTypeId: text("ticketTypeId"), quantity: /^[0-9]{1,3}$/.test(quantity) ? Number(quantity) : quantity });
        if (!parsed.success) return failed(fromZod(parsed.error));
        const purchase = await buyTickets(ctx, params.id, parsed.data);
        if (purchase.checkoutUrl) return redirect(purchase.checkoutUrl);
        return redirect(backTo(params.id, undefined, "ticket"));
      }
      default:
        return failed({ fields: {}, form: "Choose one of the buttons to answer." });
    }
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.status === 404) throw data(null, { status: 404 });
    const fields: Record<string, string> = {};
    for (const { path, message } of error.errors ?? []) fields[path] ??= message;
    // A ticket form has no fields to point at, and payments being unavailable is a message for the buyer, not an error page.
    const whole = intent === "buy" || Object.keys(fields).length === 0 || error.status >= 500;
    return failed({ fields, form: whole ? error.message : undefined }, error.status);
  }
}

export default function EventPage({ loaderData, actionData }: Route.ComponentProps) {
  const { event, occurrences, selectedKey, dates, counts, mine, isOver, signedIn, organizes, needsReconfirm, reconfirmBy, seriesHidden, ticketTypes, done, checkout, jsonLd, nonce } =
    loaderData;
  const problems = actionData?.intent === "buy" ? undefined : actionData?.problems;
  const submitted = actionData && "submitted" in actionData && actionData.intent !== "buy" ? actionData.submitted : undefined;
  const ticketProblems = actionData?.intent === "buy" ? actionData.problems : undefined;
  const cancelled = event.status === "cancelled";
  const mapHref =
    event.venue.lat !== null && event.venue.lng !== null
      ? `https://www.openstreetmap.org/?mlat=${event.venue.lat}&mlon=${event.venue.lng}#map=17/${event.venue.lat}/${event.venue.lng}`
      : `https://www.openstreetmap.org/search?query=${encodeURIComponent(`${event.venue.address}, ${event.city.name}, ${event.city.country}`)}`;
  const lineupRoles = (Object.keys(LINEUP_HEADINGS) as LineupRole[]).filter((role) => event.lineup.some((entry) => entry.role === role));
  const bookable = occurrences.filter((o) => o.status !== "cancelled");

  return (
    <article className="mx-auto max-w-4xl">
      <JsonLd data={jsonLd} nonce={nonce} />

      {cancelled && (
        <p role="alert" className="mb-6 rounded-2xl border border-red-300 bg-red-50 p-4 font-semibold text-red-800">
          This event was cancelled by its organizers.
        </p>
      )}
      {done && <FormAlert tone="success" message={DONE_MESSAGES[done]} />}
      {checkout && <FormAlert tone={checkout === "success" ? "success" : "error"} message={CHECKOUT_MESSAGES[checkout]} />}

      <header className="mt-4">
        <p className="flex flex-wrap items-center gap-2 text-xs font-semibold uppercase tracking-wide">
          <span className="rounded-full bg-tango-50 px-2.5 py-1 text-tango-700">{EVENT_TYPE_LABELS[event.type]}</span>
          <a href={`/cities/${event.city.slug}`} className="text-stone-600 hover:text-tango-700 hover:underline">
            {event.city.name}, {event.city.country}
          </a>
        </p>
        <h1 className={`mt-3 font-display text-3xl font-bold text-tango-900 sm:text-4xl ${cancelled ? "line-through decoration-2" : ""}`}>{event.title}</h1>
        <div className="mt-3 flex flex-col gap-1">
          <p className="text-lg font-medium text-tango-700">
            <time dateTime={dates.startsAt}>{formatEventDate(dates.startsAt, event.timeZone)}</time>
            <span className="text-stone-700"> · {formatEventTimeRange(dates.startsAt, dates.endsAt, event.timeZone)}</span>
            <span className="sr-only"> venue time</span>
          </p>
          <EventViewerTime startsAt={dates.startsAt} endsAt={dates.endsAt} timeZone={event.timeZone} />
          {event.recurrence && <p className="text-sm text-stone-700">↻ {event.recurrence.summary}</p>}
        </div>
      </header>

      {event.coverUrl && <img src={event.coverUrl} alt="" className="mt-6 aspect-[2/1] w-full rounded-2xl object-cover" />}

      {organizes && (
        <nav aria-label="Organizer tools" className="mt-6 rounded-2xl border border-stone-200 bg-white p-4">
          <p className="text-sm font-semibold text-stone-700">You organize this event</p>
          <ul className="mt-2 flex flex-wrap gap-2 text-sm">
            {[
              [`/events/${event.id}/edit`, "Edit"],
              [`/events/${event.id}/attendees`, "Attendees"],
              [`/events/${event.id}/check-in`, "Check-in"],
            ].map(([href, label]) => (
              <li key={href}>
                <a href={href} className="inline-block rounded-full border border-tango-600 px-4 py-1.5 font-semibold text-tango-700 hover:bg-tango-600 hover:text-white">
                  {label}
                </a>
              </li>
            ))}
          </ul>
          {needsReconfirm && reconfirmBy && (
            <Form method="post" className="mt-3 flex flex-wrap items-center gap-3 rounded-xl bg-amber-50 p-3 text-sm text-amber-900">
              <p>
                {seriesHidden ? (
                  "This series is hidden from the listings until you confirm it still runs."
                ) : (
                  <>
                    This series leaves the listings on <time dateTime={reconfirmBy}>{formatEventDate(reconfirmBy, event.timeZone)}</time> unless you confirm it
                    still runs.
                  </>
                )}
              </p>
              <button type="submit" name="intent" value="reconfirm" className="rounded-full bg-tango-600 px-4 py-2 font-semibold text-white hover:bg-tango-700">
                Still running — reconfirm
              </button>
            </Form>
          )}
        </nav>
      )}

      <div className="mt-8 grid gap-8 md:grid-cols-[minmax(0,1fr)_18rem]">
        <div className="flex flex-col gap-8">
          {event.descriptionHtml && (
            <section aria-labelledby="about">
              <h2 id="about" className="font-display text-2xl font-semibold text-ink">
                About
              </h2>
              <div
                className="mt-2 text-stone-800 [&_a]:text-tango-700 [&_a]:underline [&_blockquote]:border-l-4 [&_blockquote]:pl-3 [&_h3]:mt-4 [&_h3]:font-semibold [&_li]:mt-1 [&_ol]:list-decimal [&_ol]:pl-5 [&_p]:mt-3 [&_ul]:list-disc [&_ul]:pl-5"
                dangerouslySetInnerHTML={{ __html: event.descriptionHtml }}
              />
            </section>
          )}

          {lineupRoles.length > 0 && (
            <section aria-labelledby="lineup">
              <h2 id="lineup" className="font-display text-2xl font-semibold text-ink">
                Line-up
              </h2>
              <dl className="mt-2 grid gap-3 sm:grid-cols-2">
                {lineupRoles.map((role) => (
                  <div key={role}>
                    <dt className="text-sm font-semibold text-stone-600">{LINEUP_HEADINGS[role]}</dt>
                    {event.lineup
                      .filter((entry) => entry.role === role)
                      .map((entry, i) => (
                        <dd key={`${entry.name}-${i}`} className="text-ink">
                          {entry.handle ? (
                            <a href={`/people/${entry.handle}`} className="font-medium text-tango-700 underline">
                              {entry.name}
                            </a>
                          ) : (
                            entry.name
                          )}
                        </dd>
                      ))}
                  </div>
                ))}
              </dl>
            </section>
          )}

          {event.recurrence && occurrences.length > 0 && (
            <section aria-labelledby="dates">
              <h2 id="dates" className="font-display text-2xl font-semibold text-ink">
                Next dates
              </h2>
              <ul className="mt-2 flex flex-col gap-1">
                {occurrences.map((o) => (
                  <li key={o.occurrenceKey} className="text-sm">
                    {o.status === "cancelled" ? (
                      <span className="text-stone-600">
                        <s>
                          <time dateTime={o.startsAt}>{formatEventDate(o.startsAt, event.timeZone)}</time> · {formatEventTimeRange(o.startsAt, o.endsAt, event.timeZone)}
                        </s>{" "}
                        <span className="font-semibold text-red-800">cancelled</span>
                      </span>
                    ) : (
                      <a
                        href={`/events/${event.id}?occurrence=${o.occurrenceKey}`}
                        aria-current={o.occurrenceKey === selectedKey ? "true" : undefined}
                        className={`hover:underline ${o.occurrenceKey === selectedKey ? "font-semibold text-tango-700" : "text-ink"}`}
                      >
                        <time dateTime={o.startsAt}>{formatEventDate(o.startsAt, event.timeZone)}</time> · {formatEventTimeRange(o.startsAt, o.endsAt, event.timeZone)}
                        {o.status === "moved" && <span className="ml-1 rounded bg-amber-100 px-1.5 text-xs font-semibold text-amber-900">moved</span>}
                      </a>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}

          <section aria-labelledby="rsvp">
            <h2 id="rsvp" className="font-display text-2xl font-semibold text-ink">
              Are you coming?
            </h2>
            <RsvpStatus mine={mine} />
            <p className="mt-2 text-sm text-stone-700">
              {counts.going} going
              {(counts.leaders > 0 || counts.followers > 0 || event.roleBalance) && ` (${counts.leaders} leaders, ${counts.followers} followers)`}
              {counts.waitlisted > 0 && ` · ${counts.waitlisted} waitlisted`}
              {counts.interested > 0 && ` · ${counts.interested} interested`}
              {counts.spotsLeft !== null && ` · ${counts.spotsLeft === 0 ? "full" : `${counts.spotsLeft} ${counts.spotsLeft === 1 ? "place" : "places"} left`}`}
            </p>
            {cancelled ? null : isOver ? (
              <p className="mt-3 text-stone-700">This event is over.</p>
            ) : (
              <Form method="post" className="mt-4 flex flex-col gap-4 rounded-2xl border border-stone-200 bg-white p-4">
                <FormAlert message={problems?.form} />
                {bookable.length > 1 ? (
                  <Field label="Date" name="occurrence" error={problems?.fields.occurrence}>
                    {(props) => (
                      <select {...props} defaultValue={submitted?.occurrence || (selectedKey ?? undefined)} className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink">
                        {bookable.map((o) => (
                          <option key={o.occurrenceKey} value={o.occurrenceKey}>
                            {formatEventDate(o.startsAt, event.timeZone)} · {formatEventTimeRange(o.startsAt, o.endsAt, event.timeZone)}
                            {o.status === "moved" ? " (moved)" : ""}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                ) : (
                  selectedKey && <input type="hidden" name="occurrence" value={selectedKey} />
                )}
                <Field
                  label="You dance as"
                  name="role"
                  error={problems?.fields.role}
                  hint={event.roleBalance ? "This event balances leaders and followers." : "Needed only when you come as a couple."}
                >
                  {(props) => (
                    <select {...props} defaultValue={submitted ? submitted.role : (mine?.role ?? "")} className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink">
                      <option value="">{event.roleBalance ? "As on my profile" : "Not saying"}</option>
                      <option value="leader">Leader</option>
                      <option value="follower">Follower</option>
                      <option value="both">Both</option>
                    </select>
                  )}
                </Field>
                <details open={Boolean(problems?.fields.partnerHandle) || undefined} className="text-sm">
                  <summary className="cursor-pointer font-medium text-tango-700">Coming as a couple?</summary>
                  <div className="mt-2">
                    <Field label="Your partner's handle" name="partnerHandle" error={problems?.fields.partnerHandle} hint="Registered together; your partner takes the other role.">
                      {(props) => (
                        <input {...props} type="text" autoComplete="off" defaultValue={submitted ? submitted.partnerHandle : (mine?.partner?.handle ?? "")} className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink" />
                      )}
                    </Field>
                  </div>
                </details>
                <div className="flex flex-wrap gap-2">
                  <RsvpButton intent="going" active={mine?.status === "going" || mine?.status === "waitlisted"}>
                    Going
                  </RsvpButton>
                  <RsvpButton intent="interested" active={mine?.status === "interested"}>
                    Interested
                  </RsvpButton>
                  <RsvpButton intent="not_going" active={mine?.status === "not_going"}>
                    Can't go
                  </RsvpButton>
                  {mine && (
                    <button type="submit" name="intent" value="cancel" className="rounded-full px-4 py-2 font-semibold text-stone-700 underline hover:text-tango-700">
                      Withdraw my RSVP
                    </button>
                  )}
                </div>
                {!signedIn && <p className="text-sm text-stone-600">You'll be asked to sign in first.</p>}
              </Form>
            )}
          </section>

          {ticketTypes.length > 0 && (
            <section aria-labelledby="tickets">
              <h2 id="tickets" className="font-display text-2xl font-semibold text-ink">
                Tickets
              </h2>
              {ticketProblems && <FormAlert message={ticketProblems.form ?? Object.values(ticketProblems.fields)[0]} />}
              <ul className="mt-3 flex flex-col gap-3">
                {ticketTypes.map((ticket) => (
                  <li key={ticket.id} className="flex flex-wrap items-end justify-between gap-3 rounded-2xl border border-stone-200 bg-white p-4">
                    <div>
                      <p className="font-semibold text-ink">{ticket.name}</p>
                      <p className="text-sm text-stone-700">
                        {ticket.price.amountMinor === 0 ? "Free" : formatPrice(ticket.price)} ·{" "}
                        {ticket.onSale ? `${ticket.available} left` : ticket.available === 0 ? "Sold out" : "Not on sale"}
                      </p>
                    </div>
                    {ticket.onSale && !cancelled && (
                      <Form method="post" className="flex items-end gap-2">
                        <input type="hidden" name="ticketTypeId" value={ticket.id} />
                        <div className="flex flex-col gap-1">
                          <label htmlFor={`quantity-${ticket.id}`} className="text-xs font-medium text-stone-700">
                            How many
                          </label>
                          <input
                            id={`quantity-${ticket.id}`}
                            name="quantity"
                            type="number"
                            min={1}
                            max={Math.min(10, ticket.available)}
                            defaultValue={1}
                            className="w-20 rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink"
                          />
                        </div>
                        <button type="submit" name="intent" value="buy" className="rounded-full bg-tango-600 px-4 py-2 font-semibold text-white hover:bg-tango-700">
                          {ticket.price.amountMinor === 0 ? "Get ticket" : "Buy"}
                          <span className="sr-only"> {ticket.name}</span>
                        </button>
                      </Form>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>

        <aside aria-label="Practical details" className="flex flex-col gap-6 text-sm">
          {loaderData.chatRoom && (
            <section aria-labelledby="event-chat" className="rounded-2xl border border-tango-200 bg-tango-50 p-4">
              <h2 id="event-chat" className="font-semibold text-tango-900">
                Event chat
              </h2>
              <p className="mt-1 text-stone-700">Talk with the organizers and everyone who is going: rides, shoes, where to eat after.</p>
              {loaderData.chatRoom.joined && loaderData.chatRoom.conversationId ? (
                <a href={`/messages/${loaderData.chatRoom.conversationId}`} className="mt-3 inline-block rounded-full bg-tango-600 px-4 py-2 font-semibold text-white hover:bg-tango-700">
                  Open the event chat
                </a>
              ) : (
                <Form method="post" className="mt-3">
                  <button type="submit" name="intent" value="join-chat" className="rounded-full bg-tango-600 px-4 py-2 font-semibold text-white hover:bg-tango-700">
                    Join the event chat
                  </button>
                </Form>
              )}
            </section>
          )}
          <section aria-labelledby="venue">
            <h2 id="venue" className="font-semibold text-stone-600">
              Where
            </h2>
            <p className="mt-1 font-medium text-ink">{event.venue.name}</p>
            <p className="text-stone-700">{event.venue.address}</p>
            <p className="text-stone-700">
              {event.city.name}, {event.city.country}
            </p>
            <a href={mapHref} rel="noopener noreferrer" target="_blank" className="mt-1 inline-block font-semibold text-tango-700 underline">
              Open map<span className="sr-only"> of {event.venue.name} (OpenStreetMap, new tab)</span>
            </a>
          </section>
          <section aria-labelledby="price">
            <h2 id="price" className="font-semibold text-stone-600">
              Price
            </h2>
            <p className="mt-1 text-ink">{formatPrice(event.price)}</p>
            {event.priceNote && <p className="text-stone-700">{event.priceNote}</p>}
            {event.capacity !== null && <p className="text-stone-700">Room for {event.capacity} dancers</p>}
          </section>
          {event.organizers.length > 0 && (
            <section aria-labelledby="organizers">
              <h2 id="organizers" className="font-semibold text-stone-600">
                Organized by
              </h2>
              <ul className="mt-1">
                {event.organizers.map((person) => (
                  <li key={person.handle}>
                    <a href={`/people/${person.handle}`} className="font-medium text-tango-700 underline">
                      {person.displayName}
                    </a>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <a href={`/events/${event.id}/calendar.ics`} className="inline-block rounded-full border border-tango-600 px-4 py-2 text-center font-semibold text-tango-700 hover:bg-tango-600 hover:text-white">
            Add to calendar
          </a>
        </aside>
      </div>

      <EventMemories eventId={event.id} memories={loaderData.memories} signedIn={signedIn} />
    </article>
  );
}

function RsvpStatus({ mine }: { mine: Route.ComponentProps["loaderData"]["mine"] }) {
  if (!mine) return null;
  const as = mine.seatedRole ?? mine.role;
  const text =
    mine.status === "going"
      ? `You're going${as ? ` as ${ROLE_LABELS[as]}` : ""}${mine.partner ? ` with ${mine.partner.displayName}` : ""}.`
      : mine.status === "waitlisted"
        ? `You're on the waitlist${mine.waitlistPosition ? `: number ${mine.waitlistPosition} in line` : ""}.`
        : mine.status === "interested"
          ? "You're interested."
          : "You said you can't go.";
  return (
    <p role="status" className="mt-2 rounded-xl bg-tango-50 px-3 py-2 font-semibold text-tango-900">
      {text}
    </p>
  );
}

function RsvpButton({ intent, active, children }: { intent: string; active: boolean; children: React.ReactNode }) {
  return (
    <button
      type="submit"
      name="intent"
      value={intent}
      aria-pressed={active}
      className={`rounded-full px-5 py-2.5 font-semibold ${active ? "bg-tango-700 text-white" : "border border-tango-600 text-tango-700 hover:bg-tango-600 hover:text-white"}`}
    >
      {children}
    </button>
  );
}

/** A labelled control with its hint and error tied to it, for selects and inputs alike. */
function Field({
  label,
  name,
  error,
  hint,
  children,
}: {
  label: string;
  name: string;
  error?: string;
  hint?: string;
  children: (props: { id: string; name: string; "aria-invalid"?: true; "aria-describedby"?: string }) => React.ReactNode;
}) {
  return (
    <LabelledControl id={`rsvp-${name}`} label={label} error={error} hint={hint}>
      {({ id, describedBy, invalid }) => children({ id, name, "aria-invalid": invalid, "aria-describedby": describedBy })}
    </LabelledControl>
  );
}
