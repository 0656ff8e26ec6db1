import { data, Form, redirect } from "react-router";
import type { Route } from "./+types/people.$handle";
import { FollowButton } from "../components/follow-button";
import { FormAlert } from "../components/form-field";
import { MemberList } from "../components/member-list";
import { ProfilePosts } from "../components/profile-posts";
import { profilePostsPage } from "../lib/post-form.server";
import { externalHref, SOCIAL_NETWORK_LABELS } from "../lib/social-links";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { handleSchema } from "../../worker/schemas/auth";
import { socialNetworks } from "../../worker/schemas/social-networks";
import { canMessage, startConversation } from "../../worker/services/conversations";
import { block, follow, listMyBlocks, listMyMutes, mute, unblock, unfollow, unmute } from "../../worker/services/social-graph";
import { getPublicProfile } from "../../worker/services/users";

const TANGO_ROLE_LABELS = { leader: "Leader", follower: "Follower", both: "Leads and follows" } as const;

/** What a redirect back after a form says; only these keys are ever shown, never text from the URL. */
const DONE_MESSAGES = {
  blocked: "Blocked. Neither of you will see the other's posts, and follows between you were removed.",
  unblocked: "Unblocked.",
  muted: "Muted. You won't see their posts or hear from them; they are not told.",
  unmuted: "Unmuted.",
} as const;
type Done = keyof typeof DONE_MESSAGES;

type Intent = "follow" | "unfollow" | "block" | "unblock" | "mute" | "unmute" | "message";

/** Blocks and mutes listed on your own profile, so they can be undone. */
const OWN_LIST_SIZE = 50;

export function meta({ loaderData }: Route.MetaArgs) {
  const person = loaderData?.person;
  return [{ title: person ? `${person.displayName} (@${person.handle}) — Mundo Tango` : "Member not found — Mundo Tango" }];
}

function parseHandle(raw: string | undefined): string {
  const handle = handleSchema.safeParse(raw);
  if (!handle.success) throw data(null, { status: 404 });
  return handle.data;
}

export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  const handle = parseHandle(params.handle);
  let person;
  try {
    person = await getPublicProfile(ctx, handle);
  } catch (error) {
    if (error instanceof DomainError && error.status === 404) throw data(null, { status: 404 });
    throw error;
  }
  const search = new URL(request.url).searchParams;
  const isMe = ctx.user?.handle === person.handle;
  const confirmParam = search.get("confirm");
  const doneParam = search.get("done");
  const [myBlocks, myMutes] = isMe
    ? await Promise.all([listMyBlocks(ctx, { limit: OWN_LIST_SIZE }), listMyMutes(ctx, { limit: OWN_LIST_SIZE })])
    : [null, null];
  return {
    person,
    signedIn: ctx.user !== null,
    isMe,
    confirm: !isMe && ctx.user && (confirmParam === "block" || confirmParam === "mute") ? (confirmParam as "block" | "mute") : null,
    done: doneParam && doneParam in DONE_MESSAGES ? (doneParam as Done) : null,
    myBlocks: myBlocks?.data ?? [],
    myMutes: myMutes?.data ?? [],
    // "Message": signed-in members with a confirmed email, not on their own profile, never across a block.
    canMessage: !isMe && ctx.user !== null ? await canMessage(ctx, person.handle) : false,
    posts: await profilePostsPage(ctx, person.handle, search),
  };
}

/** Follow, block and mute forms post here; undoing from your own profile names the member in `target`. */
export async function action({ params, request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  const handle = parseHandle(params.handle);
  if (!ctx.user) throw redirect(`/login?redirectTo=${encodeURIComponent(`/people/${handle}`)}`);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "") as Intent;
  // Undoing from your own profile's lists names the other member in `target`.
  const target = form.get("target") === null ? handle : parseHandle(String(form.get("target")));
  const back = (done?: Done) => redirect(`/people/${handle}${done ? `?done=${done}` : ""}`);
  try {
    switch (intent) {
      case "follow":
        await follow(ctx, target);
        return back();
      case "unfollow":
        await unfollow(ctx, target);
        return back();
      case "block":
        await block(ctx, target);
        return back("blocked");
      case "unblock":
        await unblock(ctx, target);
        return back("unblocked");
      case "mute":
        await mute(ctx, target);
        return back("muted");
      case "unmute":
        await unmute(ctx, target);
        return back("unmuted");
      case "message": {
        // The one direct conversation between the two (the same for either side), opened or started.
        const { conversation } = await startConversation(ctx, { type: "direct", with: target });
        return redirect(`/messages/${conversation.id}`);
      }
      default:
        return data({ error: "Choose one of the buttons." }, { status: 400 });
    }
  } catch (error) {
    if (!(error instanceof DomainError) || error.status >= 500) throw error;
    if (error.status === 404) throw data(null, { status: 404 });
    const message = error.status === 403 ? "You can't follow or interact with this member." : (error.errors?.[0]?.message ?? error.message);
    return data({ error: message.charAt(0).toUpperCase() + message.slice(1) + (/[.!]$/.test(message) ? "" : ".") }, { status: error.status });
  }
}

