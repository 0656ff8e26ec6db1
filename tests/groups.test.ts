import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../db/client";
import type { GroupDto, GroupMemberDto, GroupMemberPage, GroupPage, Membership } from "../worker/schemas/groups";
import { isActiveGroupMember } from "../worker/services/audience";
import { ensureCityCommunity, getGroupBySlug } from "../worker/services/groups";
import type { Ctx } from "../worker/env";
import { api, member } from "./accounts";
import { verifiedMember } from "./event-factory";
import { seedWorld } from "./world";

beforeAll(seedWorld);

type Member = Awaited<ReturnType<typeof member>>;
type Problem = { status: number; detail: string; errors?: { path: string; message: string }[] };

let n = 0;
const handle = () => `gr_${Date.now().toString(36)}_${++n}`;
const dancer = () => verifiedMember({ displayName: "Group Dancer", handle: handle() });
const unverified = () => member({ displayName: "Group Dancer", handle: handle() });
const serviceCtx = (): Ctx => ({ db: createDb(env.DB), env: env as unknown as Ctx["env"], requestId: "test", user: null });

async function createGroup(by: Member, json: Record<string, unknown> = {}): Promise<GroupDto> {
  const res = await api("/groups", { method: "POST", token: by.accessToken, json: { name: "Tango Queer Amigos", description: "Role-free practicas.", visibility: "public", ...json } });
  if (res.status !== 201) throw new Error(`create group failed: ${res.status} ${await res.text()}`);
  return res.json<GroupDto>();
}
const join = (by: Member, slug: string) => api(`/groups/${slug}/members`, { method: "POST", token: by.accessToken });
const leave = (by: Member, slug: string) => api(`/groups/${slug}/members/me`, { method: "DELETE", token: by.accessToken });
const members = (slug: string, viewer?: Member, status = "active") => api(`/groups/${slug}/members?status=${status}`, { token: viewer?.accessToken });
const approve = (by: Member, slug: string, who: Member) => api(`/groups/${slug}/members/${who.user.handle}/approve`, { method: "POST", token: by.accessToken });
const reject = (by: Member, slug: string, who: Member) => api(`/groups/${slug}/members/${who.user.handle}/reject`, { method: "POST", token: by.accessToken });
const setRole = (by: Member, slug: string, who: Member, role: string) => api(`/groups/${slug}/members/${who.user.handle}`, { method: "PATCH", token: by.accessToken, json: { role } });
const remove = (by: Member, slug: string, who: Member) => api(`/groups/${slug}/members/${who.user.handle}`, { method: "DELETE", token: by.accessToken });
const getGroup = async (slug: string, viewer?: Member) => (await api(`/groups/${slug}`, { token: viewer?.accessToken })).json<GroupDto>();
const notificationsOf = async (who: Member, type: string) =>
  (await env.DB.prepare("SELECT actor_id AS actorId, subject_id AS subjectId FROM notifications WHERE user_id = ? AND type = ?").bind(who.user.id, type).all<{ actorId: string; subjectId: string }>()).results;

