import { createRoute, z } from "@hono/zod-openapi";
import { handleSchema } from "../schemas/auth";
import {
  changeRoleInput,
  createGroupInput,
  groupMemberPageSchema,
  groupMemberSchema,
  groupPageSchema,
  groupSchema,
  groupSlugSchema,
  listGroupsQuery,
  listMembersQuery,
  membershipSchema,
  updateGroupInput,
} from "../schemas/groups";
import {
  approveRequest,
  changeMemberRole,
  createGroup,
  deleteGroup,
  getGroup,
  joinGroup,
  leaveGroup,
  listGroupMembers,
  listGroups,
  rejectRequest,
  removeMember,
  updateGroup,
} from "../services/groups";
import { apiRouter } from "./router";
import { bodyTooLargeResponse, problem, problemResponses } from "./responses";

const signedIn = { security: [{ bearer: [] }] };
const slugParams = z.object({ slug: groupSlugSchema });
const memberParams = slugParams.extend({ handle: handleSchema });
const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: json(schema) } });
const notFound = { 404: problem("No group at this address (or no such member in it).") };
const authErrors = { 401: problem("Not signed in."), 403: problem("Not allowed for your role in this group.") };

const listRoute = createRoute({
  method: "get",
  path: "/groups",
  tags: ["Groups"],
  summary: "Groups",
  description: "City communities first, then by name. `mine=true` (signed in) lists the groups you belong to or asked to join.",
  request: { query: listGroupsQuery },
  responses: { 200: { description: "A page of groups.", content: json(groupPageSchema) }, 401: problem("`mine` needs a signed-in member."), ...problemResponses },
});

const createGroupRoute = createRoute({
  method: "post",
  path: "/groups",
  tags: ["Groups"],
  summary: "Create a group",
  description: "Members with a confirmed email. The creator becomes its admin. The slug comes from the name (`-2`, `-3`… when taken) and never changes.",
  ...signedIn,
  request: body(createGroupInput),
  responses: { 201: { description: "Created.", content: json(groupSchema) }, ...authErrors, ...bodyTooLargeResponse, ...problemResponses },
});

const getGroupRoute = createRoute({
  method: "get",
  path: "/groups/{slug}",
  tags: ["Groups"],
  summary: "One group",
  description: "With its active member count and the viewer's membership.",
  request: { params: slugParams },
  responses: { 200: { description: "The group.", content: json(groupSchema) }, ...notFound, ...problemResponses },
});

const updateGroupRoute = createRoute({
  method: "patch",
  path: "/groups/{slug}",
  tags: ["Groups"],
  summary: "Edit a group",
  description: "Group admins. City communities stay public.",
  ...signedIn,
  request: { params: slugParams, ...body(updateGroupInput) },
  responses: { 200: { description: "The group now.", content: json(groupSchema) }, ...authErrors, ...notFound, ...bodyTooLargeResponse, ...problemResponses },
});

const deleteGroupRoute = createRoute({
  method: "delete",
  path: "/groups/{slug}",
  tags: ["Groups"],
  summary: "Delete an interest group",
  description: "Group admins. City communities can't be deleted (403).",
  ...signedIn,
  request: { params: slugParams },
  responses: { 204: { description: "Deleted, with its memberships and posts." }, ...authErrors, ...notFound, ...problemResponses },
});

const joinRoute = createRoute({
  method: "post",
  path: "/groups/{slug}/members",
  tags: ["Groups"],
  summary: "Join a group (or ask to)",
  description:
    "Public groups: you are a member at once. Private groups: your request is `pending` and its admins and moderators are notified. 201 when this call joined or asked, 200 when you already had.",
  ...signedIn,
  request: { params: slugParams },
  responses: {
    201: { description: "Your membership.", content: json(membershipSchema) },
    200: { description: "Your membership, unchanged.", content: json(membershipSchema) },
    401: problem("Not signed in."),
    ...notFound,
    ...problemResponses,
  },
});

const leaveRoute = createRoute({
  method: "delete",
  path: "/groups/{slug}/members/me",
  tags: ["Groups"],
  summary: "Leave a group (or withdraw a request)",
  description: "Idempotent: 204. The only admin of a group with other members gets 409 until they make someone else admin.",
  ...signedIn,
  request: { params: slugParams },
  responses: { 204: { description: "Not a member." }, 401: problem("Not signed in."), ...notFound, 409: problem("You are the group's only admin."), ...problemResponses },
});