export default function Person({ loaderData, actionData }: Route.ComponentProps) {
  const { person, signedIn, isMe, confirm, done, myBlocks, myMutes } = loaderData;
  const relationship = person.relationship;
  const website = externalHref(person.website);
  const links = socialNetworks.flatMap((network) => {
    const href = externalHref(person.socialLinks[network]);
    return href ? [{ network, href }] : [];
  });
  return (
    <article className="mx-auto max-w-2xl rounded-2xl border border-stone-200 bg-white p-6 shadow-sm sm:p-8">
      <div className="mb-4 flex flex-col gap-2">
        {done && <FormAlert tone="success" message={DONE_MESSAGES[done]} />}
        {actionData && "error" in actionData && <FormAlert message={actionData.error} />}
      </div>
      <header className="flex flex-wrap items-center gap-4">
        {person.avatarUrl ? (
          <img src={person.avatarUrl} alt="" width={64} height={64} className="h-16 w-16 shrink-0 rounded-full object-cover" />
        ) : (
          <span aria-hidden="true" className="grid h-16 w-16 shrink-0 place-items-center rounded-full bg-tango-100 font-display text-2xl font-bold text-tango-700">
            {[...person.displayName][0]?.toUpperCase() ?? "?"}
          </span>
        )}
        <div className="min-w-0 flex-1 basis-48">
          <h1 className="break-words font-display text-2xl font-bold text-tango-900 sm:text-3xl">{person.displayName}</h1>
          <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-stone-500">
            <span className="break-all">@{person.handle}</span>
            {relationship?.followedBy && <span className="whitespace-nowrap rounded-full bg-stone-100 px-2 py-0.5 text-xs font-semibold text-stone-700">Follows you</span>}
          </p>
        </div>
        {!isMe && signedIn && relationship && !relationship.blocking && <FollowButton handle={person.handle} following={relationship.following} />}
        {loaderData.canMessage && (
          <Form method="post">
            <input type="hidden" name="intent" value="message" />
            <button type="submit" className="rounded-full border border-stone-300 px-5 py-2 text-sm font-semibold text-stone-800 hover:border-tango-600 hover:text-tango-700">
              Message<span className="sr-only"> @{person.handle}</span>
            </button>
          </Form>
        )}
        {isMe && (
          <a href="/settings/profile" className="rounded-full border border-stone-300 px-5 py-2 text-sm font-semibold text-stone-800 hover:border-tango-600 hover:text-tango-700">
            Edit profile
          </a>
        )}
        {!signedIn && (
          <a href={`/login?redirectTo=${encodeURIComponent(`/people/${person.handle}`)}`} className="rounded-full bg-tango-600 px-5 py-2 text-sm font-semibold text-white hover:bg-tango-700">
            Sign in to follow
          </a>
        )}
      </header>

      <p className="mt-4 flex gap-4 text-sm">
        <a href={`/people/${person.handle}/followers`} className="text-stone-700 hover:text-tango-700 hover:underline">
          <strong className="text-ink">{person.followerCount}</strong> {person.followerCount === 1 ? "follower" : "followers"}
        </a>
        <a href={`/people/${person.handle}/following`} className="text-stone-700 hover:text-tango-700 hover:underline">
          <strong className="text-ink">{person.followingCount}</strong> following
        </a>
      </p>

      {relationship?.blocking && (
        <Form method="post" className="mt-4 flex flex-wrap items-center gap-3 rounded-xl bg-stone-100 p-3 text-sm text-stone-800">
          <p className="flex-1">You blocked @{person.handle}.</p>
          <input type="hidden" name="intent" value="unblock" />
          <button type="submit" className="rounded-full border border-stone-400 px-4 py-1.5 font-semibold hover:bg-white">
            Unblock
          </button>
        </Form>
      )}

      <dl className="mt-6 grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
        {person.tangoRole && <Fact label="Dances as" value={TANGO_ROLE_LABELS[person.tangoRole]} />}
        {person.homeCity && <Fact label="Home city" value={person.homeCity.name} />}
        {person.yearsDancing !== null && <Fact label="Dancing for" value={`${person.yearsDancing} ${person.yearsDancing === 1 ? "year" : "years"}`} />}
        {person.languages.length > 0 && <Fact label="Speaks" value={person.languages.join(", ")} />}
        <Fact label="Member since" value={new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(person.memberSince))} />
      </dl>
      {person.bio && <p className="mt-6 whitespace-pre-line text-stone-700">{person.bio}</p>}
      {(website || links.length > 0) && (
        <ul aria-label="Links" className="mt-6 flex flex-wrap gap-3 text-sm">
          {website && (
            <li>
              <a className="font-semibold text-tango-700 underline" href={website} rel="nofollow ugc noopener" target="_blank">
                Website
              </a>
            </li>
          )}
          {links.map(({ network, href }) => (
            <li key={network}>
              <a className="font-semibold text-tango-700 underline" href={href} rel="nofollow ugc noopener" target="_blank">
                {SOCIAL_NETWORK_LABELS[network]}
              </a>
            </li>
          ))}
        </ul>
      )}

      {confirm && <ConfirmPanel handle={person.handle} what={confirm} />}
      {!isMe && signedIn && relationship && !confirm && <SafetyMenu handle={person.handle} blocking={relationship.blocking} muting={relationship.muting} />}
      {isMe && <OwnSafetyLists handle={person.handle} blocks={myBlocks} mutes={myMutes} />}
      <ProfilePosts handle={person.handle} displayName={person.displayName} page={loaderData.posts.page} tab={loaderData.posts.tab} signedIn={signedIn} />
    </article>
  );
}

