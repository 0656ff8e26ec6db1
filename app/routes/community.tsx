import { data, redirect } from "react-router";
import type { Route } from "./+types/community";
import { FormAlert } from "../components/form-field";
import { PostComposer } from "../components/post-composer";
import { PostList } from "../components/post-card";
import { StoriesStrip } from "../components/stories-strip";
import { safeRedirect } from "../lib/form-problems";
import { submitComposer } from "../lib/post-form.server";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { citySlugParam } from "../../worker/schemas/events";
import { listCities, resolveVisitorCity } from "../../worker/services/cities";
import { getFeed } from "../../worker/services/feed";
import { listPostableGroups } from "../../worker/services/posts";
import { storyStrip } from "../../worker/services/stories";

const PAGE_SIZE = 20;

export function meta() {
  return [{ title: "Community — Mundo Tango" }, { name: "description", content: "What dancers you follow, your groups and your city's tango scene are sharing." }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const { ctx, visitor } = context.get(serverContext);
  const search = new URL(request.url).searchParams;
  const signedIn = ctx.user !== null;
  const tab = signedIn && search.get("tab") !== "city" ? "following" : "city";
  const citySlug = citySlugParam.safeParse(search.get("city"));
  const cursor = search.get("cursor") ?? undefined;
  let city = citySlug.success ? citySlug.data : undefined;
  if (tab === "city" && !city && !signedIn) city = (await resolveVisitorCity(ctx, { visitor }))?.slug;

  const readFeed = (from: string | undefined) =>
    getFeed(ctx, { tab, city, cursor: from, limit: PAGE_SIZE }).catch((error: unknown) => {
      // No city to show yet (a visitor we cannot place, a member without a home city), a city
      // that does not exist, or a cursor from elsewhere: the page asks for a city or starts over.
      if (error instanceof DomainError && error.status < 500) return null;
      throw error;
    });
  const [feed, groups, stories] = await Promise.all([readFeed(cursor).then((page) => (page === null && cursor ? readFeed(undefined) : page)), listPostableGroups(ctx), storyStrip(ctx)]);
  return {
    tab,
    signedIn,
    feed,
    city: feed?.city ?? null,
    cities: feed ? [] : (await listCities(ctx)).map((c) => ({ slug: c.slug, name: c.name })),
    groups: groups.map((g) => ({ id: g.id, name: g.name })),
    stories,
    posted: search.get("posted") === "1",
    returnTo: `/community${search.size ? `?${search}` : ""}`,
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  if (!ctx.user) throw redirect(`/login?redirectTo=${encodeURIComponent("/community")}`);
  const form = await request.formData();
  if (form.get("intent") !== "post") return data({ problems: { fields: {}, form: "Write your post and press Post." }, submitted: undefined }, { status: 400 });
  const result = await submitComposer(ctx, form);
  // Composers on event and group pages post here and name the page to come back to.
  if ("post" in result) return redirect(form.has("returnTo") ? safeRedirect(form.get("returnTo"), "/community?posted=1") : "/community?posted=1");
  return data(result, { status: 400 });
}

export default function Community({ loaderData, actionData }: Route.ComponentProps) {
  const { tab, signedIn, feed, city, cities, groups, posted, returnTo, stories } = loaderData;
  const nextHref = feed?.nextCursor ? `/community?${new URLSearchParams({ tab, ...(city && tab === "city" ? { city: city.slug } : {}), cursor: feed.nextCursor })}` : null;
  return (
    <section className="mx-auto flex max-w-2xl flex-col gap-5">
      <header>
        <h1 className="font-display text-4xl font-bold text-tango-900">Community</h1>
        <p className="mt-1 text-stone-600">What the dancers you follow, your groups and your city are sharing.</p>
      </header>

      <StoriesStrip authors={stories} />

      <nav aria-label="Feeds" className="flex gap-2 border-b border-stone-200">
        {signedIn && <Tab href="/community" current={tab === "following"} label="Following" />}
        <Tab href={city ? `/community?tab=city&city=${city.slug}` : "/community?tab=city"} current={tab === "city"} label={city ? `City: ${city.name}` : "City"} />
      </nav>

      {signedIn ? (
        <>
          {posted && <FormAlert tone="success" message="Posted." />}
          <PostComposer groups={groups} problems={actionData?.problems} submitted={actionData?.submitted} />
        </>
      ) : (
        <p className="rounded-2xl border border-stone-200 bg-white p-4 text-stone-700">
          <a href="/login?redirectTo=%2Fcommunity" className="font-semibold text-tango-700 underline">
            Sign in
          </a>{" "}
          or{" "}
          <a href="/signup" className="font-semibold text-tango-700 underline">
            join Mundo Tango
          </a>{" "}
          to post, react and follow dancers.
        </p>
      )}

      {feed === null ? (
        <div className="rounded-2xl border border-dashed border-stone-300 bg-white p-6">
          <h2 className="font-display text-xl font-semibold text-ink">Choose a city</h2>
          <p className="mt-1 text-stone-600">
            Pick a city to see what its dancers share{signedIn ? ", or set your home city in " : "."}
            {signedIn && (
              <a href="/settings/profile" className="text-tango-700 underline">
                your profile
              </a>
            )}
            {signedIn && "."}
          </p>
          <ul className="mt-3 flex flex-wrap gap-2">
            {cities.map((c) => (
              <li key={c.slug}>
                <a href={`/community?tab=city&city=${c.slug}`} className="inline-block rounded-full border border-stone-300 px-3 py-1 text-sm hover:bg-stone-50">
                  {c.name}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <>
          <PostList
            posts={feed.data}
            signedIn={signedIn}
            returnTo={returnTo}
            empty={
              tab === "following" ? (
                <>
                  <p className="font-semibold text-ink">Follow dancers or join your city's community to fill your feed.</p>
                  <p className="mt-2">
                    See{" "}
                    <a href="/community?tab=city" className="text-tango-700 underline">
                      what your city is sharing
                    </a>
                    , find dancers at{" "}
                    <a href="/events" className="text-tango-700 underline">
                      upcoming milongas
                    </a>
                    , or write the first post above.
                  </p>
                </>
              ) : (
                <p>
                  Nobody in {city?.name ?? "this city"} has shared anything public yet.{" "}
                  {signedIn ? "Be the first: write a post above." : "Sign in and be the first."}
                </p>
              )
            }
          />
          {nextHref && (
            <a href={nextHref} className="self-center rounded-full border border-stone-300 bg-white px-5 py-2 font-semibold text-stone-800 hover:bg-stone-50">
              Load more
            </a>
          )}
        </>
      )}
    </section>
  );
}

function Tab({ href, current, label }: { href: string; current: boolean; label: string }) {
  return (
    <a
      href={href}
      aria-current={current ? "page" : undefined}
      className={`-mb-px border-b-2 px-3 py-2 font-semibold ${current ? "border-tango-600 text-tango-800" : "border-transparent text-stone-600 hover:text-tango-700"}`}
    >
      {label}
    </a>
  );
}
