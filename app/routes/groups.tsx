import { data, Form, redirect } from "react-router";
import type { Route } from "./+types/groups";
import { FormAlert, FormField, LabelledControl, SubmitButton } from "../components/form-field";
import { GroupGrid } from "../components/group-card";
import { NextPageLink } from "../components/member-list";
import { fromDomainError, fromZod, type FormProblems } from "../lib/form-problems";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { createGroupInput } from "../../worker/schemas/groups";
import { cursorParam } from "../../worker/schemas/common";
import { listCities, resolveVisitorCity } from "../../worker/services/cities";
import { createGroup, listGroups } from "../../worker/services/groups";
import { getMe } from "../../worker/services/users";

const PAGE_SIZE = 30;

export function meta() {
  return [{ title: "Groups — Mundo Tango" }, { name: "description", content: "Your city's tango community and groups for every kind of dancer." }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const { ctx, visitor } = context.get(serverContext);
  const url = new URL(request.url);
  const cursor = cursorParam.safeParse(url.searchParams.get("cursor") ?? undefined);
  const me = ctx.user ? await getMe(ctx, ctx.user.id) : null;
  // A member's home city, else where the visitor seems to be.
  const city = me?.homeCity ?? (await resolveVisitorCity(ctx, { visitor }).then((c) => (c ? { slug: c.slug, name: c.name } : null)));
  const [mine, inCity, all, cities] = await Promise.all([
    ctx.user ? listGroups(ctx, { mine: true, limit: 100 }).then((p) => p.data) : Promise.resolve([]),
    city ? listGroups(ctx, { city: city.slug, limit: 100 }).then((p) => p.data) : Promise.resolve([]),
    listGroups(ctx, { cursor: cursor.success ? cursor.data : undefined, limit: PAGE_SIZE }).catch(() => listGroups(ctx, { limit: PAGE_SIZE })),
    listCities(ctx),
  ]);
  return {
    signedIn: ctx.user !== null,
    verified: ctx.user?.emailVerified ?? false,
    city,
    mine,
    inCity,
    all,
    cities: cities.map((c) => ({ slug: c.slug, name: c.name })),
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  if (!ctx.user) throw redirect("/login?redirectTo=%2Fgroups%23create");
  const form = await request.formData();
  const submitted = {
    name: String(form.get("name") ?? ""),
    description: String(form.get("description") ?? ""),
    visibility: String(form.get("visibility") ?? "public"),
    city: String(form.get("city") ?? ""),
  };
  const failed = (problems: FormProblems, status = 400) => data({ problems, submitted }, { status });
  const parsed = createGroupInput.safeParse({ ...submitted, city: submitted.city || undefined });
  if (!parsed.success) return failed(fromZod(parsed.error));
  try {
    const group = await createGroup(ctx, parsed.data);
    return redirect(`/groups/${group.slug}`);
  } catch (error) {
    return failed(fromDomainError(error), error instanceof DomainError ? error.status : 400);
  }
}

export default function Groups({ loaderData, actionData }: Route.ComponentProps) {
  const { signedIn, verified, city, mine, inCity, all, cities } = loaderData;
  const community = inCity.find((g) => g.kind === "city");
  const cityInterest = inCity.filter((g) => g.kind !== "city");
  const problems = actionData?.problems;
  const submitted = actionData?.submitted;
  return (
    <div className="mx-auto flex max-w-4xl flex-col gap-10">
      <header>
        <h1 className="font-display text-3xl font-bold text-tango-900 sm:text-4xl">Groups</h1>
        <p className="mt-2 text-stone-700">Your city's tango community, and groups for practicas, styles, languages and everything else dancers share.</p>
        <a href="#create" className="mt-3 inline-block font-semibold text-tango-700 hover:underline">
          Create a group ↓
        </a>
      </header>

      {signedIn && (
        <section aria-labelledby="mine-heading">
          <h2 id="mine-heading" className="font-display text-xl font-bold text-tango-900">
            My groups
          </h2>
          {mine.length === 0 ? (
            <p className="mt-2 text-stone-700">
              You haven't joined any group yet. Join your city's community below, or{" "}
              <a href="#create" className="font-semibold text-tango-700 underline">
                create a group
              </a>
              .
            </p>
          ) : (
            <GroupGrid label="My groups" groups={mine} />
          )}
        </section>
      )}

      {city && (
        <section aria-labelledby="city-heading">
          <h2 id="city-heading" className="font-display text-xl font-bold text-tango-900">
            In {city.name}
          </h2>
          {community && <GroupGrid label={`${city.name} community`} groups={[community]} />}
          {cityInterest.length === 0 ? (
            <p className="mt-3 text-stone-700">
              No groups in your city yet — <a href="#create" className="font-semibold text-tango-700 underline">create one</a>.
            </p>
          ) : (
            <GroupGrid label={`Groups in ${city.name}`} groups={cityInterest} />
          )}
        </section>
      )}

      <section aria-labelledby="all-heading">
        <h2 id="all-heading" className="font-display text-xl font-bold text-tango-900">
          All groups
        </h2>
        {all.data.length === 0 ? <p className="mt-2 text-stone-700">No groups yet — create the first one.</p> : <GroupGrid label="All groups" groups={all.data} />}
        <NextPageLink nextCursor={all.nextCursor} basePath="/groups" />
      </section>

      <section id="create" aria-labelledby="create-heading" className="rounded-2xl border border-stone-200 bg-white p-6 shadow-sm">
        <h2 id="create-heading" className="font-display text-xl font-bold text-tango-900">
          Create a group
        </h2>
        {!signedIn ? (
          <p className="mt-2 text-stone-700">
            <a href="/login?redirectTo=%2Fgroups%23create" className="font-semibold text-tango-700 underline">
              Sign in
            </a>{" "}
            to create a group.
          </p>
        ) : !verified ? (
          <p className="mt-2 text-stone-700">
            Confirm your email address first: open the link we mailed you, or ask for a new one in{" "}
            <a href="/settings/account" className="font-semibold text-tango-700 underline">
              your account settings
            </a>
            .
          </p>
        ) : (
          <Form method="post" className="mt-4 flex flex-col gap-4">
            <FormAlert message={problems?.form} />
            <FormField label="Name" name="name" defaultValue={submitted?.name} error={problems?.fields.name} hint="3–80 characters. The group's address comes from it." />
            <LabelledControl id="group-description" label="About the group" error={problems?.fields.description} hint="Optional, up to 2000 characters.">
              {({ id, describedBy, invalid }) => (
                <textarea
                  id={id}
                  name="description"
                  rows={3}
                  maxLength={2000}
                  defaultValue={submitted?.description}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                  className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink"
                />
              )}
            </LabelledControl>
            <fieldset className="flex flex-col gap-1">
              <legend className="text-sm font-medium text-stone-700">Who can join</legend>
              <label className="flex items-center gap-2">
                <input type="radio" name="visibility" value="public" defaultChecked={submitted?.visibility !== "private"} /> Public: anyone can join and see members
              </label>
              <label className="flex items-center gap-2">
                <input type="radio" name="visibility" value="private" defaultChecked={submitted?.visibility === "private"} /> Private: you approve who joins
              </label>
              {problems?.fields.visibility && <p className="text-sm text-red-700">{problems.fields.visibility}</p>}
            </fieldset>
            <LabelledControl id="group-city" label="City (optional)" error={problems?.fields.city}>
              {({ id, describedBy, invalid }) => (
                <select
                  id={id}
                  name="city"
                  defaultValue={submitted?.city ?? city?.slug ?? ""}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                  className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink"
                >
                  <option value="">No particular city</option>
                  {cities.map((c) => (
                    <option key={c.slug} value={c.slug}>
                      {c.name}
                    </option>
                  ))}
                </select>
              )}
            </LabelledControl>
            <div>
              <SubmitButton>Create group</SubmitButton>
            </div>
          </Form>
        )}
      </section>
    </div>
  );
}
