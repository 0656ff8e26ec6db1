import type { Route } from "./+types/search";
import { Avatar } from "../components/member-list";
import { formatEventDate } from "../lib/format";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { searchQuery, searchTypes, type SearchPage, type SearchType } from "../../worker/schemas/search";
import { search } from "../../worker/services/search";

const PAGE_SIZE = 20;

const TAB_LABELS: Record<SearchType, string> = { people: "People", events: "Events", posts: "Posts", groups: "Groups" };

export function meta({ loaderData: data }: Route.MetaArgs) {
  const q = data?.q;
  return [{ title: q ? `“${q}” — Search — Mundo Tango` : "Search — Mundo Tango" }, { name: "robots", content: "noindex" }];
}

/**
 * Reads the query string through the API's own schema, so the page and GET /api/v1/search
 * accept and refuse the same things; a refused `q` becomes a message beside the field.
 */
export async function loader({ request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  const params = new URL(request.url).searchParams;
  const q = params.get("q") ?? "";
  const typeParam = params.get("type");
  const type: SearchType = searchTypes.includes(typeParam as SearchType) ? (typeParam as SearchType) : "people";
  if (q.trim() === "") return { q, type, results: null, error: null };

  const parsed = searchQuery.safeParse({ q, type, cursor: params.get("cursor") ?? undefined, limit: String(PAGE_SIZE) });
  if (!parsed.success) {
    const issue = parsed.error.issues.find((i) => i.path[0] === "q") ?? parsed.error.issues[0];
    // A bad cursor is a stale link: start from the first results instead of complaining.
    if (issue?.path[0] !== "q") return { q, type, results: await search(ctx, { q, type, limit: PAGE_SIZE }), error: null };
    return { q: q.slice(0, 200), type, results: null, error: issue.message };
  }
  try {
    return { q, type, results: await search(ctx, parsed.data), error: null };
  } catch (error) {
    if (error instanceof DomainError && error.status === 400) return { q, type, results: await search(ctx, { q, type, limit: PAGE_SIZE }), error: null };
    throw error;
  }
}

export default function Search({ loaderData }: Route.ComponentProps) {
  const { q, type, results, error } = loaderData;
  const hrefFor = (t: SearchType, cursor?: string) => `/search?${new URLSearchParams({ q, type: t, ...(cursor ? { cursor } : {}) })}`;
  return (
    <section className="mx-auto flex max-w-2xl flex-col gap-5">
      <header>
        <h1 className="font-display text-4xl font-bold text-tango-900">Search</h1>
        <p className="mt-1 text-stone-600">Find dancers, milongas, posts and groups. Accents and capitals don't matter.</p>
      </header>

      <form method="get" action="/search" role="search" className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <input type="hidden" name="type" value={type} />
        <div className="flex flex-1 flex-col gap-1">
          <label htmlFor="search-q" className="font-semibold text-ink">
            Search for
          </label>
          <input
            id="search-q"
            name="q"
            type="search"
            defaultValue={q}
            maxLength={200}
            autoComplete="off"
            placeholder="milonga, a name, #tango…"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "search-q-error" : undefined}
            className="min-h-11 rounded-xl border border-stone-300 bg-white px-3 py-2 text-base text-ink focus:border-tango-600 focus:outline-none focus:ring-2 focus:ring-tango-200"
          />
        </div>
        <button type="submit" className="min-h-11 rounded-full bg-tango-700 px-5 py-2 font-semibold text-white hover:bg-tango-800 focus:outline-none focus:ring-2 focus:ring-tango-300">
          Search
        </button>
      </form>
      {error && (
        <p id="search-q-error" role="alert" className="text-sm font-semibold text-red-700">
          {error}
        </p>
      )}

      {q.trim() !== "" && !error && (
        <nav aria-label="What to search" className="-mx-1 flex gap-1 overflow-x-auto border-b border-stone-200">
          {searchTypes.map((t) => (
            <a
              key={t}
              href={hrefFor(t)}
              aria-current={t === type ? "page" : undefined}
              className={`-mb-px whitespace-nowrap border-b-2 px-3 py-2 font-semibold ${t === type ? "border-tango-600 text-tango-800" : "border-transparent text-stone-600 hover:text-tango-700"}`}
            >
              {TAB_LABELS[t]}
            </a>
          ))}
        </nav>
      )}

      {results === null ? (
        !error && (
          <p className="rounded-2xl border border-dashed border-stone-300 bg-white p-6 text-stone-600">
            Type a few letters above: <strong>milo</strong> finds every milonga, <strong>cancion</strong> finds “Canción”.
          </p>
        )
      ) : results.data.length === 0 ? (
        <div className="rounded-2xl border border-dashed border-stone-300 bg-white p-6">
          <p className="font-semibold text-ink">No results for “{q}”.</p>
          <p className="mt-1 text-stone-600">Try fewer letters or another tab.</p>
        </div>
      ) : (
        <>
          <h2 className="sr-only">
            {TAB_LABELS[type]} matching “{q}”
          </h2>
          <Results results={results} />
          {results.nextCursor && (
            <a href={hrefFor(type, results.nextCursor)} className="self-center rounded-full border border-stone-300 bg-white px-5 py-2 font-semibold text-stone-800 hover:bg-stone-50">
              More results
            </a>
          )}
        </>
      )}
    </section>
  );
}

