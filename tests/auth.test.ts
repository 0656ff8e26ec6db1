import { argon2idAsync } from "@noble/hashes/argon2.js";
import { env } from "cloudflare:test";
import { SignJWT } from "jose";
import { describe, expect, it, vi } from "vitest";
import { signAccessToken } from "../worker/lib/tokens";
import type { AuthResult, MeDto } from "../worker/schemas/auth";
import { api, BASE, GOOD_PASSWORD, member, tokenFromMail, uniqueEmail } from "./accounts";

type Problem = { status: number; detail: string; errors?: { path: string; message: string }[] };

const me = (token: string) => api("/me", { token });

describe("register", () => {
  it("creates a member, signs them in and derives a handle from the name", async () => {
    const res = await api("/auth/register", { method: "POST", json: { email: uniqueEmail(), password: GOOD_PASSWORD, displayName: "Lucía Fernández" } });
    expect(res.status).toBe(201);
    const body = await res.json<AuthResult>();
    expect(body.user).toMatchObject({ displayName: "Lucía Fernández", emailVerified: false, roles: ["member"], handle: expect.stringMatching(/^lucia_fernandez(_\d+)?$/) });
    expect(body.accessToken.split(".")).toHaveLength(3);
    expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.accessTokenExpiresIn).toBeLessThanOrEqual(900);
  });

  it("stores the email lower-cased and refuses the same email in another case", async () => {
    const email = uniqueEmail("Case");
    await member({ email });
    const res = await api("/auth/register", { method: "POST", json: { email: email.toUpperCase(), password: GOOD_PASSWORD, displayName: "Twin" } });
    expect(res.status).toBe(409);
    expect((await res.json<Problem>()).errors).toEqual([expect.objectContaining({ path: "email" })]);
  });

  it("creates exactly one account when the same email signs up five times at once", async () => {
    const email = uniqueEmail("race");
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => api("/auth/register", { method: "POST", json: { email, password: GOOD_PASSWORD, displayName: "Racer" } })),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    const { results } = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?").bind(email).all<{ n: number }>();
    expect(results[0]!.n).toBe(1);
  });

  it("refuses a taken handle, naming the field", async () => {
    const first = await member({ handle: `taken_${Date.now().toString(36)}` });
    const res = await api("/auth/register", { method: "POST", json: { email: uniqueEmail(), password: GOOD_PASSWORD, displayName: "X", handle: first.user.handle } });
    expect(res.status).toBe(409);
    expect((await res.json<Problem>()).errors).toEqual([expect.objectContaining({ path: "handle" })]);
  });

  for (const [name, password] of [
    ["too short", "short1!"],
    ["one of the most common passwords", "1234567890"],
  ] as const) {
    it(`refuses a password that is ${name}, naming the password field`, async () => {
      const res = await api("/auth/register", { method: "POST", json: { email: uniqueEmail(), password, displayName: "Weak" } });
      expect(res.status).toBe(400);
      const body = await res.json<Problem>();
      expect(body.errors?.map((e) => e.path)).toContain("password");
    });
  }

  it("refuses a handle outside a–z, 0–9 and _", async () => {
    const res = await api("/auth/register", { method: "POST", json: { email: uniqueEmail(), password: GOOD_PASSWORD, displayName: "X", handle: "<b>bold</b>" } });
    expect(res.status).toBe(400);
    expect((await res.json<Problem>()).errors?.map((e) => e.path)).toEqual(["handle"]);
  });

  it("keeps HTML in a display name as text", async () => {
    const payload = `<img src=x onerror=alert(1)>`;
    const { user } = await member({ displayName: payload });
    expect(user.displayName).toBe(payload);
  });

  it("treats SQL-looking input as data", async () => {
    const { user } = await member({ displayName: "Robert'); DROP TABLE users;--" });
    expect(user.displayName).toBe("Robert'); DROP TABLE users;--");
    expect(await env.DB.prepare("SELECT count(*) AS n FROM users").first<{ n: number }>()).toMatchObject({ n: expect.any(Number) });
  });
});

