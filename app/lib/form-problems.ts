import { DomainError, type FieldError } from "../../worker/errors";
import { fieldErrors } from "../../worker/lib/field-errors";
import type { z } from "zod";

/** What a form shows after a failed submit: a message per field and one for the form. */
export interface FormProblems {
  fields: Record<string, string>;
  form?: string;
}

export function fromZod(error: z.ZodError): FormProblems {
  return { fields: byField(fieldErrors(error)) };
}

/** Domain errors become messages a person can act on; anything else is a real failure. */
export function fromDomainError(error: unknown): FormProblems {
  if (!(error instanceof DomainError) || error.status >= 500) throw error;
  const fields = byField(error.errors ?? []);
  return { fields, form: Object.keys(fields).length === 0 ? error.message : undefined };
}

function byField(errors: FieldError[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const { path, message } of errors) fields[path] ??= message;
  return fields;
}

/** Only our own paths: a `redirectTo` must never send a member to another site. */
export function safeRedirect(target: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  return typeof target === "string" && /^\/(?![/\\])/.test(target) ? target : fallback;
}