/** Block and mute behind a small menu; both ask for confirmation on a page of their own state (no JavaScript needed). */
function SafetyMenu({ handle, blocking, muting }: { handle: string; blocking: boolean; muting: boolean }) {
  return (
    <details className="mt-6 text-sm">
      <summary className="cursor-pointer font-semibold text-stone-700 hover:text-tango-700">More options for @{handle}</summary>
      <ul className="mt-2 flex flex-wrap gap-2">
        {muting ? (
          <li>
            <Form method="post">
              <input type="hidden" name="intent" value="unmute" />
              <button type="submit" className="rounded-full border border-stone-300 px-4 py-1.5 font-semibold text-stone-700 hover:bg-stone-100">
                Unmute
              </button>
            </Form>
          </li>
        ) : (
          <li>
            <a href={`/people/${handle}?confirm=mute`} className="inline-block rounded-full border border-stone-300 px-4 py-1.5 font-semibold text-stone-700 hover:bg-stone-100">
              Mute…
            </a>
          </li>
        )}
        {!blocking && (
          <li>
            <a href={`/people/${handle}?confirm=block`} className="inline-block rounded-full border border-red-300 px-4 py-1.5 font-semibold text-red-700 hover:bg-red-50">
              Block…
            </a>
          </li>
        )}
      </ul>
    </details>
  );
}

function ConfirmPanel({ handle, what }: { handle: string; what: "block" | "mute" }) {
  const explanation =
    what === "block"
      ? `Neither of you will see the other's posts, comments or reactions, follows between you are removed, and @${handle} can't follow, mention or message you. They are not told.`
      : `You won't see @${handle}'s posts or notifications. You keep following each other, and they are not told.`;
  return (
    <section aria-labelledby="confirm-heading" className="mt-6 rounded-xl border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950">
      <h2 id="confirm-heading" className="font-semibold">
        {what === "block" ? `Block @${handle}?` : `Mute @${handle}?`}
      </h2>
      <p className="mt-1">{explanation}</p>
      <Form method="post" className="mt-3 flex flex-wrap gap-2">
        <input type="hidden" name="intent" value={what} />
        <button type="submit" className={`rounded-full px-4 py-1.5 font-semibold text-white ${what === "block" ? "bg-red-700 hover:bg-red-800" : "bg-tango-600 hover:bg-tango-700"}`}>
          {what === "block" ? "Block" : "Mute"}
        </button>
        <a href={`/people/${handle}`} className="rounded-full border border-stone-300 px-4 py-1.5 font-semibold text-stone-700 hover:bg-white">
          Cancel
        </a>
      </Form>
    </section>
  );
}

type Listed = { handle: string; displayName: string; avatarUrl: string | null };

function OwnSafetyLists({ handle, blocks, mutes }: { handle: string; blocks: Listed[]; mutes: Listed[] }) {
  const undo = (intent: "unblock" | "unmute", label: string) => (m: Listed) => (
    <Form method="post" action={`/people/${handle}`}>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="target" value={m.handle} />
      <button type="submit" className="rounded-full border border-stone-300 px-3 py-1 text-sm font-semibold text-stone-700 hover:bg-stone-100">
        {label}
        <span className="sr-only"> @{m.handle}</span>
      </button>
    </Form>
  );
  return (
    <details className="mt-8 border-t border-stone-200 pt-4 text-sm">
      <summary className="cursor-pointer font-semibold text-stone-700">Blocked and muted members (only you see this)</summary>
      <h2 className="mt-3 font-semibold text-ink">Blocked</h2>
      {blocks.length === 0 ? <p className="text-stone-600">You haven't blocked anyone.</p> : <MemberList label="Members you blocked" members={blocks} actions={undo("unblock", "Unblock")} />}
      <h2 className="mt-3 font-semibold text-ink">Muted</h2>
      {mutes.length === 0 ? <p className="text-stone-600">You haven't muted anyone.</p> : <MemberList label="Members you muted" members={mutes} actions={undo("unmute", "Unmute")} />}
    </details>
  );
}

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-stone-500">{label}</dt>
      <dd className="font-medium text-ink">{value}</dd>
    </div>
  );
}
