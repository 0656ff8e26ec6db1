import { env, SELF } from "cloudflare:test";
import { expect } from "vitest";

/** Page requests go to APP_ORIGIN itself: React Router refuses actions whose Origin is not the URL's. */
export const page = (path: string, cookie?: string) => SELF.fetch(`${env.APP_ORIGIN}${path}`, { headers: cookie ? { Cookie: cookie } : {}, redirect: "manual" });

/** A browser form post from our own pages (browsers send Origin on POST). */
export function submit(path: string, fields: Record<string, string>, { origin = env.APP_ORIGIN, cookie }: { origin?: string; cookie?: string } = {}) {
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded", Origin: origin };
  if (cookie) headers.Cookie = cookie;
  return SELF.fetch(`${env.APP_ORIGIN}${path}`, { method: "POST", headers, body: new URLSearchParams(fields), redirect: "manual" });
}

/** The cookies a response sets, as the next request's Cookie header. */
export function cookiesFrom(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .filter((c) => !c.endsWith("="))
    .join("; ");
}

/** Signs in through the login form and returns the browser's Cookie header. */
export async function signIn(account: { email: string; password: string }): Promise<string> {
  const res = await submit("/login", { email: account.email, password: account.password });
  expect(res.status).toBe(302);
  return cookiesFrom(res);
}
