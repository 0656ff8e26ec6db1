import { z } from "zod";
import { groupRoles, groupVisibilities, membershipStatuses, groupKinds } from "../../db/schema/groups";
import { cursorParam, limitParam, paginated } from "./common";

export const groupSlugSchema = z
  .string()
  .regex(/^[a-z0-9-]{1,64}$/, "slug must be 1–64 characters of a–z, 0–9 and -")
  .meta({ example: "tango-queer-berlin" });

const nameSchema = z
  .string({ error: "name is required" })
  .trim()
  .min(3, "name must be at least 3 characters")
  .max(80, "name must be at most 80 characters")
  // Like display names (schemas/auth.ts): no control characters, bidi overrides included.
  .regex(/^[^\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]*$/u, "name must not contain control characters");
const descriptionSchema = z.string({ error: "description must be text" }).trim().max(2000, "description must be at most 2000 characters");
const visibilitySchema = z.enum(groupVisibilities, { error: 'visibility must be "public" or "private"' });

export const createGroupInput = z
  .object({
    name: nameSchema,
    description: descriptionSchema.default(""),
    visibility: visibilitySchema.default("public"),
    city: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/, "city must be a city slug such as buenos-aires")
      .optional()
      .meta({ description: "Slug of the city the group belongs to, if any." }),
  })
  .meta({ id: "CreateGroupInput" });
export type CreateGroupInput = z.infer<typeof createGroupInput>;

export const updateGroupInput = z
  .object({ name: nameSchema.optional(), description: descriptionSchema.optional(), visibility: visibilitySchema.optional() })
  .meta({ id: "UpdateGroupInput", description: "Send only what changes. The slug never changes, so links keep working." });
export type UpdateGroupInput = z.infer<typeof updateGroupInput>;

export const membershipSchema = z
  .object({ role: z.enum(groupRoles), status: z.enum(membershipStatuses) })
  .meta({ id: "GroupMembership", description: "`pending`: asked to join a private group and waits for approval." });
export type Membership = z.infer<typeof membershipSchema>;

export const groupSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    visibility: z.enum(groupVisibilities),
    kind: z.enum(groupKinds).meta({ description: "`city`: the community of a city; `interest`: created by members." }),
    city: z.object({ slug: z.string(), name: z.string() }).nullable(),
    memberCount: z.number().int().meta({ description: "Active members (pending requests not counted)." }),
    createdAt: z.string(),
    membership: membershipSchema.nullable().meta({ description: "The viewer's membership; null for visitors and non-members." }),
  })
  .meta({ id: "Group" });
export type GroupDto = z.infer<typeof groupSchema>;

export const groupPageSchema = paginated(groupSchema, "GroupPage");
export type GroupPage = z.infer<typeof groupPageSchema>;

export const listGroupsQuery = z.object({
  city: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/, "city must be a city slug such as buenos-aires")
    .optional()
    .meta({ description: "Only groups of this city (its community first)." }),
  mine: z
    .enum(["true", "false"], { error: 'mine must be "true" or "false"' })
    .transform((v) => v === "true")
    .optional()
    .meta({ description: "Only groups the viewer belongs to or asked to join." }),
  cursor: cursorParam,
  limit: limitParam,
});
export type ListGroupsQuery = z.infer<typeof listGroupsQuery>;

export const groupMemberSchema = z
  .object({
    handle: z.string(),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
    role: z.enum(groupRoles),
    status: z.enum(membershipStatuses),
    since: z.string().meta({ description: "When they joined or asked to join." }),
  })
  .meta({ id: "GroupMember" });
export type GroupMemberDto = z.infer<typeof groupMemberSchema>;

export const groupMemberPageSchema = paginated(groupMemberSchema, "GroupMemberPage");
export type GroupMemberPage = z.infer<typeof groupMemberPageSchema>;

export const listMembersQuery = z.object({
  status: z.enum(membershipStatuses, { error: 'status must be "active" or "pending"' }).default("active"),
  cursor: cursorParam,
  limit: limitParam,
});
export type ListMembersQuery = z.infer<typeof listMembersQuery>;

export const changeRoleInput = z.object({ role: z.enum(groupRoles, { error: 'role must be "admin", "moderator" or "member"' }) }).meta({ id: "ChangeGroupRoleInput" });
