import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { GroupDto } from "../worker/schemas/groups";
import { api, member } from "./accounts";
import { verifiedMember } from "./event-factory";
import { page, signIn, submit } from "./pages";
import { seedWorld } from "./world";

beforeAll(seedWorld);

type Member = Awaited<ReturnType<typeof member>>;
let n = 0;
const handle = () => `sp_${Date.now().toString(36)}_${++n}`;
const dancer = (displayName = "Page Dancer") => verifiedMember({ displayName, handle: handle() });
/** React separates adjacent text with comments in server HTML; read the text without them. */
const text = async (res: Response) => (await res.text()).replace(/<!-- -->/g, "");
const followersOf = async (who: Member) => (await env.DB.prepare("SELECT count(*) AS n FROM follows WHERE followee_id = ?").bind(who.user.id).first<{ n: number }>())!.n;

describe("profile page", () => {
  it("shows visitors the counts, links to the lists, and a Sign in to follow link", async () => {
    const [ana, bea] = await Promise.all([dancer("Ana Visitante"), dancer()]);
    await api(`/users/${ana.user.handle}/follow`, { method: "POST", token: bea.accessToken });
    const html = await text(await page(`/people/${ana.user.handle}`));
    expect(html).toContain(`href="/people/${ana.user.handle}/followers"`);
    expect(html).toMatch(/<strong[^>]*>1<\/strong> follower</);
    expect(html).toMatch(/<strong[^>]*>0<\/strong> following/);
    expect(html).toContain(`href="/login?redirectTo=%2Fpeople%2F${ana.user.handle}"`);
    expect(html).toContain("Sign in to follow");
    expect(html).not.toContain('name="intent" value="follow"');
  });

  it("follows and unfollows with plain forms, without JavaScript", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    const cookie = await signIn(bea);
    const before = await text(await page(`/people/${ana.user.handle}`, cookie));
    expect(before).toContain('name="intent" value="follow"');
    const followed = await submit(`/people/${ana.user.handle}`, { intent: "follow" }, { cookie });
    expect(followed.status).toBe(302);
    expect(followed.headers.get("location")).toBe(`/people/${ana.user.handle}`);
    expect(await followersOf(ana)).toBe(1);
    const after = await text(await page(`/people/${ana.user.handle}`, cookie));
    expect(after).toContain('name="intent" value="unfollow"');
    expect(after).toContain('aria-pressed="true"');
    await submit(`/people/${ana.user.handle}`, { intent: "unfollow" }, { cookie });
    expect(await followersOf(ana)).toBe(0);
  });

  it("sends visitors who post a follow form to sign in", async () => {
    const ana = await dancer();
    const res = await submit(`/people/${ana.user.handle}`, { intent: "follow" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(`/people/${ana.user.handle}`)}`);
  });

  it("refuses a follow form from another site", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    const cookie = await signIn(bea);
    const res = await submit(`/people/${ana.user.handle}`, { intent: "follow" }, { cookie, origin: "https://evil.example" });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await followersOf(ana)).toBe(0);
  });

  it("blocks after a confirmation step, then offers to unblock instead of following", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    await api(`/users/${bea.user.handle}/follow`, { method: "POST", token: ana.accessToken });
    const cookie = await signIn(bea);
    const menu = await text(await page(`/people/${ana.user.handle}`, cookie));
    expect(menu).toContain(`href="/people/${ana.user.handle}?confirm=block"`);
    expect(menu).toContain("Follows you");
    const confirm = await text(await page(`/people/${ana.user.handle}?confirm=block`, cookie));
    expect(confirm).toContain(`Block @${ana.user.handle}?`);
    expect(confirm).toContain('name="intent" value="block"');
    const blocked = await submit(`/people/${ana.user.handle}`, { intent: "block" }, { cookie });
    expect(blocked.headers.get("location")).toBe(`/people/${ana.user.handle}?done=blocked`);
    expect(await followersOf(bea)).toBe(0);
    const after = await text(await page(`/people/${ana.user.handle}?done=blocked`, cookie));
    expect(after).toContain("Blocked. Neither of you");
    expect(after).toContain('name="intent" value="unblock"');
    expect(after).not.toContain('name="intent" value="follow"');
  });

  it("tells a blocked member they can't follow, rather than failing", async () => {
    const [ana, bea] = await Promise.all([dancer(), dancer()]);
    await api(`/users/${bea.user.handle}/block`, { method: "POST", token: ana.accessToken });
    const cookie = await signIn(bea);
    const res = await submit(`/people/${ana.user.handle}`, { intent: "follow" }, { cookie });
    expect(res.status).toBe(403);
    expect(await text(res)).toContain("You can&#x27;t follow or interact with this member.");
    expect(await followersOf(ana)).toBe(0);
  });

  it("mutes after confirmation, and lists blocks and mutes on your own profile to undo them", async () => {
    const [me, noisy, rude] = await Promise.all([dancer(), dancer("Noisy Neighbour"), dancer("Rude Dancer")]);
    const cookie = await signIn(me);
    expect(await text(await page(`/people/${noisy.user.handle}?confirm=mute`, cookie))).toContain(`Mute @${noisy.user.handle}?`);
    await submit(`/people/${noisy.user.handle}`, { intent: "mute" }, { cookie });
    await submit(`/people/${rude.user.handle}`, { intent: "block" }, { cookie });
    const own = await text(await page(`/people/${me.user.handle}`, cookie));
    expect(own).toContain("Blocked and muted members");
    expect(own).toContain("Noisy Neighbour");
    expect(own).toContain("Rude Dancer");
    const undone = await submit(`/people/${me.user.handle}`, { intent: "unblock", target: rude.user.handle }, { cookie });
    expect(undone.headers.get("location")).toBe(`/people/${me.user.handle}?done=unblocked`);
    const blocks = await env.DB.prepare("SELECT count(*) AS n FROM blocks WHERE blocker_id = ?").bind(me.user.id).first<{ n: number }>();
    expect(blocks!.n).toBe(0);
    // Nobody else sees these lists.
    expect(await text(await page(`/people/${me.user.handle}`))).not.toContain("Blocked and muted members");
  });

  it("lists followers and following, escaping names", async () => {
    const [star, fan] = await Promise.all([dancer("Estrella"), dancer(`<img src=x onerror=alert(1)>`)]);
    await api(`/users/${star.user.handle}/follow`, { method: "POST", token: fan.accessToken });
    const followers = await text(await page(`/people/${star.user.handle}/followers`));
    expect(followers).toContain(`href="/people/${fan.user.handle}"`);
    expect(followers).not.toContain("<img src=x onerror");
    expect(followers).toContain("&lt;img src=x onerror=alert(1)&gt;");
    const following = await text(await page(`/people/${fan.user.handle}/following`));
    expect(following).toContain(`href="/people/${star.user.handle}"`);
    expect(await text(await page(`/people/${star.user.handle}/following`))).toContain("Not following anyone yet.");
    expect((await page("/people/nobody_here_at_all/followers")).status).toBe(404);
    expect((await page(`/people/${star.user.handle}/followers?cursor=%%%`)).status).toBe(200);
  });
});

describe("groups pages", () => {
  it("show visitors the groups and a sign-in link instead of the form", async () => {
    const html = await text(await page("/groups"));
    expect(html).toContain("All groups");
    expect(html).toContain("Buenos Aires tango community");
    expect(html).toContain("to create a group");
    expect(html).not.toContain('name="name"');
  });

  it("put my city's community first and say when my city has no other groups", async () => {
    // A new city: no interest groups yet, and its community comes into being when a member moves there.
    await env.DB.prepare(
      "INSERT INTO cities (id, slug, name, country, country_code, continent, time_zone, latitude, longitude) VALUES (?, 'cordoba-ar', 'Córdoba', 'Argentina', 'AR', 'South America', 'America/Argentina/Cordoba', -31.4, -64.2)",
    )
      .bind(crypto.randomUUID())
      .run();
    const ana = await dancer();
    expect((await api("/me", { method: "PATCH", token: ana.accessToken, json: { homeCity: "cordoba-ar" } })).status).toBe(200);
    const cookie = await signIn(ana);
    const html = await text(await page("/groups", cookie));
    expect(html).toContain("My groups");
    expect(html).toContain("In Córdoba");
    expect(html).toContain("No groups in your city yet — ");
    expect(html).toContain('href="/groups/cordoba-ar"');
    expect(html).toContain("Córdoba tango community");
  });

  it("create a group with the form and open its page", async () => {
    const ana = await dancer();
    const cookie = await signIn(ana);
    const res = await submit("/groups", { name: "Práctica Nocturna", description: "Late <b>practica</b>", visibility: "private", city: "berlin" }, { cookie });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/groups/practica-nocturna");
    const html = await text(await page("/groups/practica-nocturna", cookie));
    expect(html).toContain("Práctica Nocturna");
    expect(html).toContain("Late &lt;b&gt;practica&lt;/b&gt;");
    expect(html).toContain("Private group");
    expect(html).toContain("Requests to join");
  });

  it("show what is wrong with the create form, keeping what was typed", async () => {
    const ana = await dancer();
    const cookie = await signIn(ana);
    const res = await submit("/groups", { name: "ab", description: "kept words", visibility: "public", city: "" }, { cookie });
    expect(res.status).toBe(400);
    const html = await text(res);
    expect(html).toContain("name must be at least 3 characters");
    expect(html).toContain("kept words");
  });

  it("let a member ask to join a private group and an admin approve, without JavaScript", async () => {
    const [admin, bea] = await Promise.all([dancer(), dancer("Bea Pendiente")]);
    const group = await (await api("/groups", { method: "POST", token: admin.accessToken, json: { name: `Closed Circle ${n}`, visibility: "private" } })).json<GroupDto>();
    const beaCookie = await signIn(bea);
    const outside = await text(await page(`/groups/${group.slug}`, beaCookie));
    expect(outside).toContain("Ask to join");
    expect(outside).toContain("Only members of this private group can see who belongs to it.");
    expect(outside).not.toContain(admin.user.handle);
    const asked = await submit(`/groups/${group.slug}`, { intent: "join" }, { cookie: beaCookie });
    expect(asked.headers.get("location")).toBe(`/groups/${group.slug}?done=requested`);
    const waiting = await text(await page(`/groups/${group.slug}?done=requested`, beaCookie));
    expect(waiting).toContain("Your request is waiting for approval");
    expect(waiting).toContain("Withdraw request");
    // A pending member can't approve themselves through the page either.
    const selfApprove = await submit(`/groups/${group.slug}`, { intent: "approve", handle: bea.user.handle }, { cookie: beaCookie });
    expect(selfApprove.status).toBe(403);

    const adminCookie = await signIn(admin);
    const adminView = await text(await page(`/groups/${group.slug}`, adminCookie));
    expect(adminView).toContain("Bea Pendiente");
    expect(adminView).toContain('name="intent" value="approve"');
    const approved = await submit(`/groups/${group.slug}`, { intent: "approve", handle: bea.user.handle }, { cookie: adminCookie });
    expect(approved.headers.get("location")).toBe(`/groups/${group.slug}?done=approved`);
    const inside = await text(await page(`/groups/${group.slug}`, beaCookie));
    expect(inside).toContain("Leave group");
    expect(inside).toContain(`href="/people/${admin.user.handle}"`);
  });

  it("let admins change roles and remove members from the page", async () => {
    const [admin, bea] = await Promise.all([dancer(), dancer()]);
    const group = await (await api("/groups", { method: "POST", token: admin.accessToken, json: { name: `Open Circle ${n}` } })).json<GroupDto>();
    await api(`/groups/${group.slug}/members`, { method: "POST", token: bea.accessToken });
    const cookie = await signIn(admin);
    expect(await text(await page(`/groups/${group.slug}`, cookie))).toContain(`Role of @${bea.user.handle}`);
    const changed = await submit(`/groups/${group.slug}`, { intent: "role", handle: bea.user.handle, role: "moderator" }, { cookie });
    expect(changed.headers.get("location")).toBe(`/groups/${group.slug}?done=role`);
    const role = await env.DB.prepare("SELECT role FROM group_members WHERE group_id = ? AND user_id = ?").bind(group.id, bea.user.id).first<{ role: string }>();
    expect(role!.role).toBe("moderator");
    const bad = await submit(`/groups/${group.slug}`, { intent: "role", handle: bea.user.handle, role: "owner" }, { cookie });
    expect(bad.status).toBe(400);
    await submit(`/groups/${group.slug}`, { intent: "remove", handle: bea.user.handle }, { cookie });
    expect((await api(`/groups/${group.slug}`)).ok && (await (await api(`/groups/${group.slug}`)).json<GroupDto>()).memberCount).toBe(1);
    const edited = await submit(`/groups/${group.slug}`, { intent: "edit", name: "Renamed Circle", description: "New <i>words</i>", visibility: "private" }, { cookie });
    expect(edited.headers.get("location")).toBe(`/groups/${group.slug}?done=edited`);
    const renamed = await text(await page(`/groups/${group.slug}`, cookie));
    expect(renamed).toContain("Renamed Circle");
    expect(renamed).toContain("New &lt;i&gt;words&lt;/i&gt;");
    expect((await submit(`/groups/${group.slug}`, { intent: "edit", name: "x" }, { cookie })).status).toBe(400);
    const beaCookie = await signIn(bea);
    expect(await text(await page(`/groups/${group.slug}`, beaCookie))).not.toContain("Edit group details");
    expect((await submit(`/groups/${group.slug}`, { intent: "edit", name: "Hijacked by Bea" }, { cookie: beaCookie })).status).toBe(403);
    const onlyAdminLeaves = await submit(`/groups/${group.slug}`, { intent: "leave" }, { cookie });
    expect(onlyAdminLeaves.status).toBe(302);
  });

  it("answer 404 for unknown groups and send visitors' forms to sign in", async () => {
    expect((await page("/groups/no-such-group-at-all")).status).toBe(404);
    expect((await page("/groups/Bad_Slug")).status).toBe(404);
    const res = await submit("/groups/buenos-aires", { intent: "join" });
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2Fgroups%2Fbuenos-aires");
  });
});