describe("email verification", () => {
  const verificationToken = (email: string) => tokenFromMail(email, /Confirm your email/);

  it("mails a link that verifies the address once", async () => {
    const account = await member();
    const token = await verificationToken(account.email);
    expect((await api("/auth/verify-email", { method: "POST", json: { token } })).status).toBe(204);
    expect((await (await me(account.accessToken)).json<MeDto>()).emailVerified).toBe(true);
    const again = await api("/auth/verify-email", { method: "POST", json: { token } });
    expect(again.status).toBe(400);
    expect((await again.json<Problem>()).errors?.map((e) => e.path)).toEqual(["token"]);
  });

  it("refuses a made-up token", async () => {
    const res = await api("/auth/verify-email", { method: "POST", json: { token: "not-a-real-token" } });
    expect(res.status).toBe(400);
  });
});

describe("login", () => {
  it("signs in with the right password", async () => {
    const account = await member();
    const res = await api("/auth/login", { method: "POST", json: { email: account.email.toUpperCase(), password: account.password } });
    expect(res.status).toBe(200);
    expect((await res.json<AuthResult>()).user.id).toBe(account.user.id);
  });

  it("answers a wrong password and an unknown email the same way", async () => {
    const account = await member();
    const wrong = await api("/auth/login", { method: "POST", json: { email: account.email, password: "not-the-password-at-all" } });
    const unknown = await api("/auth/login", { method: "POST", json: { email: uniqueEmail("nobody"), password: "not-the-password-at-all" } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await wrong.json<Problem>(), await unknown.json<Problem>()];
    expect(a.detail).toBe(b.detail);
  });

  describe("with a password hashed under older parameters", () => {
    const CURRENT = "$argon2id$v=19$m=19456,t=2,p=1$";
    const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");
    const storedHash = async (userId: string) => (await env.DB.prepare("SELECT password_hash AS h FROM users WHERE id = ?").bind(userId).first<{ h: string }>())!.h;

    /** A member whose row holds the PHC string an older release (m = 8 MiB, t = 1) would have written. */
    async function memberWithOldHash() {
      const account = await member();
      const salt = crypto.getRandomValues(new Uint8Array(16));
      const hash = await argon2idAsync(account.password, salt, { m: 8192, t: 1, p: 1, dkLen: 32 });
      const oldHash = `$argon2id$v=19$m=8192,t=1,p=1$${base64(salt)}$${base64(hash)}`;
      await env.DB.prepare("UPDATE users SET password_hash = ? WHERE id = ?").bind(oldHash, account.user.id).run();
      return { ...account, oldHash };
    }

    it("stores it again with the current parameters after a successful sign-in", async () => {
      const account = await memberWithOldHash();
      const res = await api("/auth/login", { method: "POST", json: { email: account.email, password: account.password } });
      expect(res.status).toBe(200);
      await vi.waitFor(async () => expect((await storedHash(account.user.id)).startsWith(CURRENT)).toBe(true), { timeout: 10_000, interval: 50 });
      expect((await api("/auth/login", { method: "POST", json: { email: account.email, password: account.password } })).status).toBe(200);
    });

    it("keeps it as it is after a wrong password", async () => {
      const account = await memberWithOldHash();
      expect((await api("/auth/login", { method: "POST", json: { email: account.email, password: "not-the-password-at-all" } })).status).toBe(401);
      expect(await storedHash(account.user.id)).toBe(account.oldHash);
    });
  });
});

describe("refresh tokens", () => {
  const refresh = (refreshToken: string) => api("/auth/refresh", { method: "POST", json: { refreshToken } });

  it("rotates: a refresh token gives a new pair once", async () => {
    const account = await member();
    const res = await refresh(account.refreshToken);
    expect(res.status).toBe(200);
    const next = await res.json<AuthResult>();
    expect(next.refreshToken).not.toBe(account.refreshToken);
    expect((await me(next.accessToken)).status).toBe(200);
  });

  it("revokes the whole sign-in when a used refresh token comes back", async () => {
    const account = await member();
    const next = await (await refresh(account.refreshToken)).json<AuthResult>();
    expect((await refresh(account.refreshToken)).status).toBe(401);
    expect((await refresh(next.refreshToken)).status).toBe(401);
    expect((await me(next.accessToken)).status).toBe(401);
  });

  it("lets at most one of two racing refreshes win", async () => {
    const account = await member();
    const statuses = (await Promise.all([refresh(account.refreshToken), refresh(account.refreshToken)])).map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 401)).toBe(true);
  });

  it("refuses an unknown refresh token", async () => {
    expect((await refresh("x".repeat(43))).status).toBe(401);
  });
});

