import { Form, redirect } from "react-router";
import type { Route } from "./+types/events.new";
import { EventForm, eventInputFromForm, formValues, VenueCityPicker, type EventFormValues } from "../components/event-form";
import { FormAlert } from "../components/form-field";
import { submitEventForm } from "../lib/event-form-action.server";
import type { FormProblems } from "../lib/form-problems";
import { serverContext } from "../server-context";
import { clientIp } from "../../worker/middleware/auth";
import { createEventInput } from "../../worker/schemas/events";
import { listCities, resolveVisitorCity } from "../../worker/services/cities";
import { createEvent } from "../../worker/services/event-editing";
import { sendVerificationEmail } from "../../worker/services/email-verification";
import { enforce } from "../../worker/services/rate-limit";
import { listVenues } from "../../worker/services/venues";

export const meta: Route.MetaFunction = () => [{ title: "New event — Mundo Tango" }];

const LOGIN = "/login?redirectTo=/events/new";

export async function loader({ request, context }: Route.LoaderArgs) {
  const { ctx, visitor } = context.get(serverContext);
  if (!ctx.user) throw redirect(LOGIN);
  const [cities, city] = await Promise.all([listCities(ctx), resolveVisitorCity(ctx, { chosenSlug: new URL(request.url).searchParams.get("city"), visitor })]);
  const venues = city ? await listVenues(ctx, city.slug) : [];
  return {
    verified: ctx.user.emailVerified,
    cities,
    venueCity: city?.slug ?? "",
    venues: venues.map((v) => ({ id: v.id, name: v.name, address: v.address })),
  };
}

type ActionResult = { values: EventFormValues; problems?: FormProblems; verificationSent?: boolean };

export async function action({ request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  if (!ctx.user) throw redirect(LOGIN);
  const form = await request.formData();
  if (form.get("intent") === "resend-verification") {
    await enforce(ctx.env, "mail.ip", `mail:ip:${clientIp(request.headers)}`);
    if (!ctx.user.emailVerified) await sendVerificationEmail(ctx, ctx.user.id);
    return { values: {}, verificationSent: true } as ActionResult;
  }

  const values = formValues(form);
  return submitEventForm(ctx, form, { values, ...eventInputFromForm(values) }, createEventInput, async (input) => (await createEvent(ctx, input)).id);
}

export default function NewEvent({ loaderData, actionData }: Route.ComponentProps) {
  const { verified, cities, venueCity, venues } = loaderData;
  const city = cities.find((c) => c.slug === venueCity);
  return (
    <section className="mx-auto w-full max-w-3xl">
      <h1 className="font-display text-3xl font-bold text-tango-900">New event</h1>
      {!verified ? (
        <div className="mt-6 flex flex-col gap-4 rounded-2xl border border-amber-200 bg-amber-50 p-6 text-amber-900">
          <p>
            <strong>Confirm your email first.</strong> Hosting events needs a confirmed email address: open the link we mailed you when you
            signed up. No mail? We can send the link again.
          </p>
          {actionData && "verificationSent" in actionData && actionData.verificationSent ? (
            <FormAlert tone="success" message="A new link is on its way. Open it, then come back to this page." />
          ) : (
            <Form method="post">
              <button type="submit" name="intent" value="resend-verification" className="rounded-full bg-tango-600 px-5 py-2.5 font-semibold text-white hover:bg-tango-700">
                Send the confirmation link again
              </button>
            </Form>
          )}
        </div>
      ) : (
        <>
          <p className="mt-2 text-stone-600">Dancers see times in the venue's local time. You can change everything later.</p>
          <VenueCityPicker action="/events/new" ariaLabel="Choose the city" label="City of the event" cities={cities} venueCity={venueCity}>
            Start here: the venue list below shows the venues known in {city?.name ?? "this city"}.
          </VenueCityPicker>
          <div className="mt-6 rounded-2xl border border-stone-200 bg-white p-4 sm:p-6">
            <EventForm
              key={venueCity}
              values={actionData?.values ?? { "venue.city": venueCity }}
              problems={actionData?.problems}
              cities={cities}
              venues={venues}
              venueCity={venueCity}
              submitLabel="Create the event"
            />
          </div>
        </>
      )}
    </section>
  );
}
