import { useFetcher } from "react-router";

/**
 * Follow / Unfollow for a member's profile. A plain form posting to the profile's action, so
 * it works without JavaScript; with JavaScript it posts through a fetcher and shows the new
 * state at once, without a page load.
 */
export function FollowButton({ handle, following, action = `/people/${handle}` }: { handle: string; following: boolean; action?: string }) {
  const fetcher = useFetcher();
  const pending = fetcher.formData?.get("intent");
  const showFollowing = pending ? pending === "follow" : following;
  return (
    <fetcher.Form method="post" action={action}>
      <input type="hidden" name="intent" value={showFollowing ? "unfollow" : "follow"} />
      <button
        type="submit"
        aria-pressed={showFollowing}
        className={
          showFollowing
            ? "rounded-full border border-tango-600 px-5 py-2 text-sm font-semibold text-tango-700 hover:bg-tango-50"
            : "rounded-full bg-tango-600 px-5 py-2 text-sm font-semibold text-white hover:bg-tango-700"
        }
      >
        {showFollowing ? "Following" : "Follow"}
        <span className="sr-only"> @{handle}</span>
      </button>
    </fetcher.Form>
  );
}