describe("access tokens", () => {
  it("are refused when tampered with", async () => {
    const { accessToken } = await member();
    const [h, p, s] = accessToken.split(".");
    const flipped = `${h}.${p}.${s!.slice(0, -2)}${s!.endsWith("AA") ? "BB" : "AA"}`;
    expect((await me(flipped)).status).toBe(401);
  });

  it("are refused with alg none", async () => {
    const { accessToken } = await member();
    const payload = accessToken.split(".")[1];
    const header = btoa(JSON.stringify({ alg: "none", typ: "JWT" })).replace(/=+$/, "");
    expect((await me(`${header}.${payload}.`)).status).toBe(401);
  });

  it("are refused when signed with another secret", async () => {
    const account = await member();
    const forged = await signAccessToken("another-secret-that-is-long-enough-to-sign", { userId: account.user.id, sessionId: "x" });
    expect((await me(forged)).status).toBe(401);
  });

  it("are refused after they expire", async () => {
    const account = await member();
    const sessions = await (await api("/me/sessions", { token: account.accessToken })).json<{ data: { id: string }[] }>();
    const expired = await signAccessToken(env.JWT_SECRET, { userId: account.user.id, sessionId: sessions.data[0]!.id }, Math.floor(Date.now() / 1000) - 3600);
    expect((await me(expired)).status).toBe(401);
  });

  it("are refused with the wrong audience", async () => {
    const account = await member();
    const token = await new SignJWT({ sid: "x" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(account.user.id)
      .setIssuer("mundo-tango")
      .setAudience("someone-else")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(env.JWT_SECRET));
    expect((await me(token)).status).toBe(401);
  });

  it("refuses a malformed Authorization header instead of treating the caller as a visitor", async () => {
    expect((await api("/me", { headers: { Authorization: "Token abc" } })).status).toBe(401);
    expect((await api("/me", { headers: { Authorization: "Bearer <script>" } })).status).toBe(401);
  });

  it("are required for /me", async () => {
    const res = await api("/me");
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});

describe("sessions", () => {
  it("lists where you are signed in and marks the current one", async () => {
    const account = await member();
    const second = await (await api("/auth/login", { method: "POST", json: { email: account.email, password: account.password }, headers: { "User-Agent": "Mozilla/5.0 (Linux; Android 14) Firefox/130.0" } })).json<AuthResult>();
    const { data } = await (await api("/me/sessions", { token: second.accessToken })).json<{ data: { id: string; device: string; current: boolean }[] }>();
    expect(data).toHaveLength(2);
    expect(data.filter((s) => s.current)).toHaveLength(1);
    expect(data.find((s) => s.current)?.device).toBe("Firefox on Android");
  });

  it("signs out another of your own sessions", async () => {
    const account = await member();
    const other = await (await api("/auth/login", { method: "POST", json: { email: account.email, password: account.password } })).json<AuthResult>();
    const { data } = await (await api("/me/sessions", { token: account.accessToken })).json<{ data: { id: string; current: boolean }[] }>();
    const otherId = data.find((s) => !s.current)!.id;
    expect((await api(`/me/sessions/${otherId}`, { method: "DELETE", token: account.accessToken })).status).toBe(204);
    expect((await me(other.accessToken)).status).toBe(401);
    expect((await me(account.accessToken)).status).toBe(200);
  });

  it("does not reveal or end another member's session", async () => {
    const alice = await member();
    const bob = await member();
    const { data } = await (await api("/me/sessions", { token: bob.accessToken })).json<{ data: { id: string }[] }>();
    const res = await api(`/me/sessions/${data[0]!.id}`, { method: "DELETE", token: alice.accessToken });
    expect(res.status).toBe(404);
    expect((await me(bob.accessToken)).status).toBe(200);
  });

  it("ends the session on logout", async () => {
    const account = await member();
    expect((await api("/auth/logout", { method: "POST", token: account.accessToken })).status).toBe(204);
    expect((await me(account.accessToken)).status).toBe(401);
    expect((await api("/auth/refresh", { method: "POST", json: { refreshToken: account.refreshToken } })).status).toBe(401);
  });
});

describe("cookie sessions and CSRF", () => {
  it("accepts the access cookie for reads", async () => {
    const account = await member();
    const res = await api("/me", { headers: { Cookie: `mt_access=${account.accessToken}` } });
    expect(res.status).toBe(200);
  });

  it("refuses a cookie-authenticated write from a foreign Origin", async () => {
    const account = await member();
    const res = await api("/auth/logout", { method: "POST", headers: { Cookie: `mt_access=${account.accessToken}`, Origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect((await me(account.accessToken)).status).toBe(200);
  });

  it("refuses a cookie-authenticated write with no Origin at all", async () => {
    const account = await member();
    const res = await api("/auth/logout", { method: "POST", headers: { Cookie: `mt_access=${account.accessToken}` } });
    expect(res.status).toBe(403);
  });

  it("accepts a cookie-authenticated write from our own Origin", async () => {
    const account = await member();
    const res = await api("/auth/logout", { method: "POST", headers: { Cookie: `mt_access=${account.accessToken}`, Origin: BASE } });
    expect(res.status).toBe(204);
  });
});

describe("password reset", () => {
  const forgot = (email: string) => api("/auth/password/forgot", { method: "POST", json: { email } });
  const reset = (token: string, password: string) => api("/auth/password/reset", { method: "POST", json: { token, password } });
  const resetToken = (email: string) => tokenFromMail(email, /Reset your Mundo Tango password/);

  it("answers the same whether or not the address has an account", async () => {
    const account = await member();
    const [known, unknown] = await Promise.all([forgot(account.email), forgot(uniqueEmail("ghost"))]);
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(await known.text()).toBe(await unknown.text());
  });

  it("sets a new password once and signs the member out everywhere", async () => {
    const account = await member();
    await forgot(account.email);
    const token = await resetToken(account.email);
    const newPassword = "tandas-and-cortinas-till-dawn";
    expect((await reset(token, newPassword)).status).toBe(204);
    expect((await me(account.accessToken)).status).toBe(401);
    expect((await api("/auth/refresh", { method: "POST", json: { refreshToken: account.refreshToken } })).status).toBe(401);
    expect((await api("/auth/login", { method: "POST", json: { email: account.email, password: account.password } })).status).toBe(401);
    expect((await api("/auth/login", { method: "POST", json: { email: account.email, password: newPassword } })).status).toBe(200);
    const again = await reset(token, "yet-another-long-password");
    expect(again.status).toBe(400);
    expect((await again.json<Problem>()).errors?.map((e) => e.path)).toEqual(["token"]);
  });

  it("refuses a weak new password, naming the field, and keeps the link usable", async () => {
    const account = await member();
    await forgot(account.email);
    const token = await resetToken(account.email);
    const weak = await reset(token, "1234567890");
    expect(weak.status).toBe(400);
    expect((await weak.json<Problem>()).errors?.map((e) => e.path)).toContain("password");
    expect((await reset(token, "a-much-better-passphrase")).status).toBe(204);
  });

  it("refuses a new password that contains the member's email name", async () => {
    const account = await member({ email: uniqueEmail("valentina") });
    await forgot(account.email);
    const token = await resetToken(account.email);
    const res = await reset(token, `${account.email.split("@")[0]}-forever`);
    expect(res.status).toBe(400);
    expect((await res.json<Problem>()).errors?.map((e) => e.path)).toEqual(["password"]);
  });

  it("refuses a made-up token", async () => {
    const res = await reset("made-up-token", "a-much-better-passphrase");
    expect(res.status).toBe(400);
    expect((await res.json<Problem>()).errors?.map((e) => e.path)).toEqual(["token"]);
  });
});
