import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex, signAccessToken } from "../worker/lib/tokens";
import { GOOD_PASSWORD, member, tokenFromMail, uniqueEmail } from "./accounts";
import { contains, jpeg } from "./images";
import { cookiesFrom, page, submit } from "./pages";
import { seedWorld } from "./world";

beforeAll(seedWorld);

describe("sign-in page", () => {
  it("shows a form with email and password that works without JavaScript", async () => {
    const html = await (await page("/login")).text();
    expect(html).toMatch(/<form[^>]*method="post"/);
    expect(html).toContain('name="email"');
    expect(html).toContain('name="password"');
  });

  it("signs in, setting HttpOnly, Secure, SameSite=Lax cookies", async () => {
    const account = await member();
    const res = await submit("/login", { email: account.email, password: account.password });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/");
    const cookies = res.headers.getSetCookie();
    for (const name of ["mt_access", "mt_refresh"]) {
      const cookie = cookies.find((c) => c.startsWith(`${name}=`))!;
      expect(cookie).toContain("HttpOnly");
      expect(cookie).toContain("Secure");
      expect(cookie).toContain("SameSite=Lax");
    }
    const home = await (await page("/", cookiesFrom(res))).text();
    expect(home).toContain("Sign out");
    expect(home).toContain(account.user.displayName);
  });

  it("explains a wrong password without saying which part was wrong", async () => {
    const account = await member();
    const res = await submit("/login", { email: account.email, password: "definitely-not-it" });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("The email or password is not right.");
  });

  it("refuses a sign-in form posted from another site", async () => {
    const account = await member();
    const res = await submit("/login", { email: account.email, password: account.password }, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("never redirects to another site after signing in", async () => {
    const account = await member();
    for (const redirectTo of ["https://evil.example/", "//evil.example/", "/\\evil.example"]) {
      const res = await submit("/login", { email: account.email, password: account.password, redirectTo });
      expect(res.headers.get("location")).toBe("/");
    }
  });
});

describe("sessions in the browser", () => {
  it("renews an expired access cookie with the refresh cookie", async () => {
    const account = await member();
    const signedIn = await submit("/login", { email: account.email, password: account.password });
    const refreshCookie = signedIn.headers.getSetCookie().find((c) => c.startsWith("mt_refresh="))!.split(";")[0]!;
    const expired = await signAccessToken(env.JWT_SECRET, { userId: account.user.id, sessionId: "gone" }, Math.floor(Date.now() / 1000) - 3600);
    const res = await page("/", `mt_access=${expired}; ${refreshCookie}`);
    expect(await res.text()).toContain("Sign out");
    expect(res.headers.getSetCookie().some((c) => c.startsWith("mt_access=") && !c.startsWith("mt_access=;"))).toBe(true);
  });

  describe("when two page loads renew with the same refresh cookie", () => {
    /** A browser whose access cookie has expired: the next page load must renew with the refresh cookie. */
    async function expiredBrowser() {
      const account = await member();
      const signedIn = await submit("/login", { email: account.email, password: account.password });
      const refreshCookie = signedIn.headers.getSetCookie().find((c) => c.startsWith("mt_refresh="))!.split(";")[0]!;
      const expired = await signAccessToken(env.JWT_SECRET, { userId: account.user.id, sessionId: "gone" }, Math.floor(Date.now() / 1000) - 3600);
      return { cookie: `mt_access=${expired}; ${refreshCookie}`, refreshToken: refreshCookie.slice("mt_refresh=".length) };
    }

    it("keeps the member signed in on both when they arrive at the same moment", async () => {
      const browser = await expiredBrowser();
      const loads = await Promise.all([page("/", browser.cookie), page("/", browser.cookie)]);
      for (const load of loads) expect(await load.text()).toContain("Sign out");
      const renewed = loads.find((load) => load.headers.getSetCookie().some((c) => c.startsWith("mt_refresh=") && !/Max-Age=0/.test(c)))!;
      expect(loads.flatMap((load) => load.headers.getSetCookie()).some((c) => /Max-Age=0/.test(c))).toBe(false);
      expect(await (await page("/", cookiesFrom(renewed))).text()).toContain("Sign out");
    });

    it("keeps the member signed in when the second load comes seconds later, leaving the new cookies in place", async () => {
      const browser = await expiredBrowser();
      const first = await page("/", browser.cookie);
      const second = await page("/", browser.cookie);
      expect(await second.text()).toContain("Sign out");
      expect(second.headers.getSetCookie()).toEqual([]);
      expect(await (await page("/", cookiesFrom(first))).text()).toContain("Sign out");
    });

    it("ends the whole sign-in when the used refresh cookie comes back after the grace window", async () => {
      const browser = await expiredBrowser();
      const first = await page("/", browser.cookie);
      const aMinuteAgo = new Date(Date.now() - 60_000).toISOString();
      await env.DB.prepare("UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ?").bind(aMinuteAgo, await sha256Hex(browser.refreshToken)).run();
      const replay = await page("/", browser.cookie);
      expect(await replay.text()).toContain("Sign in");
      expect(replay.headers.getSetCookie().every((c) => /Max-Age=0/.test(c))).toBe(true);
      const successor = cookiesFrom(first).split("; ").filter((c) => c.startsWith("mt_refresh=")).join("");
      expect(await (await page("/", successor)).text()).not.toContain("Sign out");
    });
  });

  it("treats a dead session as a visitor and clears its cookies", async () => {
    const res = await page("/", "mt_access=garbage; mt_refresh=garbage");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Sign in");
    expect(res.headers.getSetCookie().every((c) => /Max-Age=0/.test(c))).toBe(true);
  });

  it("signs out with a POST and clears the cookies", async () => {
    const account = await member();
    const cookie = cookiesFrom(await submit("/login", { email: account.email, password: account.password }));
    const res = await submit("/logout", {}, { cookie });
    expect(res.status).toBe(302);
    expect(res.headers.getSetCookie().every((c) => /Max-Age=0/.test(c))).toBe(true);
    expect(await (await page("/", cookie)).text()).not.toContain("Sign out");
  });
});

describe("sign-up page", () => {
  it("creates an account and signs in", async () => {
    const res = await submit("/signup", { displayName: "Mateo Rossi", email: uniqueEmail("mateo"), password: GOOD_PASSWORD });
    expect(res.status).toBe(302);
    const home = await (await page("/", cookiesFrom(res))).text();
    expect(home).toContain("Mateo Rossi");
    expect(home).toContain("confirm your email");
  });

  it("shows each problem next to its field and keeps what was typed", async () => {
    const res = await submit("/signup", { displayName: "Mateo", email: "not-an-email", password: "short" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("email must be an email address");
    expect(html).toContain("password must be at least 10 characters");
    expect(html).toContain('value="not-an-email"');
    expect(html).toContain('aria-invalid="true"');
  });

  it("escapes a name full of HTML wherever it is shown", async () => {
    const res = await submit("/signup", { displayName: `<script>alert(1)</script><img src=x onerror=alert(2)>`, email: uniqueEmail("xss"), password: GOOD_PASSWORD });
    const html = await (await page("/", cookiesFrom(res))).text();
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toContain("<img src=x onerror");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

describe("mailed links", () => {
  it("confirm an email only after a click on the page", async () => {
    const account = await member();
    const token = await tokenFromMail(account.email, /Confirm your email/);
    const shown = await (await page(`/verify-email?token=${token}`)).text();
    expect(shown).toContain("Confirm my email");
    const res = await submit("/verify-email", { token });
    expect(await res.text()).toContain("Your email is confirmed.");
    const again = await submit("/verify-email", { token });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("invalid, expired or already used");
  });

  it("reset a password through the forgot and reset pages", async () => {
    const account = await member();
    const asked = await submit("/forgot-password", { email: account.email });
    expect(await asked.text()).toContain("is on its way");
    const token = await tokenFromMail(account.email, /Reset your Mundo Tango password/);
    const res = await submit("/reset-password", { token, password: "a-brand-new-passphrase" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?reset=1");
    expect((await submit("/login", { email: account.email, password: "a-brand-new-passphrase" })).status).toBe(302);
  });
});

describe("profile settings page", () => {
  it("sends visitors to sign in first", async () => {
    const res = await page("/settings/profile");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=/settings/profile");
  });

  it("saves a profile from a plain form and shows it on the public page", async () => {
    const account = await member();
    const cookie = cookiesFrom(await submit("/login", { email: account.email, password: account.password }));
    const res = await submit(
      "/settings/profile",
      { displayName: "Ana G.", bio: "Tuesday milongas in Palermo.", homeCity: "buenos-aires", tangoRole: "both", yearsDancing: "7", languages: "es, en", website: "", language: "es" },
      { cookie },
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Saved.");
    const profile = await (await page(`/people/${account.user.handle}`)).text();
    expect(profile).toContain("Tuesday milongas in Palermo.");
    expect(profile).toContain("Leads and follows");
    expect(profile).toContain("Buenos Aires");
  });

  it("explains a bad value next to its field and saves nothing", async () => {
    const account = await member();
    const cookie = cookiesFrom(await submit("/login", { email: account.email, password: account.password }));
    const res = await submit("/settings/profile", { displayName: "Ana", bio: "new bio", website: "javascript:alert(1)", yearsDancing: "" }, { cookie });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("must be an https:// address");
    expect(await (await page(`/people/${account.user.handle}`)).text()).not.toContain("new bio");
  });
});

describe("links on the profile settings page", () => {
  it("saves a website and social links from the form and shows them as nofollow links on the public page", async () => {
    const account = await member();
    const cookie = cookiesFrom(await submit("/login", { email: account.email, password: account.password }));
    const form = await (await page("/settings/profile", cookie)).text();
    for (const label of ["Instagram", "Facebook", "YouTube", "TikTok", "Mastodon"]) expect(form).toMatch(new RegExp(`<label[^>]*>${label}</label>`));
    const res = await submit(
      "/settings/profile",
      { displayName: "Ana", website: "https://ana.example/", "socialLinks.instagram": "https://instagram.com/ana_baila", "socialLinks.youtube": "https://youtube.com/@ana" },
      { cookie },
    );
    expect(res.status).toBe(200);
    const saved = await res.text();
    expect(saved).toContain('value="https://instagram.com/ana_baila"');
    const profile = await (await page(`/people/${account.user.handle}`)).text();
    for (const href of ["https://ana.example/", "https://instagram.com/ana_baila", "https://youtube.com/@ana"]) {
      expect(profile).toMatch(new RegExp(`<a [^>]*href="${href.replace(/[.?]/g, "\\$&")}"[^>]*rel="nofollow ugc noopener"`));
    }
    expect(profile).toContain(">Instagram</a>");
    expect(profile).not.toContain(">Facebook</a>");
  });

  it("removes a social link whose field is left empty", async () => {
    const account = await member();
    const cookie = cookiesFrom(await submit("/login", { email: account.email, password: account.password }));
    await submit("/settings/profile", { displayName: "Ana", "socialLinks.tiktok": "https://tiktok.com/@ana" }, { cookie });
    await submit("/settings/profile", { displayName: "Ana", "socialLinks.tiktok": "" }, { cookie });
    expect(await (await page(`/people/${account.user.handle}`)).text()).not.toContain("tiktok.com");
  });

  it("refuses a javascript: social link with an error on that field and saves nothing", async () => {
    const account = await member();
    const cookie = cookiesFrom(await submit("/login", { email: account.email, password: account.password }));
    const res = await submit("/settings/profile", { displayName: "Ana", bio: "new bio", "socialLinks.instagram": "javascript:alert(1)" }, { cookie });
    expect(res.status).toBe(400);
    const html = await res.text();
    const field = html.slice(html.indexOf('name="socialLinks.instagram"') - 300, html.indexOf('name="socialLinks.facebook"'));
    expect(field).toContain('aria-invalid="true"');
    expect(field).toContain("must be an https:// address");
    expect(html).not.toContain("javascript:alert(1)");
    const profile = await (await page(`/people/${account.user.handle}`)).text();
    expect(profile).not.toContain("new bio");
    expect(profile).not.toContain("javascript:");
  });

  it("never turns a stored javascript: or data: address into a link on the public page", async () => {
    const account = await member();
    await env.DB.prepare("UPDATE users SET website = ?, social_links = ? WHERE id = ?")
      .bind("javascript:alert(1)", JSON.stringify({ instagram: "data:text/html,<script>alert(2)</script>", x: "https://x.com/ana" }), account.user.id)
      .run();
    const profile = await (await page(`/people/${account.user.handle}`)).text();
    const hrefs = [...profile.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.filter((href) => /^\s*(javascript|data):/i.test(href))).toEqual([]);
    expect(hrefs).toContain("https://x.com/ana");
    expect(profile).not.toContain(">Website</a>");
    expect(profile).not.toContain(">Instagram</a>");
  });
});

describe("profile picture form", () => {
  it("uploads a picture without its location and shows it on the public page", async () => {
    const account = await member();
    const cookie = cookiesFrom(await submit("/login", { email: account.email, password: account.password }));
    const form = new FormData();
    form.append("intent", "avatar");
    form.append("avatar", new File([new Uint8Array(jpeg)], "me.jpg", { type: "image/jpeg" }));
    const res = await SELF.fetch(`${env.APP_ORIGIN}/settings/profile`, { method: "POST", headers: { Origin: env.APP_ORIGIN, Cookie: cookie }, body: form });
    expect(res.status).toBe(200);
    const profile = await (await page(`/people/${account.user.handle}`)).text();
    const src = /<img src="([^"]+)"/.exec(profile)?.[1]?.replace(/&amp;/g, "&");
    expect(src).toMatch(/^\/api\/v1\/users\/.+\/avatar\?v=/);
    const picture = new Uint8Array(await (await SELF.fetch(`${env.APP_ORIGIN}${src}`)).arrayBuffer());
    expect(contains(picture, "GPSLatitude")).toBe(false);
  });

  it("explains a file that is not a picture", async () => {
    const account = await member();
    const cookie = cookiesFrom(await submit("/login", { email: account.email, password: account.password }));
    const form = new FormData();
    form.append("intent", "avatar");
    form.append("avatar", new File([new TextEncoder().encode("<svg onload=alert(1)>")], "me.jpg", { type: "image/jpeg" }));
    const res = await SELF.fetch(`${env.APP_ORIGIN}/settings/profile`, { method: "POST", headers: { Origin: env.APP_ORIGIN, Cookie: cookie }, body: form });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("avatar must be a JPEG, PNG or WebP picture");
  });
});

describe("account settings page", () => {
  async function signIn(account: { email: string; password: string }, userAgent?: string) {
    const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded", Origin: env.APP_ORIGIN };
    if (userAgent) headers["User-Agent"] = userAgent;
    const res = await SELF.fetch(`${env.APP_ORIGIN}/login`, { method: "POST", headers, body: new URLSearchParams({ email: account.email, password: account.password }), redirect: "manual" });
    return cookiesFrom(res);
  }

  it("lists your devices and signs one of them out", async () => {
    const account = await member();
    const phone = await signIn(account, "Mozilla/5.0 (Android 14; Mobile; rv:130.0) Gecko/130.0 Firefox/130.0");
    const laptop = await signIn(account);
    const html = await (await page("/settings/account", laptop)).text();
    expect(html).toContain("Firefox on Android");
    expect(html).toContain("(this device)");
    const phoneItem = html.split("<li").find((item) => item.includes("Firefox on Android"))!;
    const sessionId = /name="sessionId" value="([^"]+)"/.exec(phoneItem)![1]!;
    const res = await submit("/settings/account", { sessionId }, { cookie: laptop });
    expect(await res.text()).toContain("Signed out on that device.");
    expect(await (await page("/", phone.split("; ").filter((c) => c.startsWith("mt_access")).join(""))).text()).toContain("Sign in");
  });

  it("keeps the account when the password is wrong", async () => {
    const account = await member();
    const cookie = await signIn(account);
    const res = await submit("/settings/account", { intent: "delete-account", password: "not-my-password" }, { cookie });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("the account was not deleted");
  });

  it("deletes the account with the password and signs out", async () => {
    const account = await member();
    const cookie = await signIn(account);
    const res = await submit("/settings/account", { intent: "delete-account", password: account.password }, { cookie });
    expect(res.status).toBe(302);
    expect(res.headers.getSetCookie().every((c) => /Max-Age=0/.test(c))).toBe(true);
    expect((await submit("/login", { email: account.email, password: account.password })).status).toBe(401);
  });
});
