import { useEffect } from "react";
import { data, Form, Outlet, redirect, useParams, useRevalidator } from "react-router";
import type { Route } from "./+types/messages";
import { InboxItem } from "../components/chat/inbox-item";
import { NOTIFICATION_EVENT } from "../components/notification-bell";
import type { NotificationDto } from "../../worker/schemas/notifications";
import { FormAlert } from "../components/form-field";
import { isMessageNotification } from "../lib/chat-client";
import { formError, handlesFrom, requireMemberPage } from "../lib/chat-forms.server";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { startConversationInput } from "../../worker/schemas/conversations";
import { listInbox, startConversation } from "../../worker/services/conversations";

export const meta: Route.MetaFunction = () => [{ title: "Messages — Mundo Tango" }];

const INBOX_PAGE = 20;

/** The inbox, on every Messages page: newest activity first, "Load older" pages with the inbox cursor. */
export async function loader({ request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  const user = requireMemberPage(ctx, request);
  const cursor = new URL(request.url).searchParams.get("cursor") ?? undefined;
  let inbox;
  try {
    inbox = await listInbox(ctx, { limit: INBOX_PAGE, cursor });
  } catch (error) {
    // A stale or hand-edited cursor starts again from the newest rather than showing an error.
    if (!(error instanceof DomainError) || error.status !== 400 || cursor === undefined) throw error;
    inbox = await listInbox(ctx, { limit: INBOX_PAGE });
  }
  return { inbox, paged: cursor !== undefined, myId: user.id, verified: user.emailVerified, now: Date.now() };
}

/** "New message" (one member, by handle) and "New group" (a title and handles): both open the conversation. */
export async function action({ request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  requireMemberPage(ctx, request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const handle = String(form.get("handle") ?? "").trim();
  const title = String(form.get("title") ?? "");
  const members = String(form.get("members") ?? "");
  const input =
    intent === "direct"
      ? { type: "direct" as const, with: handle }
      : intent === "group"
        ? { type: "group" as const, title, members: handlesFrom(members) }
        : null;
  const failed = (message: string, status = 400) => data({ intent, error: message, submitted: { handle, title, members } }, { status });
  if (!input) return failed("Choose one of the buttons.");
  const parsed = startConversationInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message = issue?.message ?? "Check what you typed.";
    return failed(message.charAt(0).toUpperCase() + message.slice(1) + (/[.!?]$/.test(message) ? "" : "."));
  }
  try {
    const { conversation } = await startConversation(ctx, parsed.data);
    return redirect(`/messages/${conversation.id}`);
  } catch (error) {
    const { message, status } = formError(error);
    return failed(message, status);
  }
}

export default function Messages({ loaderData, actionData }: Route.ComponentProps) {
  const { inbox, paged, myId, now, verified } = loaderData;
  const { id: openId } = useParams();
  const open = openId !== undefined;
  useInboxFollowsNotifications();
  const olderHref = inbox.nextCursor ? `${open ? `/messages/${openId}` : "/messages"}?cursor=${encodeURIComponent(inbox.nextCursor)}` : null;
  return (
    <div className="grid grid-cols-1 gap-4 md:grid-cols-[20rem_minmax(0,1fr)] lg:grid-cols-[22rem_minmax(0,1fr)]">
      <section aria-labelledby="inbox-heading" className={open ? "hidden md:block" : ""}>
        <div className="flex items-baseline justify-between gap-2 px-1">
          <h1 id="inbox-heading" className={`font-display font-bold text-tango-900 ${open ? "text-xl" : "text-3xl md:text-xl"}`}>
            Messages
          </h1>
          {inbox.unreadConversations > 0 && (
            <p className="text-sm text-stone-600">{inbox.unreadConversations === 1 ? "1 unread conversation" : `${inbox.unreadConversations} unread conversations`}</p>
          )}
        </div>
        <StartForms error={actionData && "error" in actionData ? actionData : null} verified={verified} />
        {inbox.data.length === 0 ? (
          <div className="mt-4 rounded-2xl border border-dashed border-stone-300 bg-white p-6 text-center">
            <h2 className="font-display text-lg font-semibold">{paged ? "Nothing older" : "No conversations yet"}</h2>
            <p className="mt-2 text-sm text-stone-600">
              Message someone from their profile, or start a group above. Going to a festival? Its event page has a chat for everyone who is going.
            </p>
            <a href="/community" className="mt-4 inline-block rounded-full bg-tango-600 px-5 py-3 text-sm sm:py-2 font-semibold text-white hover:bg-tango-700">
              Find dancers in the community
            </a>
          </div>
        ) : (
          <ul aria-label="Conversations" className="mt-3 flex flex-col gap-0.5">
            {inbox.data.map((conversation) => (
              <InboxItem key={conversation.id} conversation={conversation} myId={myId} now={now} current={conversation.id === openId} />
            ))}
          </ul>
        )}
        {(olderHref || paged) && (
          <p className="mt-3 flex gap-4 px-1 text-sm">
            {paged && (
              <a href={open ? `/messages/${openId}` : "/messages"} className="font-semibold text-tango-700 underline">
                Newest conversations
              </a>
            )}
            {olderHref && (
              <a href={olderHref} className="font-semibold text-tango-700 underline">
                Load older
              </a>
            )}
          </p>
        )}
      </section>
      <div className={open ? "" : "hidden md:block"}>
        <Outlet />
      </div>
    </div>
  );
}

/**
 * The inbox is server data; a message in a conversation that is not open reaches this page only
 * as a notification on the header bell's live channel (one per unread streak). When one comes,
 * and when the tab becomes visible again (back from another tab, a laptop waking), reload the
 * page's data (the conversation route keeps its own live state: see its shouldRevalidate).
 */
function useInboxFollowsNotifications() {
  const { revalidate } = useRevalidator();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void Promise.resolve(revalidate()).catch(() => undefined), 250);
    };
    const onNotification = (event: Event) => {
      if (isMessageNotification((event as CustomEvent<NotificationDto>).detail)) soon();
    };
    const onVisible = () => {
      if (document.visibilityState === "visible") soon();
    };
    window.addEventListener(NOTIFICATION_EVENT, onNotification);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      clearTimeout(timer);
      window.removeEventListener(NOTIFICATION_EVENT, onNotification);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [revalidate]);
}

