import { useId } from "react";
import { data, Form, redirect } from "react-router";
import type { Route } from "./+types/events.$id.attendees";
import { FormAlert } from "../components/form-field";
import { OrganizerErrorBoundary } from "../components/organizer-error-boundary";
import { OrganizerNav } from "../components/organizer-nav";
import { formatEventDate } from "../lib/format";
import { fromDomainError, type FormProblems } from "../lib/form-problems";
import { organizerEvent } from "../lib/organizer-event.server";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { occurrenceKeyParam } from "../../worker/schemas/events";
import { messageAttendees } from "../../worker/services/event-notifications";
import { listEventOccurrences, toOccurrenceDto, findOccurrence } from "../../worker/services/occurrences";
import { listAttendees } from "../../worker/services/rsvps";

export function meta({ loaderData }: Route.MetaArgs) {
  return [{ title: loaderData ? `Attendees of ${loaderData.event.title} — Mundo Tango` : "Attendees — Mundo Tango" }];
}

export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  const event = await organizerEvent(ctx, params.id, "attendees");
  const search = new URL(request.url).searchParams;
  const occurrence = occurrenceKeyParam.safeParse(search.get("occurrence"));
  const cursor = search.get("cursor") ?? undefined;
  let list: Awaited<ReturnType<typeof listAttendees>>;
  try {
    list = await listAttendees(ctx, event.id, { occurrence: occurrence.success ? occurrence.data : undefined, cursor, limit: 100 });
  } catch (error) {
    if (error instanceof DomainError && error.status === 400) throw redirect(`/events/${event.id}/attendees`);
    throw error;
  }
  const upcoming = event.recurrenceRule ? await listEventOccurrences(ctx, event.id, { limit: 52 }) : [];
  const selected = list.occurrenceKey ? await findOccurrence(ctx, event.id, list.occurrenceKey) : undefined;
  const dates = upcoming.some((o) => o.occurrenceKey === list.occurrenceKey) || !selected ? upcoming : [toOccurrenceDto(event, selected), ...upcoming];
  return {
    event: { id: event.id, title: event.title, timeZone: event.timeZone, recurring: event.recurrenceRule !== null, balanced: event.roleBalanceTolerance !== null, capacity: event.capacity },
    occurrenceKey: list.occurrenceKey,
    dates: dates.map((d) => ({ occurrenceKey: d.occurrenceKey, startsAt: d.startsAt, startLocal: d.startLocal, status: d.status })),
    counts: list.counts,
    attendees: list.data,
    nextCursor: list.nextCursor,
    cursor: cursor ?? null,
  };
}

type ActionResult = { sent: boolean; problems?: FormProblems; values: { subject: string; body: string; audience: string } };

