import { data, Form, redirect } from "react-router";
import type { Route } from "./+types/stories";
import { FormAlert, SubmitButton } from "../components/form-field";
import { MediaUpload, type UploadedMedia } from "../components/media-upload";
import { Avatar } from "../components/stories-strip";
import { fromDomainError, type FormProblems } from "../lib/form-problems";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { STORY_TEXT_MAX } from "../../worker/schemas/stories";
import { mediaIdsFromForm } from "../../worker/services/media";
import { createStory, deleteStory, listStoryGroups } from "../../worker/services/stories";

const PAGE_SIZE = 30;

export const meta: Route.MetaFunction = () => [{ title: "Stories — Mundo Tango" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  if (!ctx.user) throw redirect("/login?redirectTo=/stories");
  const search = new URL(request.url).searchParams;
  const cursor = search.get("cursor") ?? undefined;
  const page = await listStoryGroups(ctx, { limit: PAGE_SIZE, cursor }).catch((error: unknown) => {
    // A cursor from elsewhere: start from the top rather than fail.
    if (error instanceof DomainError && error.status === 400) return listStoryGroups(ctx, { limit: PAGE_SIZE });
    throw error;
  });
  return { ...page, me: ctx.user.handle, verified: ctx.user.emailVerified, now: Date.now(), posted: search.get("posted") === "1", deleted: search.get("deleted") === "1" };
}

type ActionResult = { problems: FormProblems; text: string; media: UploadedMedia[] } | { deleted: true };

export async function action({ request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  if (!ctx.user) throw redirect("/login?redirectTo=/stories");
  const form = await request.formData();
  if (form.get("intent") === "delete") {
    try {
      await deleteStory(ctx, String(form.get("storyId") ?? ""));
      return redirect("/stories?deleted=1");
    } catch (error) {
      return data<ActionResult>({ problems: fromDomainError(error), text: "", media: [] }, { status: (error as DomainError).status });
    }
  }
  const text = String(form.get("text") ?? "");
  try {
    // Without JavaScript the picture comes as a file; with it, already uploaded, as an id.
    const [mediaId] = await mediaIdsFromForm(ctx, form, { field: "files", max: 1 });
    await createStory(ctx, { text: text || undefined, mediaId });
    return redirect(`/stories?posted=1#${ctx.user.handle}`);
  } catch (error) {
    const problems = fromDomainError(error);
    if (problems.fields.mediaId) problems.fields.files = problems.fields.mediaId;
    return data<ActionResult>({ problems, text, media: [] }, { status: (error as DomainError).status });
  }
}

function timeLeft(expiresAt: string, now: number): string {
  const hours = Math.max(0, (Date.parse(expiresAt) - now) / 3_600_000);
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min left`;
  return `${Math.floor(hours)} h left`;
}

export default function Stories({ loaderData, actionData }: Route.ComponentProps) {
  const { data: groups, nextCursor, me, verified, now, posted, deleted } = loaderData;
  const result = actionData as ActionResult | undefined;
  const problems = result && "problems" in result ? result.problems : undefined;
  return (
    <div className="mx-auto flex w-full max-w-2xl flex-col gap-6">
      <header className="flex flex-col gap-1">
        <h1 className="font-display text-3xl font-bold text-tango-900">Stories</h1>
        <p className="text-stone-600">Moments from the dancers you follow. Each story disappears after 24 hours.</p>
      </header>

      {posted && <FormAlert tone="success" message="Your story is up for 24 hours." />}
      {deleted && <FormAlert tone="success" message="Story deleted." />}

      <section aria-labelledby="new-story" className="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm">
        <h2 id="new-story" className="mb-3 text-lg font-semibold text-stone-800">
          Share a story
        </h2>
        {verified ? (
          // Keyed by the loader's time: a successful post reloads the data and starts a fresh form
          // (no leftover picture); a refused one keeps what was typed and uploaded.
          <Form key={now} method="post" encType="multipart/form-data" className="flex flex-col gap-3">
            <input type="hidden" name="intent" value="post" />
            <FormAlert message={problems?.form} />
            <div className="flex flex-col gap-1">
              <label htmlFor="story-text" className="text-sm font-medium text-stone-700">
                A few words
              </label>
              <textarea
                id="story-text"
                name="text"
                rows={2}
                maxLength={STORY_TEXT_MAX}
                defaultValue={result && "text" in result ? result.text : ""}
                aria-describedby={`story-text-hint${problems?.fields.text ? " story-text-error" : ""}`}
                aria-invalid={problems?.fields.text ? true : undefined}
                className="rounded-lg border border-stone-300 px-3 py-2 text-base"
              />
              <p id="story-text-hint" className="text-xs text-stone-600">
                Up to {STORY_TEXT_MAX} characters. A picture, a few words, or both.
              </p>
              {problems?.fields.text && (
                <p id="story-text-error" className="text-sm text-red-700">
                  {problems.fields.text}
                </p>
              )}
            </div>
            <MediaUpload name="files" max={1} label="A picture (optional)" error={problems?.fields.files} />
            <div>
              <SubmitButton>Post story</SubmitButton>
            </div>
          </Form>
        ) : (
          <p className="text-sm text-stone-700">
            Confirm your email address to share stories: open the link we mailed you, or ask for a new one in <a href="/settings/account" className="text-tango-700 underline">your account settings</a>.
          </p>
        )}
      </section>

      {groups.length === 0 ? (
        <section className="rounded-2xl border border-dashed border-stone-300 p-6 text-center text-stone-600">
          <p>No stories right now.</p>
          <p className="mt-1 text-sm">
            Follow dancers, DJs and teachers from their profiles to see their stories here, or find people in <a href="/community" className="text-tango-700 underline">the community</a>.
          </p>
        </section>
      ) : (
        <ol className="flex flex-col gap-6">
          {groups.map((group) => (
            <li key={group.author.handle} id={group.author.handle} className="scroll-mt-20 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm">
              <section aria-labelledby={`stories-of-${group.author.handle}`}>
                <h2 id={`stories-of-${group.author.handle}`} className="mb-3 flex items-center gap-3">
                  <Avatar author={group.author} ring />
                  <a href={`/people/${group.author.handle}`} className="font-semibold text-stone-800 hover:text-tango-700 hover:underline">
                    {group.author.handle === me ? "Your stories" : group.author.displayName}
                  </a>
                </h2>
                <ul className="flex snap-x gap-3 overflow-x-auto pb-2">
                  {group.stories.map((story) => (
                    <li key={story.id} className="flex w-64 shrink-0 snap-start flex-col gap-2 rounded-xl bg-stone-50 p-3">
                      {story.media && (
                        <img
                          src={story.media.url}
                          width={story.media.width}
                          height={story.media.height}
                          alt={story.text ? `Picture: ${story.text}` : `Picture shared by ${group.author.displayName}`}
                          loading="lazy"
                          className="max-h-80 w-full rounded-lg object-cover"
                        />
                      )}
                      {story.text && <p className="whitespace-pre-line break-words text-stone-800">{story.text}</p>}
                      <div className="mt-auto flex items-center justify-between gap-2 text-xs text-stone-600">
                        <time dateTime={story.expiresAt}>{timeLeft(story.expiresAt, now)}</time>
                        {group.author.handle === me && (
                          <Form method="post">
                            <input type="hidden" name="intent" value="delete" />
                            <input type="hidden" name="storyId" value={story.id} />
                            <button type="submit" className="rounded-full border border-stone-300 px-2 py-0.5 text-stone-700 hover:border-red-600 hover:text-red-700">
                              Delete<span className="sr-only"> this story</span>
                            </button>
                          </Form>
                        )}
                      </div>
                    </li>
                  ))}
                </ul>
              </section>
            </li>
          ))}
        </ol>
      )}
      {nextCursor && (
        <a href={`/stories?cursor=${encodeURIComponent(nextCursor)}`} className="self-center rounded-full border border-tango-600 px-4 py-2 text-sm font-semibold text-tango-700 hover:bg-tango-600 hover:text-white">
          More stories
        </a>
      )}
    </div>
  );
}
