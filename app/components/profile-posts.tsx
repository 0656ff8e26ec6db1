import type { PostPage } from "../../worker/schemas/posts";
import { PostList } from "./post-card";

/** A member's posts and memories on their profile, newest first, as the viewer may see them. */
export function ProfilePosts({ handle, displayName, page, tab, signedIn }: { handle: string; displayName: string; page: PostPage; tab: "posts" | "memories"; signedIn: boolean }) {
  const base = `/people/${handle}`;
  const tabHref = (which: "posts" | "memories") => (which === "memories" ? `${base}?posts=memories#posts` : `${base}#posts`);
  const more = page.nextCursor ? `${base}?${new URLSearchParams({ ...(tab === "memories" ? { posts: "memories" } : {}), postsCursor: page.nextCursor })}#posts` : null;
  return (
    <section id="posts" aria-labelledby="posts-heading" className="mt-8 flex flex-col gap-4 border-t border-stone-200 pt-6">
      <h2 id="posts-heading" className="font-display text-2xl font-semibold text-ink">
        {tab === "memories" ? "Memories" : "Posts"}
      </h2>
      <nav aria-label="Posts or memories" className="flex gap-2 text-sm">
        {(["posts", "memories"] as const).map((which) => (
          <a
            key={which}
            href={tabHref(which)}
            aria-current={tab === which ? "page" : undefined}
            className={`rounded-full px-3 py-1 font-semibold ${tab === which ? "bg-tango-600 text-white" : "border border-stone-300 text-stone-700 hover:bg-stone-50"}`}
          >
            {which === "posts" ? "All posts" : "Memories of events"}
          </a>
        ))}
      </nav>
      <PostList
        posts={page.data}
        signedIn={signedIn}
        returnTo={`${base}#posts`}
        empty={<p>{tab === "memories" ? `${displayName} has not shared memories of an event you can see yet.` : `${displayName} has not posted anything you can see yet.`}</p>}
      />
      {more && (
        <a href={more} className="self-center rounded-full border border-stone-300 bg-white px-5 py-2 font-semibold text-stone-800 hover:bg-stone-50">
          Load more
        </a>
      )}
    </section>
  );
}