const list = "divide-y divide-stone-100 rounded-2xl border border-stone-200 bg-white px-4";
const link = "font-semibold text-ink hover:text-tango-700 hover:underline";

function Results({ results }: { results: SearchPage }) {
  switch (results.type) {
    case "people":
      return (
        <ul aria-label="People" className={list}>
          {results.data.map((p) => (
            <li key={p.handle} className="flex items-center gap-3 py-3">
              <Avatar member={p} />
              <div className="min-w-0">
                <a href={`/people/${p.handle}`} className={link}>
                  {p.displayName}
                </a>
                <p className="text-sm text-stone-600">
                  @{p.handle}
                  {p.homeCity && <> · {p.homeCity.name}</>}
                </p>
              </div>
            </li>
          ))}
        </ul>
      );
    case "events":
      return (
        <ul aria-label="Events" className={list}>
          {results.data.map((e) => (
            <li key={e.id} className="py-3">
              <a href={`/events/${e.id}`} className={link}>
                {e.title}
              </a>
              <p className="text-sm text-stone-600">
                <time dateTime={e.startsAt}>{formatEventDate(e.startsAt, e.timeZone)}</time> · {e.city.name}
              </p>
            </li>
          ))}
        </ul>
      );
    case "posts":
      return (
        <ul aria-label="Posts" className={list}>
          {results.data.map((p) => (
            <li key={p.id} className="flex gap-3 py-3">
              <Avatar member={p.author} size={32} />
              <div className="min-w-0">
                <p className="text-sm text-stone-600">
                  <a href={`/people/${p.author.handle}`} className="font-semibold text-ink hover:underline">
                    {p.author.displayName}
                  </a>{" "}
                  · <time dateTime={p.createdAt}>{new Date(p.createdAt).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" })}</time>
                </p>
                <a href={`/posts/${p.id}`} className="mt-1 block break-words text-ink hover:text-tango-700 hover:underline">
                  {p.excerpt}
                </a>
              </div>
            </li>
          ))}
        </ul>
      );
    case "groups":
      return (
        <ul aria-label="Groups" className={list}>
          {results.data.map((g) => (
            <li key={g.slug} className="py-3">
              <a href={`/groups/${g.slug}`} className={link}>
                {g.name}
              </a>
              <p className="text-sm text-stone-600">
                {g.visibility === "private" ? "Private group" : "Public group"} · {g.memberCount} {g.memberCount === 1 ? "member" : "members"}
              </p>
            </li>
          ))}
        </ul>
      );
  }
}
