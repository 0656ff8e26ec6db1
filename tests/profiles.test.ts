import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { MeDto, PublicProfile } from "../worker/schemas/auth";
import { api, member } from "./accounts";
import { seedWorld } from "./world";

beforeAll(seedWorld);

type Problem = { status: number; errors?: { path: string; message: string }[] };
const patchMe = (token: string, json: unknown) => api("/me", { method: "PATCH", token, json });

describe("editing your profile", () => {
  it("changes only the fields given and shows them on GET /me", async () => {
    const { accessToken } = await member();
    const res = await patchMe(accessToken, {
      bio: "Milonguera since 2009.",
      homeCity: "montevideo",
      tangoRole: "follower",
      yearsDancing: 15,
      languages: ["es", "en", "es"],
      website: "https://example.org/ana",
      socialLinks: { instagram: "https://instagram.com/ana" },
      language: "es",
    });
    expect(res.status).toBe(200);
    const me = await (await api("/me", { token: accessToken })).json<MeDto>();
    expect(me).toMatchObject({
      displayName: "Ana Gómez",
      bio: "Milonguera since 2009.",
      homeCity: { slug: "montevideo", name: "Montevideo" },
      tangoRole: "follower",
      yearsDancing: 15,
      languages: ["es", "en"],
      website: "https://example.org/ana",
      socialLinks: { instagram: "https://instagram.com/ana" },
      language: "es",
    });
  });

  it("clears a field with null", async () => {
    const { accessToken } = await member();
    await patchMe(accessToken, { website: "https://example.org", tangoRole: "leader" });
    const me = await (await patchMe(accessToken, { website: null, tangoRole: null })).json<MeDto>();
    expect(me.website).toBeNull();
    expect(me.tangoRole).toBeNull();
  });

  const hostile: [string, unknown][] = [
    ["an unknown field", { isAdmin: true }],
    ["roles (not yours to change)", { roles: ["admin"] }],
    ["a javascript: website", { website: "javascript:alert(1)" }],
    ["an http website", { website: "http://example.org" }],
    ["an unknown social network", { socialLinks: { myspace: "https://myspace.com/x" } }],
    ["an unknown city", { homeCity: "atlantis" }],
    ["a tango role that is not one", { tangoRole: "dj" }],
    ["negative years", { yearsDancing: -1 }],
    ["a huge bio", { bio: "x".repeat(2001) }],
    ["an empty name", { displayName: "   " }],
    ["a name with control characters", { displayName: "Ana\u0000Gómez" }],
    ["a name with a bidi override", { displayName: "Ana\u202Ezemóg" }],
    ["a language that is not a tag", { languages: ["<script>"] }],
  ];
  for (const [name, body] of hostile) {
    it(`refuses ${name}, changing nothing`, async () => {
      const { accessToken } = await member();
      const before = await (await api("/me", { token: accessToken })).json<MeDto>();
      const res = await patchMe(accessToken, body);
      expect(res.status).toBe(400);
      expect((await res.json<Problem>()).errors?.length).toBeGreaterThan(0);
      expect(await (await api("/me", { token: accessToken })).json<MeDto>()).toEqual(before);
    });
  }

  it("needs you to be signed in", async () => {
    expect((await api("/me", { method: "PATCH", json: { bio: "x" } })).status).toBe(401);
  });
});

describe("public profiles", () => {
  it("show what a member chose to share, never the email", async () => {
    const account = await member();
    await patchMe(account.accessToken, { bio: "Leader from Berlin", tangoRole: "leader", homeCity: "berlin" });
    const res = await api(`/users/${account.user.handle}`);
    expect(res.status).toBe(200);
    const profile = await res.json<PublicProfile>();
    expect(profile).toMatchObject({ handle: account.user.handle, bio: "Leader from Berlin", tangoRole: "leader", homeCity: { slug: "berlin" } });
    expect(JSON.stringify(profile)).not.toContain(account.email);
  });

  it("answer 404 for an unknown handle and 400 for one that cannot exist", async () => {
    expect((await api("/users/nobody_here_123")).status).toBe(404);
    expect((await api("/users/%3Cscript%3E")).status).toBe(400);
  });

  it("render as a page with every member-written field escaped", async () => {
    const payload = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;
    const account = await member({ displayName: payload });
    await patchMe(account.accessToken, { bio: payload, socialLinks: { instagram: "https://instagram.com/x?q=\"><script>alert(3)</script>" } });
    const res = await SELF.fetch(`${env.APP_ORIGIN}/people/${account.user.handle}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toMatch(/<script>alert\(\d\)<\/script>/);
    expect(html).not.toContain("<img src=x onerror");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("answer an unknown member's page with a 404 page", async () => {
    const res = await SELF.fetch(`${env.APP_ORIGIN}/people/nobody_here_123`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Page not found");
  });
});

describe("deleting your account", () => {
  const deleteMe = (token: string, password: string) => api("/me", { method: "DELETE", token, json: { password } });

  it("needs the right password and changes nothing otherwise", async () => {
    const account = await member();
    expect((await deleteMe(account.accessToken, "not-my-password")).status).toBe(401);
    expect((await api("/me", { token: account.accessToken })).status).toBe(200);
  });

  it("removes the member and every way in, and keeps their events without naming them", async () => {
    const account = await member();
    const event = await env.DB.prepare("SELECT id FROM events LIMIT 1").first<{ id: string }>();
    await env.DB.prepare("UPDATE events SET organizer_id = ? WHERE id = ?").bind(account.user.id, event!.id).run();

    expect((await deleteMe(account.accessToken, account.password)).status).toBe(204);
    expect((await api("/me", { token: account.accessToken })).status).toBe(401);
    expect((await api("/auth/refresh", { method: "POST", json: { refreshToken: account.refreshToken } })).status).toBe(401);
    expect((await api("/auth/login", { method: "POST", json: { email: account.email, password: account.password } })).status).toBe(401);
    expect((await api(`/users/${account.user.handle}`)).status).toBe(404);
    for (const table of ["users", "user_roles", "sessions"]) {
      const column = table === "users" ? "id" : "user_id";
      expect(await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`).bind(account.user.id).first<{ n: number }>()).toEqual({ n: 0 });
    }
    expect(await env.DB.prepare("SELECT organizer_id FROM events WHERE id = ?").bind(event!.id).first()).toEqual({ organizer_id: null });
  });

  it("lets the same email sign up again afterwards", async () => {
    const account = await member();
    await deleteMe(account.accessToken, account.password);
    expect((await member({ email: account.email })).user.email).toBe(account.email);
  });
});
