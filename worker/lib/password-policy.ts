import { z } from "zod";
import { COMMON_PASSWORDS } from "./common-passwords.ts";

import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./password-rules.ts";

export { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH };
/** Shorter handles or email names ("ana") occur inside too many good passphrases to refuse them. */
const MIN_PERSONAL_TERM_LENGTH = 4;

const tooLong = `password must be at most ${MAX_PASSWORD_LENGTH} characters`;

export interface PasswordContext {
  email?: string;
  handle?: string;
  displayName?: string;
}

/** What is wrong with a new password, as messages a person can act on; empty when it is acceptable. */
export function passwordProblems(password: string, context: PasswordContext = {}): string[] {
  // A code point takes at most two UTF-16 units: anything longer is too long before normalizing it.
  if (password.length > 2 * MAX_PASSWORD_LENGTH) return [tooLong];
  const normalized = password.normalize("NFC");
  const length = [...normalized].length;
  if (length > MAX_PASSWORD_LENGTH) return [tooLong];
  const problems: string[] = [];
  if (length < MIN_PASSWORD_LENGTH) problems.push(`password must be at least ${MIN_PASSWORD_LENGTH} characters; a few unrelated words make a strong one`);
  const folded = normalized.toLowerCase();
  if (COMMON_PASSWORDS.has(folded)) problems.push("password is among the 10,000 most common passwords; choose another");
  const withoutSpaces = withoutWhitespace(folded);
  for (const { term, message } of personalTerms(context)) {
    if (withoutSpaces.includes(term)) problems.push(message);
  }
  return problems;
}

/** "Ana Gómez" must not hide inside "ana gómez 1990" or "anagómez1990" behind a space. */
function withoutWhitespace(text: string): string {
  return text.replace(/\s+/gu, "");
}

function personalTerms({ email, handle, displayName }: PasswordContext): { term: string; message: string }[] {
  const candidates = [
    // "ana+milongas@example.com" is still Ana's address: the tag is not part of the name.
    { term: email?.split("@")[0]?.split("+")[0], message: "password must not contain the part of your email before the @" },
    { term: handle, message: "password must not contain your handle" },
    { term: displayName, message: "password must not contain your name" },
  ];
  return candidates.flatMap(({ term, message }) => {
    const folded = term && withoutWhitespace(term.normalize("NFC").toLowerCase());
    return folded && [...folded].length >= MIN_PERSONAL_TERM_LENGTH ? [{ term: folded, message }] : [];
  });
}

/**
 * A password chosen at registration or reset. Nested as the `password` property of an object
 * schema, its issues carry the path ["password"]. Checks that need the email, handle or name
 * are left to the enclosing schema, which can call passwordProblems with that context.
 */
export const newPasswordSchema = z
  .string()
  .superRefine((password, ctx) => {
    for (const message of passwordProblems(password)) ctx.addIssue({ code: "custom", message });
  })
  .meta({
    description: `${MIN_PASSWORD_LENGTH}–${MAX_PASSWORD_LENGTH} characters, not one of the 10,000 most common passwords and not containing your handle, display name or the part of your email before the @.`,
    minLength: MIN_PASSWORD_LENGTH,
    maxLength: MAX_PASSWORD_LENGTH,
    example: "milonga under the jacarandas",
  });
