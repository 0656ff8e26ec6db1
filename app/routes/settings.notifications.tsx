import { data, Form, redirect } from "react-router";
import type { Route } from "./+types/settings.notifications";
import { AuthCard, FormAlert } from "../components/form-field";
import { serverContext } from "../server-context";
import { notificationPreferencesInput, type MailableNotificationType } from "../../worker/schemas/notifications";
import { getMyNotificationPreferences, setMyNotificationPreferences } from "../../worker/services/notification-preferences";

export const meta: Route.MetaFunction = () => [{ title: "Notification settings — Mundo Tango" }];

const LABELS: Record<MailableNotificationType, { label: string; hint: string }> = {
  mention: { label: "Mentions", hint: "Someone wrote your @handle in a post." },
  reply: { label: "Replies", hint: "Someone answered your comment." },
  comment: { label: "Comments", hint: "Someone commented on your post." },
  reaction: { label: "Reactions", hint: "Likes, loves, fire and applause on your posts." },
  follow: { label: "New followers", hint: "Someone started following you." },
  rsvp_promotion: { label: "A place opened up", hint: "You moved from the waitlist to going (always mailed: you need to know)." },
  event_change: { label: "Event changes", hint: "A date, time or place changed for an event you registered for." },
  event_cancellation: { label: "Event cancellations", hint: "An event you registered for was cancelled (always mailed)." },
  group_join_approved: { label: "Group approvals", hint: "A private group let you in." },
  group_join_request: { label: "Requests to join your groups", hint: "For group admins and moderators." },
};

/** The settings page's order; the type keeps it in step with the mailable types. */
const TYPES = Object.keys(LABELS) as MailableNotificationType[];

export async function loader({ context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  if (!ctx.user) throw redirect("/login?redirectTo=/settings/notifications");
  return { preferences: await getMyNotificationPreferences(ctx) };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  if (!ctx.user) throw redirect("/login?redirectTo=/settings/notifications");
  const form = await request.formData();
  const parsed = notificationPreferencesInput.safeParse({ emailTypes: form.getAll("emailTypes").map(String), digest: String(form.get("digest") ?? "") });
  if (!parsed.success) {
    return data({ notice: undefined, error: "Choose from the listed notification types, and a digest of Off or Daily." }, { status: 400 });
  }
  await setMyNotificationPreferences(ctx, parsed.data);
  return { notice: "Saved. New notifications follow these choices.", error: undefined };
}

export default function NotificationSettings({ loaderData, actionData }: Route.ComponentProps) {
  const { preferences } = loaderData;
  return (
    <AuthCard title="Notifications by mail">
      <FormAlert message={actionData?.notice} tone="success" />
      <FormAlert message={actionData?.error} />
      <p className="text-sm text-stone-600">
        Everything shows on your <a href="/notifications" className="font-medium text-tango-700 underline">notifications page</a>. Choose what also reaches your inbox.
      </p>
      <Form method="post" className="flex flex-col gap-6">
        <fieldset>
          <legend className="font-display text-lg font-semibold">Mail me right away about</legend>
          <ul className="mt-3 flex flex-col gap-3">
            {TYPES.map((type) => (
              <li key={type} className="flex items-start gap-3">
                <input
                  id={`email-${type}`}
                  type="checkbox"
                  name="emailTypes"
                  value={type}
                  defaultChecked={preferences.emailTypes.includes(type)}
                  aria-describedby={`email-${type}-hint`}
                  className="mt-1 h-4 w-4 shrink-0 accent-tango-600"
                />
                <span>
                  <label htmlFor={`email-${type}`} className="font-medium">
                    {LABELS[type].label}
                  </label>
                  <span id={`email-${type}-hint`} className="block text-sm text-stone-600">
                    {LABELS[type].hint}
                  </span>
                </span>
              </li>
            ))}
          </ul>
        </fieldset>
        <fieldset>
          <legend className="font-display text-lg font-semibold">Daily digest</legend>
          <p className="mt-1 text-sm text-stone-600">One mail a day with what you have not read and were not mailed about yet.</p>
          <div className="mt-3 flex flex-col gap-2">
            {(
              [
                ["off", "Off"],
                ["daily", "Daily"],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className="flex items-center gap-3">
                <input type="radio" name="digest" value={value} defaultChecked={preferences.digest === value} className="h-4 w-4 shrink-0 accent-tango-600" />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" className="self-start rounded-full bg-tango-600 px-6 py-2.5 font-semibold text-white hover:bg-tango-700">
          Save
        </button>
      </Form>
    </AuthCard>
  );
}
