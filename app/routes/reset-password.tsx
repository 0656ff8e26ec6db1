import { data, Form, redirect } from "react-router";
import type { Route } from "./+types/reset-password";
import { AuthCard, FormAlert, FormField, SubmitButton } from "../components/form-field";
import { setCookieHeaders } from "../lib/cookies";
import { fromDomainError, fromZod } from "../lib/form-problems";
import { serverContext } from "../server-context";
import { MIN_PASSWORD_LENGTH } from "../../worker/lib/password-rules";
import { clearedSessionCookies } from "../../worker/lib/session-cookies";
import { resetPasswordInput } from "../../worker/schemas/auth";
import { resetPassword } from "../../worker/services/password-reset";

export const meta: Route.MetaFunction = () => [{ title: "Choose a new password — Mundo Tango" }];

export function loader({ request }: Route.LoaderArgs) {
  return { token: new URL(request.url).searchParams.get("token") ?? "" };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const parsed = resetPasswordInput.safeParse({ token: String(form.get("token") ?? ""), password: String(form.get("password") ?? "") });
  if (!parsed.success) return data({ problems: fromZod(parsed.error) }, { status: 400 });
  try {
    await resetPassword(context.get(serverContext).ctx, parsed.data.token, parsed.data.password);
    return redirect("/login?reset=1", { headers: setCookieHeaders(clearedSessionCookies()) });
  } catch (error) {
    return data({ problems: fromDomainError(error) }, { status: (error as { status: number }).status });
  }
}

export default function ResetPassword({ loaderData, actionData }: Route.ComponentProps) {
  const problems = actionData?.problems;
  if (!loaderData.token) {
    return (
      <AuthCard title="Choose a new password">
        <p className="text-stone-600">
          Open the link from the mail we sent you, or{" "}
          <a className="font-semibold text-tango-700 underline" href="/forgot-password">
            ask for a new one
          </a>
          .
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Choose a new password">
      <FormAlert message={problems?.fields.token ?? problems?.form} />
      <Form method="post" className="flex flex-col gap-4">
        <input type="hidden" name="token" value={loaderData.token} />
        <FormField
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          hint={`At least ${MIN_PASSWORD_LENGTH} characters. You will be signed out everywhere.`}
          error={problems?.fields.password}
        />
        <SubmitButton>Save my new password</SubmitButton>
      </Form>
    </AuthCard>
  );
}