type StartError = { intent: string; error: string; submitted: { handle: string; title: string; members: string } };

/** "New message" and "New group" behind disclosure buttons: plain forms posting to this layout's action. */
function StartForms({ error, verified }: { error: StartError | null; verified: boolean }) {
  const field = "w-full rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink";
  const summary =
    "cursor-pointer list-none rounded-full border border-stone-300 px-4 py-3 text-sm sm:px-3 sm:py-1.5 font-semibold text-stone-700 hover:border-tango-600 hover:text-tango-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-tango-600 [&::-webkit-details-marker]:hidden";
  if (!verified)
    return <p className="mt-2 px-1 text-sm text-stone-600">Confirm your email to start conversations; you can still answer the ones you are in.</p>;
  return (
    <div className="mt-3 flex flex-col gap-2 px-1">
      <div className="flex flex-wrap gap-2">
        <details open={error?.intent === "direct"} className="open:w-full [&[open]>summary]:bg-stone-100">
          <summary className={`${summary} inline-block`}>New message</summary>
          <Form method="post" action="/messages" className="mt-2 flex flex-col gap-2 rounded-xl border border-stone-200 bg-white p-3">
            <input type="hidden" name="intent" value="direct" />
            <label htmlFor="new-direct-handle" className="text-sm font-semibold text-stone-800">
              To (a member's handle)
            </label>
            <input id="new-direct-handle" name="handle" required autoComplete="off" placeholder="@ana_baila" defaultValue={error?.intent === "direct" ? error.submitted.handle : undefined} className={field} />
            {error?.intent === "direct" && <FormAlert message={error.error} />}
            <button type="submit" className="min-h-11 self-start rounded-full bg-tango-600 px-4 py-1.5 text-sm font-semibold text-white hover:bg-tango-700 sm:min-h-0">
              Open conversation
            </button>
          </Form>
        </details>
        <details open={error?.intent === "group"} className="open:w-full [&[open]>summary]:bg-stone-100">
          <summary className={`${summary} inline-block`}>New group</summary>
          <Form method="post" action="/messages" className="mt-2 flex flex-col gap-2 rounded-xl border border-stone-200 bg-white p-3">
            <input type="hidden" name="intent" value="group" />
            <label htmlFor="new-group-title" className="text-sm font-semibold text-stone-800">
              Group name
            </label>
            <input id="new-group-title" name="title" required maxLength={80} placeholder="Ride to the Sunday milonga" defaultValue={error?.intent === "group" ? error.submitted.title : undefined} className={field} />
            <label htmlFor="new-group-members" className="text-sm font-semibold text-stone-800">
              Members
            </label>
            <input
              id="new-group-members"
              name="members"
              required
              autoComplete="off"
              aria-describedby="new-group-members-hint"
              placeholder="@ana_baila, @beto"
              defaultValue={error?.intent === "group" ? error.submitted.members : undefined}
              className={field}
            />
            <p id="new-group-members-hint" className="text-xs text-stone-600">
              Handles, separated by commas or spaces.
            </p>
            {error?.intent === "group" && <FormAlert message={error.error} />}
            <button type="submit" className="min-h-11 self-start rounded-full bg-tango-600 px-4 py-1.5 text-sm font-semibold text-white hover:bg-tango-700 sm:min-h-0">
              Create group
            </button>
          </Form>
        </details>
      </div>
    </div>
  );
}
