import { data, Form, redirect } from "react-router";
import type { Route } from "./+types/groups.$slug";
import { FormAlert } from "../components/form-field";
import { MemberList, NextPageLink } from "../components/member-list";
import { GroupFeed } from "../components/group-feed";
import { groupPostsPage } from "../lib/post-form.server";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { handleSchema } from "../../worker/schemas/auth";
import { cursorParam } from "../../worker/schemas/common";
import { changeRoleInput, groupSlugSchema, updateGroupInput, type GroupMemberDto } from "../../worker/schemas/groups";
import {
  approveRequest,
  changeMemberRole,
  getGroup,
  getGroupBySlug,
  joinGroup,
  leaveGroup,
  listGroupMembers,
  rejectRequest,
  removeMember,
  updateGroup,
  viewerGroupPowers,
} from "../../worker/services/groups";

const MEMBERS_SHOWN = 50;
const REQUESTS_SHOWN = 100;

/** What a redirect back after a form says; only these keys are ever shown, never text from the URL. */
const DONE_MESSAGES = {
  joined: "Welcome to the group!",
  requested: "Request sent. The group's admins will review it.",
  left: "You left the group.",
  withdrawn: "Your request was withdrawn.",
  approved: "Request approved.",
  rejected: "Request declined.",
  role: "Role changed.",
  removed: "Member removed.",
  edited: "Group details saved.",
} as const;
type Done = keyof typeof DONE_MESSAGES;

const ROLE_LABELS = { admin: "Admin", moderator: "Moderator", member: "Member" } as const;

export function meta({ loaderData }: Route.MetaArgs) {
  if (!loaderData) return [{ title: "Group not found — Mundo Tango" }];
  return [{ title: `${loaderData.group.name} — Mundo Tango` }, { name: "description", content: loaderData.group.description.slice(0, 200) }];
}

function parseSlug(raw: string | undefined): string {
  const slug = groupSlugSchema.safeParse(raw);
  if (!slug.success) throw data(null, { status: 404 });
  return slug.data;
}

export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  const slug = parseSlug(params.slug);
  const search = new URL(request.url).searchParams;
  const cursor = cursorParam.safeParse(search.get("cursor") ?? undefined);
  let group;
  try {
    group = await getGroup(ctx, slug);
  } catch (error) {
    if (error instanceof DomainError && error.status === 404) throw data(null, { status: 404 });
    throw error;
  }
  const powers = await viewerGroupPowers(ctx, await getGroupBySlug(ctx, slug));
  // Null when the viewer may not see who belongs (a private group seen from outside).
  const members = await listGroupMembers(ctx, slug, { status: "active", cursor: cursor.success ? cursor.data : undefined, limit: MEMBERS_SHOWN }).catch((error: unknown) => {
    if (error instanceof DomainError && error.status === 403) return null;
    if (error instanceof DomainError && error.status === 400) return listGroupMembers(ctx, slug, { status: "active", limit: MEMBERS_SHOWN });
    throw error;
  });
  const requests = powers.canModerate ? (await listGroupMembers(ctx, slug, { status: "pending", limit: REQUESTS_SHOWN })).data : [];
  const doneParam = search.get("done");
  return {
    group,
    signedIn: ctx.user !== null,
    viewerHandle: ctx.user?.handle ?? null,
    canModerate: powers.canModerate,
    canAdminister: powers.canAdminister,
    members,
    requests,
    posts: await groupPostsPage(ctx, slug, search.get("posts")),
    done: doneParam && doneParam in DONE_MESSAGES ? (doneParam as Done) : null,
  };
}

