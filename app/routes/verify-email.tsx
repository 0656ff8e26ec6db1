import { data, Form } from "react-router";
import type { Route } from "./+types/verify-email";
import { AuthCard, FormAlert, SubmitButton } from "../components/form-field";
import { fromDomainError } from "../lib/form-problems";
import { serverContext } from "../server-context";
import { verifyEmailInput } from "../../worker/schemas/auth";
import { verifyEmail } from "../../worker/services/email-verification";

export const meta: Route.MetaFunction = () => [{ title: "Confirm your email — Mundo Tango" }];

export function loader({ request }: Route.LoaderArgs) {
  return { token: new URL(request.url).searchParams.get("token") ?? "" };
}

/** Confirming takes a click: mail scanners that open links must not spend the token. */
export async function action({ request, context }: Route.ActionArgs) {
  const parsed = verifyEmailInput.safeParse({ token: String((await request.formData()).get("token") ?? "") });
  if (!parsed.success) return data({ verified: false, message: "This link is incomplete. Copy the whole link from the mail." }, { status: 400 });
  try {
    await verifyEmail(context.get(serverContext).ctx, parsed.data.token);
    return { verified: true, message: "Your email is confirmed. You can now post, host events and list a place to stay." };
  } catch (error) {
    const problems = fromDomainError(error);
    return data({ verified: false, message: problems.fields.token ?? problems.form ?? "That did not work." }, { status: 400 });
  }
}

export default function VerifyEmail({ loaderData, actionData }: Route.ComponentProps) {
  return (
    <AuthCard title="Confirm your email">
      <FormAlert message={actionData?.message} tone={actionData?.verified ? "success" : "error"} />
      {actionData?.verified ? (
        <a className="font-semibold text-tango-700 underline" href="/events">
          Find your next milonga
        </a>
      ) : loaderData.token ? (
        <Form method="post">
          <input type="hidden" name="token" value={loaderData.token} />
          <SubmitButton>Confirm my email</SubmitButton>
        </Form>
      ) : (
        <p className="text-stone-600">Open the link from the mail we sent you. It works for 24 hours.</p>
      )}
    </AuthCard>
  );
}