const membersRoute = createRoute({
  method: "get",
  path: "/groups/{slug}/members",
  tags: ["Groups"],
  summary: "Members or pending requests",
  description: "Newest first. `status=pending`: admins and moderators only. A private group's members: its members only.",
  request: { params: slugParams, query: listMembersQuery },
  responses: { 200: { description: "A page of members.", content: json(groupMemberPageSchema) }, ...authErrors, ...notFound, ...problemResponses },
});

const approveRoute = createRoute({
  method: "post",
  path: "/groups/{slug}/members/{handle}/approve",
  tags: ["Groups"],
  summary: "Approve a join request",
  description: "Admins and moderators. The member is notified.",
  ...signedIn,
  request: { params: memberParams },
  responses: { 200: { description: "The member now.", content: json(groupMemberSchema) }, ...authErrors, ...notFound, 409: problem("Already a member."), ...problemResponses },
});

const rejectRoute = createRoute({
  method: "post",
  path: "/groups/{slug}/members/{handle}/reject",
  tags: ["Groups"],
  summary: "Reject a join request",
  description: "Admins and moderators. The request is removed; the member may ask again.",
  ...signedIn,
  request: { params: memberParams },
  responses: { 204: { description: "Rejected." }, ...authErrors, ...notFound, 409: problem("Already a member: remove them instead."), ...problemResponses },
});

const roleRoute = createRoute({
  method: "patch",
  path: "/groups/{slug}/members/{handle}",
  tags: ["Groups"],
  summary: "Change a member's role",
  description: "Admins only. The last admin can't be demoted.",
  ...signedIn,
  request: { params: memberParams, ...body(changeRoleInput) },
  responses: { 200: { description: "The member now.", content: json(groupMemberSchema) }, ...authErrors, ...notFound, 409: problem("The last admin, or a pending request."), ...bodyTooLargeResponse, ...problemResponses },
});

const removeRoute = createRoute({
  method: "delete",
  path: "/groups/{slug}/members/{handle}",
  tags: ["Groups"],
  summary: "Remove a member",
  description: "Admins remove anyone else; moderators remove plain members and pending requests.",
  ...signedIn,
  request: { params: memberParams },
  responses: { 204: { description: "Removed." }, ...authErrors, ...notFound, ...problemResponses },
});

export const groupsApi = apiRouter()
  .openapi(listRoute, async (c) => c.json(await listGroups(c.var.ctx, c.req.valid("query")), 200))
  .openapi(createGroupRoute, async (c) => c.json(await createGroup(c.var.ctx, c.req.valid("json")), 201))
  .openapi(getGroupRoute, async (c) => c.json(await getGroup(c.var.ctx, c.req.valid("param").slug), 200))
  .openapi(updateGroupRoute, async (c) => c.json(await updateGroup(c.var.ctx, c.req.valid("param").slug, c.req.valid("json")), 200))
  .openapi(deleteGroupRoute, async (c) => {
    await deleteGroup(c.var.ctx, c.req.valid("param").slug);
    return c.body(null, 204);
  })
  .openapi(joinRoute, async (c) => {
    const { created, ...membership } = await joinGroup(c.var.ctx, c.req.valid("param").slug);
    return c.json(membership, created ? 201 : 200);
  })
  .openapi(leaveRoute, async (c) => {
    await leaveGroup(c.var.ctx, c.req.valid("param").slug);
    return c.body(null, 204);
  })
  .openapi(membersRoute, async (c) => c.json(await listGroupMembers(c.var.ctx, c.req.valid("param").slug, c.req.valid("query")), 200))
  .openapi(approveRoute, async (c) => {
    const { slug, handle } = c.req.valid("param");
    return c.json(await approveRequest(c.var.ctx, slug, handle), 200);
  })
  .openapi(rejectRoute, async (c) => {
    const { slug, handle } = c.req.valid("param");
    await rejectRequest(c.var.ctx, slug, handle);
    return c.body(null, 204);
  })
  .openapi(roleRoute, async (c) => {
    const { slug, handle } = c.req.valid("param");
    return c.json(await changeMemberRole(c.var.ctx, slug, handle, c.req.valid("json").role), 200);
  })
  .openapi(removeRoute, async (c) => {
    const { slug, handle } = c.req.valid("param");
    await removeMember(c.var.ctx, slug, handle);
    return c.body(null, 204);
  });
