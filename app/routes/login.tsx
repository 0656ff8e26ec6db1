import { data, Form, redirect, useSearchParams } from "react-router";
import type { Route } from "./+types/login";
import { AuthCard, FormAlert, FormField, SubmitButton } from "../components/form-field";
import { setCookieHeaders } from "../lib/cookies";
import { fromDomainError, fromZod, safeRedirect } from "../lib/form-problems";
import { serverContext } from "../server-context";
import { sessionCookies } from "../../worker/lib/session-cookies";
import { clientInfo } from "../../worker/middleware/auth";
import { loginInput } from "../../worker/schemas/auth";
import { login } from "../../worker/services/auth";

export const meta: Route.MetaFunction = () => [{ title: "Sign in — Mundo Tango" }];

export function loader({ request, context }: Route.LoaderArgs) {
  const url = new URL(request.url);
  if (context.get(serverContext).ctx.user) throw redirect(safeRedirect(url.searchParams.get("redirectTo")));
  return { notice: url.searchParams.has("reset") ? "Your password is changed. Sign in with the new one." : undefined };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  const form = await request.formData();
  const email = String(form.get("email") ?? "");
  const parsed = loginInput.safeParse({ email, password: String(form.get("password") ?? "") });
  if (!parsed.success) return data({ problems: fromZod(parsed.error), email }, { status: 400 });
  try {
    const result = await login(ctx, parsed.data, clientInfo(request));
    return redirect(safeRedirect(form.get("redirectTo")), { headers: setCookieHeaders(sessionCookies(result)) });
  } catch (error) {
    const problems = fromDomainError(error);
    return data({ problems, email }, { status: (error as { status: number }).status });
  }
}

export default function Login({ loaderData, actionData }: Route.ComponentProps) {
  const [params] = useSearchParams();
  const problems = actionData?.problems;
  return (
    <AuthCard title="Sign in">
      <FormAlert message={loaderData.notice} tone="success" />
      <FormAlert message={problems?.form} />
      {/* An explicit action: the hidden field carries redirectTo, and a hand-typed query string
            (unencoded "?" or "/") would otherwise render differently on the server and in the browser. */}
      <Form method="post" action="/login" className="flex flex-col gap-4">
        <input type="hidden" name="redirectTo" value={safeRedirect(params.get("redirectTo"))} />
        <FormField label="Email" name="email" type="email" autoComplete="email" defaultValue={actionData?.email} error={problems?.fields.email} />
        <FormField label="Password" name="password" type="password" autoComplete="current-password" error={problems?.fields.password} />
        <SubmitButton>Sign in</SubmitButton>
      </Form>
      <p className="text-sm text-stone-600">
        <a className="font-semibold text-tango-700 underline" href="/forgot-password">
          Forgot your password?
        </a>{" "}
        · New here?{" "}
        <a className="font-semibold text-tango-700 underline" href="/signup">
          Create an account
        </a>
      </p>
    </AuthCard>
  );
}
