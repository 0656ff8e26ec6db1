import { Form, redirect } from "react-router";
import type { Route } from "./+types/notifications";
import { groupNotifications, notificationText, type NotificationGroup } from "../lib/notification-text";
import { serverContext } from "../server-context";
import { UUID_PATTERN } from "../../worker/lib/ids";
import { listNotifications, markNotificationsRead } from "../../worker/services/notifications";

export const meta: Route.MetaFunction = () => [{ title: "Notifications — Mundo Tango" }];

const PAGE_SIZE = 30;

export async function loader({ request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  if (!ctx.user) throw redirect("/login?redirectTo=/notifications");
  const cursor = new URL(request.url).searchParams.get("cursor") ?? undefined;
  try {
    return { ...(await listNotifications(ctx, { limit: PAGE_SIZE, cursor })), paged: cursor !== undefined };
  } catch {
    // A stale or hand-edited cursor: start again from the newest rather than show an error.
    return { ...(await listNotifications(ctx, { limit: PAGE_SIZE })), paged: false };
  }
}

export async function action({ request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  if (!ctx.user) throw redirect("/login?redirectTo=/notifications");
  const form = await request.formData();
  if (form.get("intent") === "read-all") {
    await markNotificationsRead(ctx, { all: true });
  } else {
    const ids = String(form.get("ids") ?? "")
      .split(",")
      .filter((id) => UUID_PATTERN.test(id))
      .slice(0, 100);
    if (ids.length > 0) await markNotificationsRead(ctx, { ids });
  }
  return redirect("/notifications");
}

const when = (iso: string) => new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(new Date(iso)) + " UTC";

/** A group leads where its newest item does (for follows: the newest follower's profile). */
const groupLink = (group: NotificationGroup) => group.items[0]!.subject.url;

export default function Notifications({ loaderData }: Route.ComponentProps) {
  const groups = groupNotifications(loaderData.data);
  return (
    <section className="mx-auto max-w-2xl">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="font-display text-3xl font-bold text-tango-900">Notifications</h1>
        <div className="flex items-center gap-3">
          <a href="/settings/notifications" className="text-sm font-medium text-stone-700 underline hover:text-tango-700">
            Mail settings
          </a>
          {loaderData.unreadCount > 0 && (
            <Form method="post">
              <input type="hidden" name="intent" value="read-all" />
              <button type="submit" className="rounded-full border border-stone-300 px-4 py-2 text-sm font-semibold text-stone-700 hover:border-tango-600 hover:text-tango-700">
                Mark all as read
              </button>
            </Form>
          )}
        </div>
      </div>
      <p className="mt-2 text-sm text-stone-600">{loaderData.unreadCount === 0 ? "You're all caught up." : `${loaderData.unreadCount > 999 ? "999+" : loaderData.unreadCount} unread.`}</p>

      {groups.length === 0 ? (
        <div className="mt-8 rounded-2xl border border-dashed border-stone-300 bg-white p-8 text-center">
          <h2 className="font-display text-xl font-semibold">{loaderData.paged ? "Nothing older" : "No notifications yet"}</h2>
          <p className="mt-2 text-stone-600">
            When someone follows you, comments, reacts or mentions you, or an event you registered for changes, you'll hear about it here. Follow dancers and join your city's community to get started.
          </p>
          <a href="/community" className="mt-4 inline-block rounded-full bg-tango-600 px-5 py-2.5 font-semibold text-white hover:bg-tango-700">
            Go to the community
          </a>
        </div>
      ) : (
        <ul className="mt-6 flex flex-col gap-2">
          {groups.map((group) => {
            const first = group.items[0]!;
            const excerpt = typeof first.data.excerpt === "string" ? first.data.excerpt : null;
            const text = notificationText(first, group.actorNames, group.actorNames.length);
            return (
              <li
                key={first.id}
                className={`flex items-start justify-between gap-3 rounded-xl border p-3 ${group.unread ? "border-tango-200 bg-tango-50" : "border-stone-200 bg-white"}`}
              >
                <div className="min-w-0">
                  <a href={groupLink(group)} className="font-medium text-stone-900 hover:text-tango-700 hover:underline">
                    {group.unread && <span className="sr-only">Unread: </span>}
                    {text}
                  </a>
                  {excerpt && <p className="mt-1 line-clamp-2 text-sm text-stone-600">“{excerpt}”</p>}
                  <p className="mt-1 text-xs text-stone-600">
                    <time dateTime={first.createdAt}>{when(first.createdAt)}</time>
                  </p>
                </div>
                {group.unread && (
                  <Form method="post" className="shrink-0">
                    <input type="hidden" name="ids" value={group.items.map((item) => item.id).join(",")} />
                    <button type="submit" aria-label={`Mark read: ${text}`} className="rounded-full px-3 py-1.5 text-xs font-semibold text-stone-600 hover:bg-white hover:text-tango-700">
                      Mark read
                    </button>
                  </Form>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {loaderData.nextCursor && (
        <a href={`/notifications?cursor=${encodeURIComponent(loaderData.nextCursor)}`} className="mt-6 inline-block font-semibold text-tango-700 underline">
          Older notifications
        </a>
      )}
    </section>
  );
}
