import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createDb } from "../db/client";
import type { Role } from "../db/schema/users";
import { Forbidden } from "../worker/errors";
import type { MeDto } from "../worker/schemas/auth";
import { setRoles } from "../worker/services/admin";
import { api, member } from "./accounts";

/** A member who also holds `roles`, granted straight in the database as admin:create does. */
async function staff(...roles: Role[]) {
  const account = await member();
  for (const role of roles) {
    await env.DB.prepare("INSERT INTO user_roles (user_id, role, granted_at) VALUES (?, ?, ?)").bind(account.user.id, role, new Date().toISOString()).run();
  }
  return account;
}

const setRolesOf = (token: string | undefined, userId: string, roles: unknown) => api(`/admin/users/${userId}`, { method: "PATCH", token, json: { roles } });

describe("PATCH /admin/users/:id", () => {
  it("lets an admin make a member an organizer and a moderator", async () => {
    const admin = await staff("admin");
    const dancer = await member();
    const res = await setRolesOf(admin.accessToken, dancer.user.id, ["organizer", "moderator"]);
    expect(res.status).toBe(200);
    expect((await res.json<{ roles: Role[] }>()).roles.sort()).toEqual(["member", "moderator", "organizer"]);
    expect((await (await api("/me", { token: dancer.accessToken })).json<MeDto>()).roles.sort()).toEqual(["member", "moderator", "organizer"]);
  });

  it("lets an admin take a role away again", async () => {
    const admin = await staff("admin");
    const dancer = await staff("organizer");
    const res = await setRolesOf(admin.accessToken, dancer.user.id, []);
    expect((await res.json<{ roles: Role[] }>()).roles).toEqual(["member"]);
  });

  it("refuses a member", async () => {
    const dancer = await member();
    const other = await member();
    expect((await setRolesOf(dancer.accessToken, other.user.id, ["organizer"])).status).toBe(403);
    expect((await setRolesOf(dancer.accessToken, dancer.user.id, ["admin"])).status).toBe(403);
  });

  it("refuses a moderator or an organizer", async () => {
    const moderator = await staff("moderator", "organizer");
    const other = await member();
    expect((await setRolesOf(moderator.accessToken, other.user.id, ["organizer"])).status).toBe(403);
  });

  it("refuses a visitor", async () => {
    const other = await member();
    expect((await setRolesOf(undefined, other.user.id, ["organizer"])).status).toBe(401);
  });

  it("keeps admin and founder for founders to give", async () => {
    const admin = await staff("admin");
    const founder = await staff("founder");
    const dancer = await member();
    expect((await setRolesOf(admin.accessToken, dancer.user.id, ["admin"])).status).toBe(403);
    expect((await setRolesOf(founder.accessToken, dancer.user.id, ["admin"])).status).toBe(200);
  });

  it("does not let a founder demote themselves", async () => {
    const founder = await staff("founder", "admin");
    expect((await setRolesOf(founder.accessToken, founder.user.id, ["admin"])).status).toBe(403);
  });

  it("answers 404 for an unknown member and 400 for an unknown role", async () => {
    const admin = await staff("admin");
    const dancer = await member();
    expect((await setRolesOf(admin.accessToken, "no-such-id", ["organizer"])).status).toBe(404);
    const bad = await setRolesOf(admin.accessToken, dancer.user.id, ["superuser"]);
    expect(bad.status).toBe(400);
  });

  it("is enforced in the service, not only in the route", async () => {
    const dancer = await member();
    const ctx = {
      db: createDb(env.DB),
      env,
      requestId: "test",
      user: { id: dancer.user.id, handle: dancer.user.handle, displayName: "x", roles: ["member" as Role], emailVerified: true, sessionId: "s" },
    };
    await expect(setRoles(ctx, dancer.user.id, ["admin"])).rejects.toBeInstanceOf(Forbidden);
  });
});
