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
  // Browsers drop tabs and newlines from a Location header and read "\" as "/": refuse them
  // anywhere, then let the URL parser decide whether the target stays on our origin.
  if (typeof target !== "string" || !target.startsWith("/") || target.includes("\\") || [...target].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return fallback;
  try {
    const url = new URL(target, "http://mundo.invalid");
    return url.origin === "http://mundo.invalid" ? `${url.pathname}${url.search}${url.hash}` : fallback;
  } catch {
    return fallback;
  }
}
