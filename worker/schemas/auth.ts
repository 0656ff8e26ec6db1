import { z } from "zod";
import { relationshipSchema } from "./social";
import { mailLanguages, roles, tangoRoles } from "../../db/schema/users";
import { newPasswordSchema, passwordProblems } from "../lib/password-policy";
import { socialNetworks } from "./social-networks";

export const emailSchema = z
  .email({ error: "email must be an email address such as ana@example.com" })
  .max(254, "email must be at most 254 characters")
  .transform((email) => email.toLowerCase())
  .meta({ example: "ana@example.com" });

export const handleSchema = z
  .string()
  .regex(/^[a-z0-9_]{3,30}$/, "handle must be 3–30 characters of a–z, 0–9 and _")
  .meta({ example: "ana_baila" });

/**
 * Visible names: trimmed, no control characters; HTML is fine here and escaped on output.
 * Bidi overrides and isolates (U+202A–202E, U+2066–2069) count as control characters: in a
 * name they would reverse the words around it ("Ana reacted to your post") wherever it is shown.
 */
export const displayNameSchema = z
  .string()
  .trim()
  .min(1, "displayName must not be empty")
  .max(80, "displayName must be at most 80 characters")
  .regex(/^[^\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]*$/u, "displayName must not contain control characters")
  .meta({ example: "Ana Gómez" });

export const registerInput = z
  .object({
    email: emailSchema,
    password: newPasswordSchema,
    displayName: displayNameSchema,
    handle: handleSchema.optional(),
  })
  .superRefine((input, ctx) => {
    // newPasswordSchema already reported the context-free problems; add only the personal ones.
    const general = new Set(passwordProblems(input.password));
    for (const message of passwordProblems(input.password, input)) {
      if (!general.has(message)) ctx.addIssue({ code: "custom", path: ["password"], message });
    }
  })
  .meta({ id: "RegisterInput" });
export type RegisterInput = z.infer<typeof registerInput>;

export const loginInput = z
  .object({
    email: emailSchema,
    // Existing passwords are checked, not judged: only bound the length.
    password: z.string().min(1, "password must not be empty").max(1024, "password must be at most 1024 characters"),
  })
  .meta({ id: "LoginInput" });
export type LoginInput = z.infer<typeof loginInput>;

export const refreshInput = z
  .object({ refreshToken: z.string().min(1).max(256, "refreshToken is not a token we issued") })
  .meta({ id: "RefreshInput" });

export const forgotPasswordInput = z.object({ email: emailSchema }).meta({ id: "ForgotPasswordInput" });

export const resetPasswordInput = z
  .object({ token: z.string().min(1, "token must not be empty").max(256, "token is not a token we issued"), password: newPasswordSchema })
  .meta({ id: "ResetPasswordInput" });

export const verifyEmailInput = z
  .object({ token: z.string().min(1, "token must not be empty").max(256, "token is not a token we issued") })
  .meta({ id: "VerifyEmailInput" });

/** Fields anyone may see on a member's profile. */
const profileFields = {
  handle: z.string(),
  displayName: z.string(),
  tangoRole: z.enum(tangoRoles).nullable(),
  homeCity: z.object({ slug: z.string(), name: z.string() }).nullable(),
  bio: z.string(),
  yearsDancing: z.number().int().nullable(),
  languages: z.array(z.string()),
  website: z.string().nullable(),
  socialLinks: z.record(z.string(), z.string()),
  avatarUrl: z.string().nullable(),
};

/** What the member sees of themselves: the public profile plus what only they may know. */
export const meSchema = z
  .object({
    ...profileFields,
    id: z.string(),
    email: z.string(),
    emailVerified: z.boolean(),
    roles: z.array(z.enum(roles)),
    language: z.enum(mailLanguages),
    createdAt: z.string(),
  })
  .meta({ id: "Me" });
export type MeDto = z.infer<typeof meSchema>;

export const authResultSchema = z
  .object({
    user: meSchema,
    accessToken: z.string().meta({ description: "JWT (HS256), valid 15 minutes. Send as `Authorization: Bearer …`." }),
    accessTokenExpiresIn: z.number().int().meta({ description: "Seconds." }),
    refreshToken: z.string().meta({ description: "Single use: exchange it at /auth/refresh for a new pair." }),
  })
  .meta({ id: "AuthResult" });
export type AuthResult = z.infer<typeof authResultSchema>;

export const sessionSchema = z
  .object({
    id: z.string(),
    device: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string(),
    current: z.boolean(),
  })
  .meta({ id: "Session" });
export type SessionDto = z.infer<typeof sessionSchema>;

const httpsUrl = z
  .url({ protocol: /^https$/, error: "must be an https:// address" })
  .max(300, "must be at most 300 characters");

export { socialNetworks };

/** Every field optional; null clears it. Unknown fields are refused rather than ignored. */
export const updateProfileInput = z
  .strictObject({
    displayName: displayNameSchema.optional(),
    bio: z.string().max(2000, "bio must be at most 2000 characters").optional(),
    homeCity: z.string().regex(/^[a-z0-9-]{1,64}$/, "homeCity must be a city slug such as buenos-aires").nullable().optional(),
    tangoRole: z.enum(tangoRoles, { error: `tangoRole must be one of ${tangoRoles.join(", ")}` }).nullable().optional(),
    yearsDancing: z.number().int("yearsDancing must be a whole number").min(0, "yearsDancing must be 0 or more").max(80, "yearsDancing must be at most 80").nullable().optional(),
    languages: z
      .array(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "each language must be a language tag such as es or pt-BR"))
      .max(10, "at most 10 languages")
      .optional(),
    website: httpsUrl.nullable().optional(),
    socialLinks: z.partialRecord(z.enum(socialNetworks), httpsUrl).optional(),
    language: z.enum(mailLanguages, { error: `language must be one of ${mailLanguages.join(", ")}` }).optional(),
  })
  .meta({ id: "UpdateProfileInput" });
export type UpdateProfileInput = z.infer<typeof updateProfileInput>;

export const publicProfileSchema = z
  .object({
    ...profileFields,
    memberSince: z.string(),
    followerCount: z.number().int(),
    followingCount: z.number().int(),
    relationship: relationshipSchema.nullable().meta({ description: "How the signed-in viewer stands with this member; null for visitors and on your own profile." }),
  })
  .meta({ id: "PublicProfile" });
export type PublicProfile = z.infer<typeof publicProfileSchema>;

export const deleteAccountInput = z
  .object({ password: z.string().min(1, "password must not be empty").max(1024, "password must be at most 1024 characters") })
  .meta({ id: "DeleteAccountInput" });