export async function action({ params, request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  const event = await organizerEvent(ctx, params.id, "attendees");
  const form = await request.formData();
  const values = { subject: String(form.get("subject") ?? ""), body: String(form.get("body") ?? ""), audience: String(form.get("audience") ?? "going") };
  try {
    await messageAttendees(ctx, event.id, { subject: values.subject, body: values.body, audience: values.audience as "going" | "all" });
    return { sent: true, values: { subject: "", body: "", audience: values.audience } } as ActionResult;
  } catch (error) {
    return data({ sent: false, problems: fromDomainError(error), values } as ActionResult, { status: (error as { status: number }).status });
  }
}

const STATUS_LABELS = { going: "Going", waitlisted: "Waitlisted", interested: "Interested", not_going: "Not going" } as const;
const ROLE_LABELS = { leader: "Leader", follower: "Follower", both: "Both" } as const;

function when(startsAt: string, startLocal: string, timeZone: string) {
  return `${formatEventDate(startsAt, timeZone)}, ${startLocal.slice(11, 16)}`;
}

export default function Attendees({ loaderData, actionData }: Route.ComponentProps) {
  const { event, occurrenceKey, dates, counts, attendees, nextCursor, cursor } = loaderData;
  const problems = actionData?.problems;
  const subjectId = useId();
  const bodyId = useId();
  const csvHref = `/api/v1/events/${event.id}/attendees?format=csv${occurrenceKey ? `&occurrence=${occurrenceKey}` : ""}`;
  const base = `/events/${event.id}/attendees${occurrenceKey ? `?occurrence=${occurrenceKey}` : ""}`;
  const stats: [string, number | string][] = [
    ["Going", counts.going],
    ["Leaders going", counts.leaders],
    ["Followers going", counts.followers],
    ["Waitlisted", counts.waitlisted],
    ["Leaders waiting", counts.waitlistedLeaders],
    ["Followers waiting", counts.waitlistedFollowers],
    ["Interested", counts.interested],
    ["Places left", counts.spotsLeft ?? "No limit"],
  ];

  return (
    <>
      <p className="text-sm">
        <a href={`/events/${event.id}`} className="font-semibold text-tango-700 underline">
          ← Back to the event
        </a>
      </p>
      <h1 className="mt-2 font-display text-3xl font-bold text-tango-900">Who is coming to “{event.title}”</h1>
      <OrganizerNav eventId={event.id} current="attendees" />

      {event.recurring && dates.length > 0 && (
        <form method="get" action={`/events/${event.id}/attendees`} className="mt-6 flex flex-wrap items-end gap-3 rounded-2xl border border-stone-200 bg-white p-4" aria-label="Choose a date">
          <div className="flex flex-col gap-1">
            <label htmlFor="occurrence" className="text-sm font-medium text-stone-700">
              Date
            </label>
            <select id="occurrence" name="occurrence" defaultValue={occurrenceKey ?? ""} className="min-w-48 rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink">
              {dates.map((d) => (
                <option key={d.occurrenceKey} value={d.occurrenceKey}>
                  {when(d.startsAt, d.startLocal, event.timeZone)}
                  {d.status === "cancelled" ? " (cancelled)" : d.status === "moved" ? " (moved)" : ""}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="rounded-lg bg-tango-600 px-4 py-2 font-semibold text-white hover:bg-tango-700">
            Show this date
          </button>
        </form>
      )}

      {occurrenceKey === null ? (
        <p className="mt-6 rounded-2xl border border-dashed border-stone-300 bg-white p-6 text-stone-700">This event has no dates left, so there is no one to list.</p>
      ) : (
        <>
          <section aria-labelledby="counts-heading" className="mt-6">
            <h2 id="counts-heading" className="sr-only">
              Counts
            </h2>
            <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
              {stats.map(([label, value]) => (
                <div key={label} className="rounded-xl border border-stone-200 bg-white p-3">
                  <dt className="text-sm text-stone-600">{label}</dt>
                  <dd className="text-2xl font-semibold text-ink">{value}</dd>
                </div>
              ))}
            </dl>
          </section>

          <section aria-labelledby="list-heading" className="mt-8">
            <div className="flex flex-wrap items-center justify-between gap-3">
              <h2 id="list-heading" className="font-display text-2xl font-semibold text-tango-900">
                Attendees
              </h2>
              <a href={csvHref} download className="rounded-full border border-tango-600 px-4 py-2 text-sm font-semibold text-tango-700 hover:bg-tango-600 hover:text-white">
                Download CSV
              </a>
            </div>
            {attendees.length === 0 ? (
              <p className="mt-4 rounded-2xl border border-dashed border-stone-300 bg-white p-6 text-stone-700">
                {cursor ? "That was the last page." : "No one has answered for this date yet. Share the event page with your dancers: their RSVPs appear here."}
              </p>
            ) : (
              <div className="mt-4 overflow-x-auto rounded-2xl border border-stone-200 bg-white">
                <table className="w-full text-left text-sm">
                  <caption className="sr-only">Attendees of this date</caption>
                  <thead className="bg-stone-100 text-stone-700">
                    <tr>
                      <th scope="col" className="px-3 py-2">Member</th>
                      <th scope="col" className="px-3 py-2">Status</th>
                      <th scope="col" className="px-3 py-2">Role</th>
                      <th scope="col" className="px-3 py-2">Dances as</th>
                      <th scope="col" className="px-3 py-2">Partner</th>
                      <th scope="col" className="px-3 py-2">Registered</th>
                    </tr>
                  </thead>
                  <tbody>
                    {attendees.map((a) => (
                      <tr key={a.member.handle} className="border-t border-stone-200">
                        <th scope="row" className="px-3 py-2 font-normal">
                          <a href={`/people/${a.member.handle}`} className="font-semibold text-tango-700 hover:underline">
                            {a.member.displayName}
                          </a>{" "}
                          <span className="text-stone-600">@{a.member.handle}</span>
                        </th>
                        <td className="px-3 py-2">{STATUS_LABELS[a.status]}</td>
                        <td className="px-3 py-2">{a.role ? ROLE_LABELS[a.role] : "—"}</td>
                        <td className="px-3 py-2">{a.seatedRole ? ROLE_LABELS[a.seatedRole] : "—"}</td>
                        <td className="px-3 py-2">{a.partner ? <a href={`/people/${a.partner}`} className="text-tango-700 hover:underline">@{a.partner}</a> : "—"}</td>
                        <td className="px-3 py-2">
                          <time dateTime={a.registeredAt}>{new Date(a.registeredAt).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: event.timeZone })}</time>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {(cursor || nextCursor) && (
              <nav aria-label="More attendees" className="mt-4 flex justify-between gap-4">
                {cursor ? (
                  <a href={base} className="font-semibold text-tango-700 hover:underline">
                    ← First page
                  </a>
                ) : (
                  <span />
                )}
                {nextCursor && (
                  <a href={`${base}${occurrenceKey ? "&" : "?"}cursor=${encodeURIComponent(nextCursor)}`} className="font-semibold text-tango-700 hover:underline">
                    Next page →
                  </a>
                )}
              </nav>
            )}
          </section>
        </>
      )}

      <section aria-labelledby="message-heading" className="mt-10 max-w-2xl rounded-2xl border border-stone-200 bg-white p-4 sm:p-6">
        <h2 id="message-heading" className="font-display text-2xl font-semibold text-tango-900">
          Message attendees
        </h2>
        <p className="mt-1 text-sm text-stone-600">A mail to every dancer of the event (all dates). At most 5 messages per event a day.</p>
        <Form method="post" className="mt-4 flex flex-col gap-4">
          {actionData?.sent && <FormAlert tone="success" message="Your message is on its way." />}
          <FormAlert message={problems?.form} />
          <div className="flex flex-col gap-1">
            <label htmlFor={subjectId} className="text-sm font-medium text-stone-700">
              Subject
            </label>
            <input
              id={subjectId}
              name="subject"
              type="text"
              required
              maxLength={200}
              defaultValue={actionData?.values.subject ?? ""}
              aria-invalid={problems?.fields.subject ? true : undefined}
              aria-describedby={problems?.fields.subject ? `${subjectId}-error` : undefined}
              className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink"
            />
            {problems?.fields.subject && (
              <p id={`${subjectId}-error`} className="text-sm text-red-700">
                {problems.fields.subject}
              </p>
            )}
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={bodyId} className="text-sm font-medium text-stone-700">
              Message
            </label>
            <textarea
              id={bodyId}
              name="body"
              rows={6}
              required
              defaultValue={actionData?.values.body ?? ""}
              aria-invalid={problems?.fields.body ? true : undefined}
              aria-describedby={problems?.fields.body ? `${bodyId}-error` : undefined}
              className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink"
            />
            {problems?.fields.body && (
              <p id={`${bodyId}-error`} className="text-sm text-red-700">
                {problems.fields.body}
              </p>
            )}
          </div>
          <fieldset className="flex flex-col gap-2">
            <legend className="text-sm font-medium text-stone-700">Send to</legend>
            {[
              ["going", "Dancers going"],
              ["all", "Everyone who answered (going, waitlisted, interested)"],
            ].map(([value, label]) => (
              <label key={value} className="flex items-center gap-2 text-sm text-stone-700">
                <input type="radio" name="audience" value={value} defaultChecked={(actionData?.values.audience ?? "going") === value} className="h-4 w-4 accent-tango-600" />
                {label}
              </label>
            ))}
            {problems?.fields.audience && <p className="text-sm text-red-700">{problems.fields.audience}</p>}
          </fieldset>
          <button type="submit" className="self-start rounded-full bg-tango-600 px-5 py-2.5 font-semibold text-white hover:bg-tango-700">
            Send the message
          </button>
        </Form>
      </section>
    </>
  );
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  return <OrganizerErrorBoundary error={error} forbidden={{ title: "Only organizers can see who is coming", text: "The attendee list is for the event's organizers." }} />;
}
