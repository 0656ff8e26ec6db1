import { data, Form } from "react-router";
import type { Route } from "./+types/forgot-password";
import { AuthCard, FormAlert, FormField, SubmitButton } from "../components/form-field";
import { fromDomainError, fromZod } from "../lib/form-problems";
import { serverContext } from "../server-context";
import { clientIp } from "../../worker/middleware/auth";
import { forgotPasswordInput } from "../../worker/schemas/auth";
import { requestPasswordReset } from "../../worker/services/password-reset";

export const meta: Route.MetaFunction = () => [{ title: "Forgot your password? — Mundo Tango" }];

export async function action({ request, context }: Route.ActionArgs) {
  const email = String((await request.formData()).get("email") ?? "");
  const parsed = forgotPasswordInput.safeParse({ email });
  if (!parsed.success) return data({ sent: false, problems: fromZod(parsed.error), email }, { status: 400 });
  try {
    await requestPasswordReset(context.get(serverContext).ctx, parsed.data.email, clientIp(request.headers));
    return { sent: true, problems: undefined, email };
  } catch (error) {
    return data({ sent: false, problems: fromDomainError(error), email }, { status: (error as { status: number }).status });
  }
}

export default function ForgotPassword({ actionData }: Route.ComponentProps) {
  if (actionData?.sent) {
    return (
      <AuthCard title="Check your inbox">
        <FormAlert tone="success" message={`If ${actionData.email} has an account, a link to choose a new password is on its way. It works for one hour.`} />
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Forgot your password?">
      <p className="text-stone-600">We will mail you a link to choose a new one.</p>
      <FormAlert message={actionData?.problems?.form} />
      <Form method="post" className="flex flex-col gap-4">
        <FormField label="Email" name="email" type="email" autoComplete="email" defaultValue={actionData?.email} error={actionData?.problems?.fields.email} />
        <SubmitButton>Mail me a link</SubmitButton>
      </Form>
    </AuthCard>
  );
}
