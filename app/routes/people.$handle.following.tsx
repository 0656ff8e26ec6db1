import { data } from "react-router";
import type { Route } from "./+types/people.$handle.following";
import { MemberList, NextPageLink } from "../components/member-list";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { handleSchema } from "../../worker/schemas/auth";
import { cursorParam } from "../../worker/schemas/common";
import { listFollowing } from "../../worker/services/social-graph";
import { getPublicProfile } from "../../worker/services/users";

const PAGE_SIZE = 30;

export function meta({ loaderData }: Route.MetaArgs) {
  return [{ title: loaderData ? `Following of ${loaderData.person.displayName} (@${loaderData.person.handle}) — Mundo Tango` : "Member not found — Mundo Tango" }];
}

export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  const handle = handleSchema.safeParse(params.handle);
  if (!handle.success) throw data(null, { status: 404 });
  const cursor = cursorParam.safeParse(new URL(request.url).searchParams.get("cursor") ?? undefined);
  try {
    const person = await getPublicProfile(ctx, handle.data);
    // A stale or edited cursor starts the list again rather than failing.
    const page = await listFollowing(ctx, handle.data, { cursor: cursor.success ? cursor.data : undefined, limit: PAGE_SIZE }).catch((error: unknown) => {
      if (error instanceof DomainError && error.status === 400) return listFollowing(ctx, handle.data, { limit: PAGE_SIZE });
      throw error;
    });
    return { person, page };
  } catch (error) {
    if (error instanceof DomainError && error.status === 404) throw data(null, { status: 404 });
    throw error;
  }
}

export default function FollowingPage({ loaderData: { person, page } }: Route.ComponentProps) {
  return (
    <section className="mx-auto max-w-2xl rounded-2xl border border-stone-200 bg-white p-6 shadow-sm sm:p-8">
      <p className="text-sm">
        <a href={`/people/${person.handle}`} className="text-tango-700 hover:underline">
          ← {person.displayName}
        </a>
      </p>
      <h1 className="mt-2 font-display text-2xl font-bold text-tango-900">
        People followed by {person.displayName}
      </h1>
      <p className="mt-1 text-sm text-stone-600">
        {person.followerCount} {person.followerCount === 1 ? "follower" : "followers"} · {person.followingCount} following
      </p>
      {page.data.length === 0 ? (
        <p className="mt-6 text-stone-700">Not following anyone yet. Find dancers on event pages and in groups, and follow the ones you like.</p>
      ) : (
        <MemberList label="Following" members={page.data} />
      )}
      <NextPageLink nextCursor={page.nextCursor} basePath={`/people/${person.handle}/following`} />
    </section>
  );
}
