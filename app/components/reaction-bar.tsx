import type { PostDto } from "../../worker/schemas/posts";

export const REACTIONS = [
  { type: "like", emoji: "👍", label: "Like" },
  { type: "love", emoji: "❤️", label: "Love" },
  { type: "fire", emoji: "🔥", label: "Fire" },
  { type: "applause", emoji: "👏", label: "Applause" },
] as const;

/**
 * Four real buttons in one form posted to the post page: pressing your current reaction takes
 * it back, pressing another changes it. Works without JavaScript; `returnTo` brings the member
 * back to the page they reacted on. Visitors see the counts only.
 */
export function ReactionBar({
  postId,
  reactions,
  myReaction,
  signedIn,
  returnTo,
}: {
  postId: string;
  reactions: PostDto["reactions"];
  myReaction: PostDto["myReaction"];
  signedIn: boolean;
  returnTo: string;
}) {
  if (!signedIn) {
    return (
      <ul className="flex flex-wrap gap-3 text-sm text-stone-600" aria-label="Reactions">
        {REACTIONS.map(({ type, emoji, label }) => (
          <li key={type} title={label}>
            <span aria-hidden="true">{emoji}</span> <span className="sr-only">{label}: </span>
            {reactions[type]}
          </li>
        ))}
      </ul>
    );
  }
  return (
    <form method="post" action={`/posts/${postId}`} className="flex flex-wrap gap-1.5" aria-label="Reactions">
      <input type="hidden" name="returnTo" value={returnTo} />
      {REACTIONS.map(({ type, emoji, label }) => {
        const pressed = myReaction === type;
        return (
          <button
            key={type}
            type="submit"
            name="intent"
            value={pressed ? "unreact" : `react:${type}`}
            aria-pressed={pressed}
            aria-label={`${label} (${reactions[type]})`}
            className={`rounded-full border px-2.5 py-1 text-sm ${pressed ? "border-tango-600 bg-tango-50 font-semibold text-tango-800" : "border-stone-300 bg-white text-stone-700 hover:bg-stone-50"}`}
          >
            <span aria-hidden="true">{emoji}</span> {reactions[type]}
          </button>
        );
      })}
    </form>
  );
}
