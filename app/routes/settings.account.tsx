import { data, Form, redirect } from "react-router";
import type { Route } from "./+types/settings.account";
import { AuthCard, FormAlert, FormField } from "../components/form-field";
import { setCookieHeaders } from "../lib/cookies";
import { fromDomainError } from "../lib/form-problems";
import { serverContext } from "../server-context";
import { clearedSessionCookies } from "../../worker/lib/session-cookies";
import { deleteAccount } from "../../worker/services/account-deletion";
import { listSessions, revokeSession } from "../../worker/services/auth";

export const meta: Route.MetaFunction = () => [{ title: "Your account — Mundo Tango" }];

export async function loader({ context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  if (!ctx.user) throw redirect("/login?redirectTo=/settings/account");
  return { sessions: await listSessions(ctx) };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  if (!ctx.user) throw redirect("/login?redirectTo=/settings/account");
  const form = await request.formData();
  try {
    if (form.get("intent") === "delete-account") {
      await deleteAccount(ctx, String(form.get("password") ?? ""));
      return redirect("/?goodbye=1", { headers: setCookieHeaders(clearedSessionCookies()) });
    }
    await revokeSession(ctx, String(form.get("sessionId") ?? ""));
    return { problems: undefined, notice: "Signed out on that device." };
  } catch (error) {
    return data({ problems: fromDomainError(error), notice: undefined }, { status: (error as { status: number }).status });
  }
}

const when = (iso: string) => new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(new Date(iso)) + " UTC";

export default function AccountSettings({ loaderData, actionData }: Route.ComponentProps) {
  return (
    <AuthCard title="Your account">
      <FormAlert message={actionData?.notice} tone="success" />
      <FormAlert message={actionData?.problems?.form} />
      <section aria-labelledby="sessions">
        <h2 id="sessions" className="font-display text-xl font-semibold">
          Where you are signed in
        </h2>
        <ul className="mt-3 flex flex-col gap-3">
          {loaderData.sessions.map((session) => (
            <li key={session.id} className="flex flex-wrap items-center justify-between gap-2 rounded-xl border border-stone-200 p-3">
              <div>
                <p className="font-medium">
                  {session.device} {session.current && <span className="text-sm text-emerald-700">(this device)</span>}
                </p>
                <p className="text-xs text-stone-500">Last used {when(session.lastUsedAt)}</p>
              </div>
              {!session.current && (
                <Form method="post">
                  <input type="hidden" name="sessionId" value={session.id} />
                  <button type="submit" className="rounded-full border border-stone-300 px-3 py-1.5 text-sm font-semibold hover:border-tango-600 hover:text-tango-700">
                    Sign out there
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="delete" className="mt-4 rounded-xl border border-red-200 p-4">
        <h2 id="delete" className="font-display text-xl font-semibold text-red-800">
          Delete your account
        </h2>
        <p className="mt-1 text-sm text-stone-600">
          Your profile, picture and sign-ins are removed for good. Events you organized stay listed, without your name.
        </p>
        <Form method="post" className="mt-3 flex flex-col gap-3">
          <input type="hidden" name="intent" value="delete-account" />
          <FormField label="Your password" name="password" type="password" autoComplete="current-password" error={actionData?.problems?.fields.password} />
          <button type="submit" className="rounded-full bg-red-700 px-5 py-2.5 font-semibold text-white hover:bg-red-800">
            Delete my account
          </button>
        </Form>
      </section>
    </AuthCard>
  );
}
