import { Form, redirect } from "react-router";
import type { Route } from "./+types/events.$id.edit";
import { EventForm, eventFormValues, eventInputFromForm, formValues, VenueCityPicker } from "../components/event-form";
import { OrganizerErrorBoundary } from "../components/organizer-error-boundary";
import { OrganizerNav } from "../components/organizer-nav";
import { submitEventForm } from "../lib/event-form-action.server";
import { organizerEvent } from "../lib/organizer-event.server";
import { serverContext } from "../server-context";
import { updateEventInput } from "../../worker/schemas/events";
import { listCities } from "../../worker/services/cities";
import { cancelEvent, updateEvent } from "../../worker/services/event-editing";
import { toEventDetail } from "../../worker/services/events";
import { listCoOrganizerHandles } from "../../worker/services/my-events";
import { listVenues } from "../../worker/services/venues";

export function meta({ loaderData }: Route.MetaArgs) {
  return [{ title: loaderData ? `Edit ${loaderData.event.title} — Mundo Tango` : "Edit event — Mundo Tango" }];
}

export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  const event = await organizerEvent(ctx, params.id, "edit", (event) => toEventDetail(ctx, event));
  const url = new URL(request.url);
  const cities = await listCities(ctx);
  const chosen = url.searchParams.get("city");
  const venueCity = chosen && cities.some((c) => c.slug === chosen) ? chosen : event.city.slug;
  const [venues, coOrganizers] = await Promise.all([listVenues(ctx, venueCity), listCoOrganizerHandles(ctx, event.id)]);
  return {
    event: { id: event.id, title: event.title, status: event.status, coverUrl: event.coverUrl },
    values: eventFormValues(event, coOrganizers),
    confirmCancel: url.searchParams.get("cancel") === "confirm",
    cities,
    venueCity,
    venues: venues.map((v) => ({ id: v.id, name: v.name, address: v.address })),
  };
}

export async function action({ params, request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  const event = await organizerEvent(ctx, params.id, "edit", (event) => toEventDetail(ctx, event));
  const form = await request.formData();
  if (form.get("intent") === "cancel") {
    await cancelEvent(ctx, event.id);
    throw redirect(`/events/${event.id}`);
  }

  const values = formValues(form);
  const { input, errors } = eventInputFromForm(values);
  // Co-organizers are rewritten only when the list changed: a co-organizer saving the form
  // must not drop themselves from a list the service reads as "everyone but me".
  const before = await listCoOrganizerHandles(ctx, event.id);
  if ((input.coOrganizers as string[]).map((h) => h.replace(/^@/, "").toLowerCase()).join(",") === before.join(",")) delete input.coOrganizers;
  // Unchanged times are not sent: a festival already under way keeps its past start.
  if (input.start === event.startLocal && input.end === event.endLocal) {
    delete input.start;
    delete input.end;
  }
  if (input.timeZone === event.timeZone) delete input.timeZone;
  if (((input.recurrence as { rrule: string } | null)?.rrule ?? null) === (event.recurrence?.rrule ?? null)) delete input.recurrence;
  return submitEventForm(ctx, form, { values, input, errors }, updateEventInput, async (input) => {
    await updateEvent(ctx, event.id, input);
    return event.id;
  });
}

export default function EditEvent({ loaderData, actionData }: Route.ComponentProps) {
  const { event, values, confirmCancel, cities, venueCity, venues } = loaderData;
  const cancelled = event.status === "cancelled";
  return (
    <section className="mx-auto w-full max-w-3xl">
      <p className="text-sm">
        <a href={`/events/${event.id}`} className="font-semibold text-tango-700 underline">
          ← Back to the event
        </a>
      </p>
      <h1 className="mt-2 font-display text-3xl font-bold text-tango-900">Edit “{event.title}”</h1>
      <OrganizerNav eventId={event.id} current="edit" />

      {cancelled ? (
        <p role="status" className="mt-6 rounded-2xl border border-stone-200 bg-white p-6 text-stone-700">
          This event was cancelled, so it can no longer be edited. Create a new event if it is back on.
        </p>
      ) : (
        <>
          <VenueCityPicker action={`/events/${event.id}/edit`} ariaLabel="Venues of another city" label="Show venues in" cities={cities} venueCity={venueCity}>
            Only to move the event to another city: changes typed below are not kept when you switch.
          </VenueCityPicker>
          <div className="mt-6 rounded-2xl border border-stone-200 bg-white p-4 sm:p-6">
            <EventForm
              key={venueCity}
              values={actionData?.values ?? values}
              problems={actionData?.problems}
              cities={cities}
              venues={venues}
              venueCity={venueCity}
              coverUrl={event.coverUrl}
              submitLabel="Save changes"
            />
          </div>

          <section aria-labelledby="cancel-heading" className="mt-8 rounded-2xl border border-red-200 bg-white p-4 sm:p-6">
            <h2 id="cancel-heading" className="font-display text-xl font-semibold text-red-800">
              Cancel this event
            </h2>
            {confirmCancel ? (
              <Form method="post" className="mt-3 flex flex-col gap-3">
                <p className="text-stone-700">
                  Cancel “{event.title}” for good? It leaves every listing, its page says it was cancelled, and everyone who registered gets a mail. This
                  cannot be undone.
                </p>
                <div className="flex flex-wrap gap-3">
                  <button type="submit" name="intent" value="cancel" className="rounded-full bg-red-700 px-5 py-2.5 font-semibold text-white hover:bg-red-800">
                    Yes, cancel the event
                  </button>
                  <a href={`/events/${event.id}/edit`} className="rounded-full border border-stone-300 px-5 py-2.5 font-semibold text-stone-700 hover:border-tango-600">
                    No, keep it
                  </a>
                </div>
              </Form>
            ) : (
              <p className="mt-3 text-stone-700">
                Not happening after all?{" "}
                <a href={`/events/${event.id}/edit?cancel=confirm#cancel-heading`} className="font-semibold text-red-700 underline">
                  Cancel this event…
                </a>
              </p>
            )}
          </section>
        </>
      )}
    </section>
  );
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  return <OrganizerErrorBoundary error={error} forbidden={{ title: "Only organizers can edit this event", text: "Ask one of its organizers to add you as a co-organizer." }} />;
}
