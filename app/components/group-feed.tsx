import type { PostPage } from "../../worker/schemas/posts";
import { PostList } from "./post-card";
import { PostComposer } from "./post-composer";

/** A group's posts: members read and write them; everyone else is told how to get in. */
export function GroupFeed({ group, page, isMember, signedIn }: { group: { id: string; slug: string; name: string }; page: PostPage; isMember: boolean; signedIn: boolean }) {
  const here = `/groups/${group.slug}`;
  return (
    <section aria-labelledby="group-posts-heading" className="flex flex-col gap-4">
      <h2 id="group-posts-heading" className="font-display text-xl font-bold text-tango-900">
        Posts
      </h2>
      {isMember ? (
        <>
          <PostComposer groups={[]} fixedGroup={{ id: group.id, name: group.name }} action="/community" returnTo={`${here}#group-posts-heading`} label={`Post to ${group.name}`} />
          <PostList posts={page.data} signedIn={signedIn} returnTo={here} empty={<p>No posts yet. Start the conversation: write the first post above.</p>} />
          {page.nextCursor && (
            <a href={`${here}?posts=${page.nextCursor}#group-posts-heading`} className="self-center rounded-full border border-stone-300 bg-white px-5 py-2 font-semibold text-stone-800 hover:bg-stone-50">
              Load more
            </a>
          )}
        </>
      ) : (
        <p className="rounded-2xl border border-dashed border-stone-300 bg-white p-6 text-stone-700">
          Only members read and write this group's posts. {signedIn ? "Join the group above to take part." : "Sign in and join the group to take part."}
        </p>
      )}
    </section>
  );
}