describe("creating a group", () => {
  it("makes the creator its admin and derives the slug from the name", async () => {
    const ana = await dancer();
    const group = await createGroup(ana, { name: "Práctica del Sábado", city: "buenos-aires" });
    expect(group).toMatchObject({
      slug: "practica-del-sabado",
      name: "Práctica del Sábado",
      visibility: "public",
      kind: "interest",
      city: { slug: "buenos-aires", name: "Buenos Aires" },
      memberCount: 1,
      membership: { role: "admin", status: "active" },
    });
  });

  it("adds a suffix when the slug is taken, also when two are created at once", async () => {
    const ana = await dancer();
    const groups = await Promise.all([1, 2, 3].map(() => createGroup(ana, { name: "Milonga Lovers Club" })));
    const slugs = groups.map((g) => g.slug);
    expect(new Set(slugs).size).toBe(3);
    expect(slugs).toContain("milonga-lovers-club");
    for (const slug of slugs) expect(slug).toMatch(/^milonga-lovers-club(-[a-z0-9]+)?$/);
  });

  it("never takes a city community's slug", async () => {
    const ana = await dancer();
    expect((await createGroup(ana, { name: "Buenos Aires" })).slug).toBe("buenos-aires-2");
  });

  it("needs a confirmed email, a name and a known city", async () => {
    const newcomer = await unverified();
    expect((await api("/groups", { method: "POST", token: newcomer.accessToken, json: { name: "Nope group" } })).status).toBe(403);
    expect((await api("/groups", { method: "POST", json: { name: "Nope group" } })).status).toBe(401);
    const ana = await dancer();
    const noName = await api("/groups", { method: "POST", token: ana.accessToken, json: { name: "  " } });
    expect(noName.status).toBe(400);
    expect((await noName.json<Problem>()).errors?.[0]?.path).toBe("name");
    for (const name of ["Tango\u0000Club", "Tango \u202Ebulc"]) {
      const hostile = await api("/groups", { method: "POST", token: ana.accessToken, json: { name } });
      expect(hostile.status).toBe(400);
      expect((await hostile.json<Problem>()).errors?.[0]?.path).toBe("name");
    }
    const badCity = await api("/groups", { method: "POST", token: ana.accessToken, json: { name: "Atlantis tango", city: "atlantis" } });
    expect(badCity.status).toBe(400);
    expect((await badCity.json<Problem>()).errors?.[0]?.path).toBe("city");
    const badVisibility = await api("/groups", { method: "POST", token: ana.accessToken, json: { name: "Secret tango", visibility: "secret" } });
    expect((await badVisibility.json<Problem>()).errors?.[0]?.path).toBe("visibility");
  });
});

