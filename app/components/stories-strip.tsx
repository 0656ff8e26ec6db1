import type { StoryAuthor } from "../../worker/schemas/stories";

/**
 * A horizontal row of the members (followed, and you) with stories up right now, each a link to
 * their stories on /stories. Renders nothing when nobody has one, so pages can always include it.
 */
export function StoriesStrip({ authors, heading = "Stories" }: { authors: Array<{ author: StoryAuthor; count: number }>; heading?: string }) {
  if (authors.length === 0) return null;
  return (
    <nav aria-label={heading} className="flex flex-col gap-2">
      <h2 className="text-sm font-semibold text-stone-700">
        <a href="/stories" className="hover:text-tango-700 hover:underline">
          {heading}
        </a>
      </h2>
      <ul className="-mx-1 flex snap-x gap-3 overflow-x-auto px-1 pb-2">
        {authors.map(({ author, count }) => (
          <li key={author.handle} className="snap-start">
            <a
              href={`/stories#${author.handle}`}
              className="flex w-16 flex-col items-center gap-1 rounded-lg p-1 text-center focus-visible:outline focus-visible:outline-2 focus-visible:outline-tango-600"
            >
              <Avatar author={author} size="h-14 w-14" ring />
              <span className="w-full truncate text-xs text-stone-700">{author.displayName}</span>
              <span className="sr-only">
                , {count} {count === 1 ? "story" : "stories"}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A member's picture, or their initial on the tango colour when they have none. */
export function Avatar({ author, size = "h-10 w-10", ring = false }: { author: StoryAuthor; size?: string; ring?: boolean }) {
  const frame = `${size} shrink-0 rounded-full ${ring ? "ring-2 ring-tango-600 ring-offset-2" : ""}`;
  if (author.avatarUrl) return <img src={author.avatarUrl} alt="" className={`${frame} object-cover`} loading="lazy" />;
  return (
    <span aria-hidden="true" className={`${frame} flex items-center justify-center bg-tango-100 font-semibold text-tango-700`}>
      {[...author.displayName.trim()][0]?.toUpperCase() ?? "?"}
    </span>
  );
}
