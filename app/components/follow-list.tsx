import type { MemberSummaryPage } from "../../worker/schemas/social";
import type { PublicProfile } from "../../worker/schemas/auth";
import { MemberList, NextPageLink } from "./member-list";

export type FollowListKind = "followers" | "following";

const copy = {
  followers: {
    heading: (name: string) => `People who follow ${name}`,
    empty: "No followers yet. Find dancers on event pages and in groups, and follow the ones you like.",
    label: "Followers",
  },
  following: {
    heading: (name: string) => `People followed by ${name}`,
    empty: "Not following anyone yet. Find dancers on event pages and in groups, and follow the ones you like.",
    label: "Following",
  },
} satisfies Record<FollowListKind, { heading: (name: string) => string; empty: string; label: string }>;

export function followListTitle(kind: FollowListKind, person: Pick<PublicProfile, "displayName" | "handle"> | undefined) {
  if (!person) return "Member not found — Mundo Tango";
  return `${copy[kind].heading(person.displayName)} (@${person.handle}) — Mundo Tango`;
}

/** The page body of `/people/:handle/followers` and `/people/:handle/following`. */
export function FollowList({ kind, person, page }: { kind: FollowListKind; person: PublicProfile; page: MemberSummaryPage }) {
  const text = copy[kind];
  return (
    <section className="mx-auto max-w-2xl rounded-2xl border border-stone-200 bg-white p-6 shadow-sm sm:p-8">
      <p className="text-sm">
        <a href={`/people/${person.handle}`} className="text-tango-700 hover:underline">
          ← {person.displayName}
        </a>
      </p>
      <h1 className="mt-2 font-display text-2xl font-bold text-tango-900">{text.heading(person.displayName)}</h1>
      <p className="mt-1 text-sm text-stone-600">
        {person.followerCount} {person.followerCount === 1 ? "follower" : "followers"} · {person.followingCount} following
      </p>
      {page.data.length === 0 ? <p className="mt-6 text-stone-700">{text.empty}</p> : <MemberList label={text.label} members={page.data} />}
      <NextPageLink nextCursor={page.nextCursor} basePath={`/people/${person.handle}/${kind}`} />
    </section>
  );
}