describe("reading groups", () => {
  it("shows a group with its member count and the viewer's membership", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    const group = await createGroup(ana, { name: "Vals Lovers" });
    await join(bea, group.slug);
    expect(await getGroup(group.slug)).toMatchObject({ memberCount: 2, membership: null });
    expect((await getGroup(group.slug, bea)).membership).toEqual({ role: "member", status: "active" });
    expect((await api("/groups/no-such-group-here")).status).toBe(404);
    expect((await api("/groups/NOT_A_SLUG")).status).toBe(400);
  });

  it("lists a city's groups with its community first, and my groups", async () => {
    const ana = await dancer();
    const mine = await createGroup(ana, { name: "Aaa first by name", city: "montevideo" });
    const page = await (await api("/groups?city=montevideo&limit=100")).json<GroupPage>();
    expect(page.data[0]).toMatchObject({ kind: "city", city: { slug: "montevideo" } });
    expect(page.data.map((g) => g.slug)).toContain(mine.slug);
    expect(page.data.every((g) => g.city?.slug === "montevideo")).toBe(true);
    const my = await (await api("/groups?mine=true", { token: ana.accessToken })).json<GroupPage>();
    expect(my.data.map((g) => g.slug)).toEqual([mine.slug]);
    expect((await api("/groups?mine=true")).status).toBe(401);
    expect((await api("/groups?city=atlantis")).status).toBe(400);
    expect((await api("/groups?mine=yes")).status).toBe(400);
  });

  it("pages through every group once", async () => {
    const ana = await dancer();
    for (let i = 0; i < 3; i++) await createGroup(ana, { name: `Paging group ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: GroupPage = await (await api(`/groups?limit=7${cursor ? `&cursor=${cursor}` : ""}`)).json<GroupPage>();
      seen.push(...page.data.map((g) => g.slug));
      cursor = page.nextCursor;
    } while (cursor);
    const total = await env.DB.prepare("SELECT count(*) AS n FROM groups").first<{ n: number }>();
    expect(seen).toHaveLength(total!.n);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await api("/groups?cursor=bm9wZQ")).status).toBe(400);
  });
});

describe("joining and leaving", () => {
  it("joins a public group at once, idempotently", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    const group = await createGroup(ana, { name: "Open Practica" });
    const first = await join(bea, group.slug);
    expect(first.status).toBe(201);
    expect(await first.json<Membership>()).toEqual({ role: "member", status: "active" });
    expect((await join(bea, group.slug)).status).toBe(200);
    expect((await getGroup(group.slug)).memberCount).toBe(2);
    expect((await leave(bea, group.slug)).status).toBe(204);
    expect((await leave(bea, group.slug)).status).toBe(204);
    expect((await getGroup(group.slug)).memberCount).toBe(1);
  });

  it("asks to join a private group, telling its admins and moderators once", async () => {
    const [ana, mod, bea] = await Promise.all([dancer(), dancer(), dancer()]);
    const group = await createGroup(ana, { name: "Secret Milonga", visibility: "private" });
    await join(mod, group.slug);
    await approve(ana, group.slug, mod);
    await setRole(ana, group.slug, mod, "moderator");
    const asked = await join(bea, group.slug);
    expect(asked.status).toBe(201);
    expect(await asked.json<Membership>()).toEqual({ role: "member", status: "pending" });
    await join(bea, group.slug);
    // Ana was also told when the moderator asked, before becoming one.
    expect((await notificationsOf(ana, "group_join_request")).filter((row) => row.actorId === bea.user.id)).toEqual([{ actorId: bea.user.id, subjectId: group.id }]);
    expect(await notificationsOf(mod, "group_join_request")).toEqual([{ actorId: bea.user.id, subjectId: group.id }]);
    expect((await getGroup(group.slug)).memberCount).toBe(2);
  });

  it("keeps one request and tells the admin once when a member asks 10 times at once", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    const group = await createGroup(ana, { name: "Racing Requests", visibility: "private" });
    const statuses = (await Promise.all(Array.from({ length: 10 }, () => join(bea, group.slug)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM group_members WHERE group_id = ? AND user_id = ?").bind(group.id, bea.user.id).first<{ n: number }>();
    expect(rows!.n).toBe(1);
    expect(await notificationsOf(ana, "group_join_request")).toHaveLength(1);
  });

  it("counts every member when 15 join a public group at once", async () => {
    const ana = await dancer();
    const group = await createGroup(ana, { name: "Racing Joins" });
    const joiners: Member[] = [];
    for (let i = 0; i < 15; i++) joiners.push(await dancer());
    expect((await Promise.all(joiners.map((j) => join(j, group.slug)))).every((r) => r.status === 201)).toBe(true);
    expect((await getGroup(group.slug)).memberCount).toBe(16);
  });

  it("answers 404, never a 500, to joins racing the group's deletion", async () => {
    const [ana, ...joiners] = await Promise.all([dancer(), dancer(), dancer(), dancer()]);
    for (let round = 0; round < 3; round++) {
      const group = await createGroup(ana, { name: `Vanishing ${round}` });
      const [deleted, ...joined] = await Promise.all([api(`/groups/${group.slug}`, { method: "DELETE", token: ana.accessToken }), ...joiners.map((j) => join(j, group.slug))]);
      expect(deleted.status).toBe(204);
      for (const res of joined) expect([201, 404]).toContain(res.status);
    }
  });

  it("keeps the only admin from leaving while others remain (409), until someone else is admin", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    const group = await createGroup(ana, { name: "Admin Leaves" });
    await join(bea, group.slug);
    const refused = await leave(ana, group.slug);
    expect(refused.status).toBe(409);
    expect((await refused.json<Problem>()).detail).toMatch(/only admin/);
    expect((await setRole(ana, group.slug, bea, "admin")).status).toBe(200);
    expect((await leave(ana, group.slug)).status).toBe(204);
  });

  it("lets the only member, its admin, leave", async () => {
    const ana = await dancer();
    const group = await createGroup(ana, { name: "Lonely Admin" });
    expect((await leave(ana, group.slug)).status).toBe(204);
  });
});

describe("join requests", () => {
  it("are approved by an admin, notifying the member, who then counts", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    const group = await createGroup(ana, { name: "Approve Me", visibility: "private" });
    await join(bea, group.slug);
    const pending = await (await members(group.slug, ana, "pending")).json<GroupMemberPage>();
    expect(pending.data.map((m) => [m.handle, m.status])).toEqual([[bea.user.handle, "pending"]]);
    const res = await approve(ana, group.slug, bea);
    expect(res.status).toBe(200);
    expect(await res.json<GroupMemberDto>()).toMatchObject({ handle: bea.user.handle, status: "active", role: "member" });
    expect(await notificationsOf(bea, "group_join_approved")).toEqual([{ actorId: ana.user.id, subjectId: group.id }]);
    expect((await approve(ana, group.slug, bea)).status).toBe(409);
    expect((await getGroup(group.slug, bea)).membership).toEqual({ role: "member", status: "active" });
  });

  it("are rejected by a moderator, and the member may ask again", async () => {
    const [ana, mod, bea] = await Promise.all([dancer(), dancer(), dancer()]);
    const group = await createGroup(ana, { name: "Reject Me", visibility: "private" });
    await join(mod, group.slug);
    await approve(ana, group.slug, mod);
    await setRole(ana, group.slug, mod, "moderator");
    await join(bea, group.slug);
    expect((await reject(mod, group.slug, bea)).status).toBe(204);
    expect((await getGroup(group.slug, bea)).membership).toBeNull();
    expect((await join(bea, group.slug)).status).toBe(201);
    // Asking again is a new request: the admins hear about it again.
    expect((await notificationsOf(ana, "group_join_request")).filter((row) => row.actorId === bea.user.id)).toHaveLength(2);
  });

  it("can't be approved or rejected by plain members, pending members or outsiders", async () => {
    const [ana, plain, bea, outsider] = await Promise.all([dancer(), dancer(), dancer(), dancer()]);
    const group = await createGroup(ana, { name: "Hostile Approvals", visibility: "private" });
    await join(plain, group.slug);
    await approve(ana, group.slug, plain);
    await join(bea, group.slug);
    for (const who of [plain, bea, outsider]) {
      expect((await approve(who, group.slug, bea)).status).toBe(403);
      expect((await reject(who, group.slug, bea)).status).toBe(403);
      expect((await members(group.slug, who, "pending")).status).toBe(403);
    }
    expect((await approve(bea, group.slug, bea)).status).toBe(403);
    expect((await api(`/groups/${group.slug}/members/${bea.user.handle}/approve`, { method: "POST" })).status).toBe(401);
    expect((await getGroup(group.slug, bea)).membership?.status).toBe("pending");
  });

  it("leave a pending member outside: isActiveGroupMember is false until approval", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    const group = await createGroup(ana, { name: "Pending Outside", visibility: "private" });
    await join(bea, group.slug);
    const ctx = serviceCtx();
    expect(await isActiveGroupMember(ctx, group.id, bea.user.id)).toBe(false);
    expect(await isActiveGroupMember(ctx, group.id, ana.user.id)).toBe(true);
    expect((await members(group.slug, bea)).status).toBe(403);
    await approve(ana, group.slug, bea);
    expect(await isActiveGroupMember(ctx, group.id, bea.user.id)).toBe(true);
  });
});

describe("group posts through the groups' membership", () => {
  it("are hidden from pending members and outsiders, and readable once approved", async () => {
    const [ana, bea, outsider] = await Promise.all([dancer(), dancer(), dancer()]);
    const group = await createGroup(ana, { name: "Members Only Posts", visibility: "private" });
    const created = await api("/posts", { method: "POST", token: ana.accessToken, json: { body: "Secret practica on Friday", visibility: "group", groupId: group.id } });
    expect(created.status).toBe(201);
    const { id } = await created.json<{ id: string }>();
    await join(bea, group.slug);
    expect((await api(`/posts/${id}`, { token: bea.accessToken })).status).toBe(404);
    expect((await api(`/posts/${id}`, { token: outsider.accessToken })).status).toBe(404);
    expect((await api(`/posts/${id}`)).status).toBe(404);
    const pendingPost = await api("/posts", { method: "POST", token: bea.accessToken, json: { body: "Let me in", visibility: "group", groupId: group.id } });
    expect(pendingPost.status).toBe(403);
    await approve(ana, group.slug, bea);
    expect((await api(`/posts/${id}`, { token: bea.accessToken })).status).toBe(200);
    await leave(bea, group.slug);
    expect((await api(`/posts/${id}`, { token: bea.accessToken })).status).toBe(404);
  });
});

describe("member lists", () => {
  it("of a private group are for its members only", async () => {
    const [ana, bea, outsider] = await Promise.all([dancer(), dancer(), dancer()]);
    const group = await createGroup(ana, { name: "Private Roster", visibility: "private" });
    await join(bea, group.slug);
    await approve(ana, group.slug, bea);
    expect((await members(group.slug)).status).toBe(403);
    expect((await members(group.slug, outsider)).status).toBe(403);
    const roster = await (await members(group.slug, bea)).json<GroupMemberPage>();
    expect(roster.data.map((m) => m.handle).sort()).toEqual([ana.user.handle, bea.user.handle].sort());
  });

  it("of a public group are for anyone, without members blocked either way with the viewer", async () => {
    const [ana, bea, cara] = await Promise.all([dancer(), dancer(), dancer()]);
    const group = await createGroup(ana, { name: "Public Roster" });
    await join(bea, group.slug);
    await join(cara, group.slug);
    expect((await (await members(group.slug)).json<GroupMemberPage>()).data).toHaveLength(3);
    await api(`/users/${bea.user.handle}/block`, { method: "POST", token: cara.accessToken });
    const seenByBea = await (await members(group.slug, bea)).json<GroupMemberPage>();
    expect(seenByBea.data.map((m) => m.handle)).not.toContain(cara.user.handle);
    expect((await members(group.slug, ana, "maybe")).status).toBe(400);
  });
});

describe("moderating across a block", () => {
  it("admins see, approve and remove members who blocked them", async () => {
    const [ana, bea, cara] = await Promise.all([dancer(), dancer(), dancer()]);
    const group = await createGroup(ana, { name: "Blocked Roster", visibility: "private" });
    await join(bea, group.slug);
    await join(cara, group.slug);
    await api(`/users/${ana.user.handle}/block`, { method: "POST", token: bea.accessToken });
    await api(`/users/${ana.user.handle}/block`, { method: "POST", token: cara.accessToken });
    const pending = await (await members(group.slug, ana, "pending")).json<GroupMemberPage>();
    expect(pending.data.map((m) => m.handle).sort()).toEqual([bea.user.handle, cara.user.handle].sort());
    expect((await approve(ana, group.slug, bea)).status).toBe(200);
    expect((await reject(ana, group.slug, cara)).status).toBeLessThan(300);
    const roster = await (await members(group.slug, ana)).json<GroupMemberPage>();
    expect(roster.data.map((m) => m.handle)).toContain(bea.user.handle);
    expect((await remove(ana, group.slug, bea)).status).toBeLessThan(300);
    expect(await isActiveGroupMember(serviceCtx(), group.id, bea.user.id)).toBe(false);
  });
});

describe("roles and removal", () => {
  it("only admins change roles; the last admin can't be demoted", async () => {
    const [ana, bea, cara] = await Promise.all([dancer(), dancer(), dancer()]);
    const group = await createGroup(ana, { name: "Role Play" });
    await join(bea, group.slug);
    await join(cara, group.slug);
    expect((await setRole(bea, group.slug, cara, "admin")).status).toBe(403);
    expect((await setRole(ana, group.slug, bea, "moderator")).status).toBe(200);
    expect((await setRole(bea, group.slug, cara, "moderator")).status).toBe(403);
    expect((await setRole(ana, group.slug, ana, "member")).status).toBe(409);
    const bad = await setRole(ana, group.slug, bea, "owner");
    expect(bad.status).toBe(400);
    expect((await bad.json<Problem>()).errors?.[0]?.path).toBe("role");
    const outsider = await dancer();
    expect((await setRole(ana, group.slug, outsider, "member")).status).toBe(404);
  });

  it("admins remove anyone; moderators only plain members", async () => {
    const [ana, mod, bea, cara] = await Promise.all([dancer(), dancer(), dancer(), dancer()]);
    const group = await createGroup(ana, { name: "Removals" });
    for (const who of [mod, bea, cara]) await join(who, group.slug);
    await setRole(ana, group.slug, mod, "moderator");
    expect((await remove(bea, group.slug, cara)).status).toBe(403);
    expect((await remove(mod, group.slug, ana)).status).toBe(403);
    expect((await remove(mod, group.slug, bea)).status).toBe(204);
    expect((await remove(ana, group.slug, mod)).status).toBe(204);
    expect((await remove(ana, group.slug, ana)).status).toBe(400);
    expect((await getGroup(group.slug)).memberCount).toBe(2);
  });

  it("only admins edit or delete a group", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    const group = await createGroup(ana, { name: "Editable" });
    await join(bea, group.slug);
    expect((await api(`/groups/${group.slug}`, { method: "PATCH", token: bea.accessToken, json: { name: "Hijacked" } })).status).toBe(403);
    const edited = await api(`/groups/${group.slug}`, { method: "PATCH", token: ana.accessToken, json: { description: "New words", visibility: "private" } });
    expect(edited.status).toBe(200);
    expect(await edited.json<GroupDto>()).toMatchObject({ slug: group.slug, description: "New words", visibility: "private" });
    expect((await api(`/groups/${group.slug}`, { method: "DELETE", token: bea.accessToken })).status).toBe(403);
    expect((await api(`/groups/${group.slug}`, { method: "DELETE", token: ana.accessToken })).status).toBe(204);
    expect((await api(`/groups/${group.slug}`)).status).toBe(404);
  });
});

describe("city communities", () => {
  it("exist for every seeded city, public and owned by nobody", async () => {
    const orphans = await env.DB.prepare("SELECT count(*) AS n FROM cities WHERE NOT EXISTS (SELECT 1 FROM groups WHERE kind = 'city' AND city_id = cities.id)").first<{ n: number }>();
    expect(orphans!.n).toBe(0);
    const community = await getGroup("buenos-aires");
    expect(community).toMatchObject({ kind: "city", visibility: "public", city: { slug: "buenos-aires" } });
    const owner = await env.DB.prepare("SELECT created_by FROM groups WHERE slug = 'buenos-aires'").first<{ created_by: string | null }>();
    expect(owner!.created_by).toBeNull();
  });

  it("are created for a new city, once, by ensureCityCommunity", async () => {
    const cityId = crypto.randomUUID();
    await env.DB.prepare(
      "INSERT INTO cities (id, slug, name, country, country_code, continent, time_zone, latitude, longitude) VALUES (?, 'rosario-test', 'Rosario', 'Argentina', 'AR', 'South America', 'America/Argentina/Buenos_Aires', -32.9, -60.6)",
    )
      .bind(cityId)
      .run();
    const ctx = serviceCtx();
    const [a, b] = await Promise.all([ensureCityCommunity(ctx, cityId), ensureCityCommunity(ctx, cityId)]);
    expect(a.id).toBe(b.id);
    expect(await getGroupBySlug(ctx, "rosario-test")).toMatchObject({ kind: "city", name: "Rosario tango community", createdBy: null });
    await expect(getGroupBySlug(ctx, "no-such-group")).rejects.toMatchObject({ status: 404 });
  });

  it("can't be deleted, made private, or edited by their members", async () => {
    const ana = await dancer();
    await join(ana, "montevideo");
    expect((await api("/groups/montevideo", { method: "DELETE", token: ana.accessToken })).status).toBe(403);
    expect((await api("/groups/montevideo", { method: "PATCH", token: ana.accessToken, json: { visibility: "private" } })).status).toBe(403);
  });

  it("are joined automatically when a member sets their home city, idempotently", async () => {
    const ana = await dancer();
    for (let i = 0; i < 2; i++) expect((await api("/me", { method: "PATCH", token: ana.accessToken, json: { homeCity: "buenos-aires" } })).status).toBe(200);
    expect((await getGroup("buenos-aires", ana)).membership).toEqual({ role: "member", status: "active" });
    const my = await (await api("/groups?mine=true", { token: ana.accessToken })).json<GroupPage>();
    expect(my.data.map((g) => g.slug)).toEqual(["buenos-aires"]);
  });
});
