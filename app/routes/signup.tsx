import { data, Form, redirect } from "react-router";
import type { Route } from "./+types/signup";
import { AuthCard, FormAlert, FormField, SubmitButton } from "../components/form-field";
import { setCookieHeaders } from "../lib/cookies";
import { fromDomainError, fromZod } from "../lib/form-problems";
import { serverContext } from "../server-context";
import { sessionCookies } from "../../worker/lib/session-cookies";
import { MIN_PASSWORD_LENGTH } from "../../worker/lib/password-rules";
import { clientInfo } from "../../worker/middleware/auth";
import { registerInput } from "../../worker/schemas/auth";
import { register } from "../../worker/services/auth";

export const meta: Route.MetaFunction = () => [{ title: "Create your account — Mundo Tango" }];

export function loader({ context }: Route.LoaderArgs) {
  if (context.get(serverContext).ctx.user) throw redirect("/");
  return null;
}

export async function action({ request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  const form = await request.formData();
  const values = { displayName: String(form.get("displayName") ?? ""), email: String(form.get("email") ?? "") };
  const handle = String(form.get("handle") ?? "").trim();
  const parsed = registerInput.safeParse({ ...values, password: String(form.get("password") ?? ""), handle: handle || undefined });
  if (!parsed.success) return data({ problems: fromZod(parsed.error), values }, { status: 400 });
  try {
    const result = await register(ctx, parsed.data, clientInfo(request));
    return redirect("/", { headers: setCookieHeaders(sessionCookies(result)) });
  } catch (error) {
    const problems = fromDomainError(error);
    return data({ problems, values }, { status: (error as { status: number }).status });
  }
}

export default function Signup({ actionData }: Route.ComponentProps) {
  const problems = actionData?.problems;
  return (
    <AuthCard title="Join Mundo Tango">
      <p className="text-stone-600">Find milongas wherever you travel, and meet the dancers who go.</p>
      <FormAlert message={problems?.form} />
      <Form method="post" className="flex flex-col gap-4">
        <FormField label="Your name" name="displayName" autoComplete="name" defaultValue={actionData?.values.displayName} error={problems?.fields.displayName} />
        <FormField label="Email" name="email" type="email" autoComplete="email" defaultValue={actionData?.values.email} error={problems?.fields.email} />
        <FormField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          hint={`At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong one.`}
          error={problems?.fields.password}
        />
        <FormField label="Handle (optional)" name="handle" required={false} hint="3–30 of a–z, 0–9 and _. We make one from your name otherwise." error={problems?.fields.handle} />
        <SubmitButton>Create my account</SubmitButton>
      </Form>
      <p className="text-sm text-stone-600">
        Already dancing with us?{" "}
        <a className="font-semibold text-tango-700 underline" href="/login">
          Sign in
        </a>
      </p>
    </AuthCard>
  );
}
