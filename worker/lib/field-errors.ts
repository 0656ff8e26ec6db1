import type { z } from "zod";
import type { FieldError } from "../errors";

/** zod issues as the `errors` of a problem: a dotted path and a message people can act on. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}
