import type { PostPage } from "../../worker/schemas/posts";
import { PostList } from "./post-card";
import { PostComposer } from "./post-composer";

/** The "Memories" section of an event page: posts about the event the viewer may read, and a composer. */
export function EventMemories({ eventId, memories, signedIn }: { eventId: string; memories: PostPage; signedIn: boolean }) {
  const here = `/events/${eventId}`;
  return (
    <section aria-labelledby="memories" className="mt-10 flex max-w-2xl flex-col gap-4">
      <h2 id="memories" className="font-display text-2xl font-semibold text-ink">
        Memories
      </h2>
      {signedIn ? (
        <PostComposer groups={[]} eventId={eventId} action="/community" returnTo={`${here}#memories`} label="Share a memory of this event" />
      ) : (
        <p className="text-stone-700">
          <a href={`/login?redirectTo=${encodeURIComponent(here)}`} className="font-semibold text-tango-700 underline">
            Sign in
          </a>{" "}
          to share a memory of this event.
        </p>
      )}
      <PostList posts={memories.data} signedIn={signedIn} returnTo={`${here}#memories`} empty={<p>No memories yet. Danced here? Share a photo or a few words about the night.</p>} />
      {memories.nextCursor && (
        <a href={`${here}?memories=${memories.nextCursor}#memories`} className="self-start font-semibold text-tango-700 hover:underline">
          More memories
        </a>
      )}
    </section>
  );
}