export async function action({ params, request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  const slug = parseSlug(params.slug);
  if (!ctx.user) throw redirect(`/login?redirectTo=${encodeURIComponent(`/groups/${slug}`)}`);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const target = () => {
    const handle = handleSchema.safeParse(String(form.get("handle") ?? ""));
    if (!handle.success) throw data({ error: "Choose a member from the list." }, { status: 400 });
    return handle.data;
  };
  const back = (done: Done) => redirect(`/groups/${slug}?done=${done}`);
  try {
    switch (intent) {
      case "join": {
        const membership = await joinGroup(ctx, slug);
        return back(membership.status === "pending" ? "requested" : "joined");
      }
      case "leave": {
        const before = (await getGroup(ctx, slug)).membership;
        await leaveGroup(ctx, slug);
        return back(before?.status === "pending" ? "withdrawn" : "left");
      }
      case "approve":
        await approveRequest(ctx, slug, target());
        return back("approved");
      case "reject":
        await rejectRequest(ctx, slug, target());
        return back("rejected");
      case "role": {
        const role = changeRoleInput.safeParse({ role: form.get("role") });
        if (!role.success) return data({ error: "Choose admin, moderator or member." }, { status: 400 });
        await changeMemberRole(ctx, slug, target(), role.data.role);
        return back("role");
      }
      case "remove":
        await removeMember(ctx, slug, target());
        return back("removed");
      case "edit": {
        const parsed = updateGroupInput.safeParse({
          name: String(form.get("name") ?? ""),
          description: String(form.get("description") ?? ""),
          visibility: form.get("visibility") ?? undefined,
        });
        if (!parsed.success) return data({ error: parsed.error.issues[0]?.message ?? "Check the group's details." }, { status: 400 });
        await updateGroup(ctx, slug, parsed.data);
        return back("edited");
      }
      default:
        return data({ error: "Choose one of the buttons." }, { status: 400 });
    }
  } catch (error) {
    if (!(error instanceof DomainError) || error.status >= 500) throw error;
    if (error.status === 404 && intent !== "approve" && intent !== "reject" && intent !== "role" && intent !== "remove") throw data(null, { status: 404 });
    return data({ error: error.errors?.[0]?.message ?? error.message }, { status: error.status });
  }
}

export default function GroupPage({ loaderData, actionData }: Route.ComponentProps) {
  const { group, signedIn, viewerHandle, canModerate, canAdminister, members, requests, done } = loaderData;
  const membership = group.membership;
  return (
    <article className="mx-auto flex max-w-4xl flex-col gap-8">
      <div className="flex flex-col gap-2">
        {done && <FormAlert tone="success" message={DONE_MESSAGES[done]} />}
        {actionData && "error" in actionData && <FormAlert message={actionData.error} />}
      </div>

      <header className="rounded-2xl border border-stone-200 bg-white p-6 shadow-sm sm:p-8">
        <p className="flex flex-wrap items-center gap-2 text-xs font-semibold uppercase tracking-wide">
          <span className="rounded-full bg-tango-50 px-2.5 py-1 text-tango-700">
            {group.kind === "city" ? "City community" : group.visibility === "private" ? "Private group" : "Public group"}
          </span>
          {group.city && (
            <a href={`/cities/${group.city.slug}`} className="text-stone-600 hover:text-tango-700 hover:underline">
              {group.city.name}
            </a>
          )}
        </p>
        <h1 className="mt-3 font-display text-3xl font-bold text-tango-900 sm:text-4xl">{group.name}</h1>
        <p className="mt-2 text-stone-600">
          {group.memberCount} {group.memberCount === 1 ? "member" : "members"}
          {membership && <> · {membership.status === "pending" ? "Your request is waiting for approval" : `You are ${membership.role === "member" ? "a member" : `${membership.role === "admin" ? "an" : "a"} ${membership.role}`}`}</>}
        </p>
        {group.description && <p className="mt-4 whitespace-pre-line text-stone-800">{group.description}</p>}
        <div className="mt-5">
          <MembershipAction slug={group.slug} signedIn={signedIn} membership={membership} isPrivate={group.visibility === "private"} />
        </div>
      </header>

      <GroupFeed group={group} page={loaderData.posts} isMember={membership?.status === "active"} signedIn={signedIn} />

      {canAdminister && <EditGroup name={group.name} description={group.description} visibility={group.visibility} isCity={group.kind === "city"} />}

      {canModerate && (
        <section aria-labelledby="requests-heading" className="rounded-2xl border border-stone-200 bg-white p-6 shadow-sm">
          <h2 id="requests-heading" className="font-display text-xl font-bold text-tango-900">
            Requests to join
          </h2>
          {requests.length === 0 ? (
            <p className="mt-2 text-stone-700">No requests waiting.</p>
          ) : (
            <MemberList
              label="Requests to join"
              members={requests}
              actions={(m) => (
                <>
                  <IntentButton intent="approve" handle={m.handle} label="Approve" primary />
                  <IntentButton intent="reject" handle={m.handle} label="Decline" />
                </>
              )}
            />
          )}
        </section>
      )}

      <section aria-labelledby="members-heading" className="rounded-2xl border border-stone-200 bg-white p-6 shadow-sm">
        <h2 id="members-heading" className="font-display text-xl font-bold text-tango-900">
          Members
        </h2>
        {members === null ? (
          <p className="mt-2 text-stone-700">Only members of this private group can see who belongs to it.</p>
        ) : members.data.length === 0 ? (
          <p className="mt-2 text-stone-700">No members yet — join and be the first.</p>
        ) : (
          <>
            <MemberList
              label="Members"
              members={members.data}
              detail={(m) => ROLE_LABELS[m.role]}
              actions={(m) => <MemberTools member={m} viewerHandle={viewerHandle} canAdminister={canAdminister} canModerate={canModerate} />}
            />
            <NextPageLink nextCursor={members.nextCursor} basePath={`/groups/${group.slug}`} />
          </>
        )}
      </section>
    </article>
  );
}

function MembershipAction({ slug, signedIn, membership, isPrivate }: { slug: string; signedIn: boolean; membership: { role: string; status: string } | null; isPrivate: boolean }) {
  if (!signedIn) {
    return (
      <a href={`/login?redirectTo=${encodeURIComponent(`/groups/${slug}`)}`} className="inline-block rounded-full bg-tango-600 px-5 py-2 font-semibold text-white hover:bg-tango-700">
        Sign in to join
      </a>
    );
  }
  if (!membership) {
    return (
      <Form method="post">
        <input type="hidden" name="intent" value="join" />
        <button type="submit" className="rounded-full bg-tango-600 px-5 py-2 font-semibold text-white hover:bg-tango-700">
          {isPrivate ? "Ask to join" : "Join group"}
        </button>
      </Form>
    );
  }
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="leave" />
      <button type="submit" className="rounded-full border border-stone-300 px-5 py-2 font-semibold text-stone-700 hover:bg-stone-100">
        {membership.status === "pending" ? "Withdraw request" : "Leave group"}
      </button>
    </Form>
  );
}

