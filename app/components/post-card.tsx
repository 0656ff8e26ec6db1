import type { PostDto } from "../../worker/schemas/posts";
import { ReactionBar } from "./reaction-bar";

export const VISIBILITY_LABELS = { public: "Public", followers: "Followers", group: "Group" } as const;

const postedAt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export function formatPostedAt(iso: string): string {
  return `${postedAt.format(new Date(iso))} UTC`;
}

/** Member-supplied URLs are links only when they are http(s). */
function safeHttpUrl(url: string): string | undefined {
  return /^https?:\/\//i.test(url) ? url : undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

export function Avatar({ author, size = 40 }: { author: PostDto["author"]; size?: number }) {
  if (author.avatarUrl) return <img src={author.avatarUrl} alt="" width={size} height={size} className="shrink-0 rounded-full object-cover" style={{ width: size, height: size }} />;
  return (
    <span aria-hidden="true" className="grid shrink-0 place-items-center rounded-full bg-tango-100 font-display font-bold text-tango-700" style={{ width: size, height: size }}>
      {[...author.displayName][0]?.toUpperCase() ?? "?"}
    </span>
  );
}

/**
 * One post as a card: who, when, for whom, the body (HTML from worker/lib/post-text.ts, which
 * escapes everything but its own links and emphasis), pictures, link preview and reactions.
 * `returnTo` is where the reaction forms send the member back to.
 */
export function PostCard({ post, signedIn, returnTo, full = false }: { post: PostDto; signedIn: boolean; returnTo: string; full?: boolean }) {
  const commentsLabel = `${post.commentCount} ${post.commentCount === 1 ? "comment" : "comments"}`;
  return (
    <article className="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-5" aria-labelledby={`post-${post.id}-by`}>
      <header className="flex items-start gap-3">
        <Avatar author={post.author} />
        <div className="min-w-0 flex-1">
          <p id={`post-${post.id}-by`} className="font-semibold text-ink">
            <a href={`/people/${post.author.handle}`} className="hover:text-tango-700 hover:underline">
              {post.author.displayName}
            </a>{" "}
            <span className="font-normal text-stone-600">@{post.author.handle}</span>
          </p>
          <p className="flex flex-wrap items-center gap-x-2 text-xs text-stone-600">
            <a href={`/posts/${post.id}`} className="hover:underline">
              <time dateTime={post.createdAt}>{formatPostedAt(post.createdAt)}</time>
            </a>
            <span aria-hidden="true">·</span>
            <span>{VISIBILITY_LABELS[post.visibility]}</span>
            {post.editedAt && (
              <>
                <span aria-hidden="true">·</span>
                <span title={`Edited ${formatPostedAt(post.editedAt)}`}>edited</span>
              </>
            )}
          </p>
          {(post.group || post.event) && (
            <p className="mt-1 flex flex-wrap gap-2 text-xs font-medium">
              {post.group && (
                <a href={`/groups/${post.group.slug}`} className="rounded-full bg-stone-100 px-2 py-0.5 text-stone-700 hover:underline">
                  in {post.group.name}
                </a>
              )}
              {post.event && (
                <a href={`/events/${post.event.id}`} className="rounded-full bg-tango-50 px-2 py-0.5 text-tango-700 hover:underline">
                  Memory of {post.event.title}
                </a>
              )}
            </p>
          )}
        </div>
      </header>
      {post.body && <div className="post-body mt-3 space-y-2 break-words text-stone-800 [&_a]:text-tango-700 [&_a]:underline" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />}
      {post.media.length > 0 && (
        <ul className={`mt-3 grid gap-1 overflow-hidden rounded-xl ${post.media.length === 1 ? "grid-cols-1" : post.media.length <= 4 ? "grid-cols-2" : "grid-cols-3"}`} aria-label="Pictures">
          {post.media.map((m) => (
            <li key={m.id}>
              <a href={m.url}>
                <img src={m.url} alt={`Picture shared by ${post.author.displayName}`} width={m.width} height={m.height} loading="lazy" className={`w-full bg-stone-100 object-cover ${full ? "max-h-[32rem]" : "aspect-square"}`} />
              </a>
            </li>
          ))}
        </ul>
      )}
      {post.linkPreview && (
        // The preview's picture is not shown: it lives on another site (our CSP allows only our own
        // images), and loading it would tell that site who reads the post.
        <a href={safeHttpUrl(post.linkPreview.url)} rel="nofollow ugc noopener" className="mt-3 block rounded-xl border border-stone-200 p-3 hover:bg-stone-50">
          <span className="block min-w-0">
            <span className="block truncate text-xs text-stone-600">{post.linkPreview.siteName ?? hostOf(post.linkPreview.url)}</span>
            <span className="block font-semibold text-ink">{post.linkPreview.title ?? post.linkPreview.url}</span>
            {post.linkPreview.description && <span className="line-clamp-2 block text-sm text-stone-600">{post.linkPreview.description}</span>}
          </span>
        </a>
      )}
      <footer className="mt-3 flex flex-wrap items-center justify-between gap-2">
        <ReactionBar postId={post.id} reactions={post.reactions} myReaction={post.myReaction} signedIn={signedIn} returnTo={returnTo} />
        {full ? (
          <span className="text-sm text-stone-600">{commentsLabel}</span>
        ) : (
          <a href={`/posts/${post.id}#comments`} className="text-sm font-medium text-stone-700 hover:text-tango-700 hover:underline">
            {commentsLabel}
          </a>
        )}
      </footer>
    </article>
  );
}

export function PostList({ posts, signedIn, returnTo, empty }: { posts: PostDto[]; signedIn: boolean; returnTo: string; empty: React.ReactNode }) {
  if (posts.length === 0) return <div className="rounded-2xl border border-dashed border-stone-300 bg-white p-6 text-center text-stone-600">{empty}</div>;
  return (
    <ul className="flex flex-col gap-4">
      {posts.map((post) => (
        <li key={post.id}>
          <PostCard post={post} signedIn={signedIn} returnTo={returnTo} />
        </li>
      ))}
    </ul>
  );
}