function IntentButton({ intent, handle, label, primary = false }: { intent: string; handle: string; label: string; primary?: boolean }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="handle" value={handle} />
      <button
        type="submit"
        className={primary ? "rounded-full bg-tango-600 px-3 py-1 text-sm font-semibold text-white hover:bg-tango-700" : "rounded-full border border-stone-300 px-3 py-1 text-sm font-semibold text-stone-700 hover:bg-stone-100"}
      >
        {label}
        <span className="sr-only"> @{handle}</span>
      </button>
    </Form>
  );
}

function MemberTools({ member, viewerHandle, canAdminister, canModerate }: { member: GroupMemberDto; viewerHandle: string | null; canAdminister: boolean; canModerate: boolean }) {
  if (member.handle === viewerHandle) return null;
  const canRemove = canAdminister || (canModerate && member.role === "member");
  return (
    <>
      {canAdminister && (
        <Form method="post" className="flex items-center gap-1">
          <input type="hidden" name="intent" value="role" />
          <input type="hidden" name="handle" value={member.handle} />
          <label className="sr-only" htmlFor={`role-${member.handle}`}>
            Role of @{member.handle}
          </label>
          <select id={`role-${member.handle}`} name="role" defaultValue={member.role} className="rounded-lg border border-stone-300 bg-white px-2 py-1 text-sm">
            <option value="member">Member</option>
            <option value="moderator">Moderator</option>
            <option value="admin">Admin</option>
          </select>
          <button type="submit" className="rounded-full border border-stone-300 px-3 py-1 text-sm font-semibold text-stone-700 hover:bg-stone-100">
            Change role
          </button>
        </Form>
      )}
      {canRemove && <IntentButton intent="remove" handle={member.handle} label="Remove" />}
    </>
  );
}

function EditGroup({ name, description, visibility, isCity }: { name: string; description: string; visibility: "public" | "private"; isCity: boolean }) {
  return (
    <details className="rounded-2xl border border-stone-200 bg-white p-6 shadow-sm">
      <summary className="cursor-pointer font-display text-lg font-bold text-tango-900">Edit group details</summary>
      <Form method="post" className="mt-4 flex flex-col gap-4">
        <input type="hidden" name="intent" value="edit" />
        <label className="flex flex-col gap-1 text-sm font-medium text-stone-700">
          Name
          <input name="name" required minLength={3} maxLength={80} defaultValue={name} className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-base font-normal text-ink" />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium text-stone-700">
          About the group
          <textarea name="description" rows={3} maxLength={2000} defaultValue={description} className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-base font-normal text-ink" />
        </label>
        {!isCity && (
          <fieldset className="flex flex-col gap-1 text-sm">
            <legend className="font-medium text-stone-700">Who can join</legend>
            <label className="flex items-center gap-2">
              <input type="radio" name="visibility" value="public" defaultChecked={visibility === "public"} /> Public: anyone can join and see members
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="visibility" value="private" defaultChecked={visibility === "private"} /> Private: admins and moderators approve who joins
            </label>
          </fieldset>
        )}
        <div>
          <button type="submit" className="rounded-full bg-tango-600 px-5 py-2 font-semibold text-white hover:bg-tango-700">
            Save
          </button>
        </div>
      </Form>
    </details>
  );
}
