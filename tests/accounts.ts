import { SELF } from "cloudflare:test";
import { vi } from "vitest";
import type { AuthResult } from "../worker/schemas/auth";

export const BASE = "https://mundo.test";
export const GOOD_PASSWORD = "milonga-under-the-stars-42";

let counter = 0;

/** A unique address per call, so tests never collide on the unique email index. */
export function uniqueEmail(prefix = "dancer"): string {
  counter += 1;
  return `${prefix}.${Date.now().toString(36)}.${counter}@example.test`;
}

export function api(path: string, init: RequestInit & { json?: unknown; token?: string; ip?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.json !== undefined) headers.set("Content-Type", "application/json");
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  if (init.ip) headers.set("CF-Connecting-IP", init.ip);
  return SELF.fetch(`${BASE}/api/v1${path}`, {
    ...init,
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  });
}

/** Signs a new member up through the API and returns what the client received. */
export async function member(overrides: { email?: string; password?: string; displayName?: string; handle?: string } = {}): Promise<AuthResult & { email: string; password: string }> {
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? GOOD_PASSWORD;
  const res = await api("/auth/register", { method: "POST", json: { email, password, displayName: overrides.displayName ?? "Ana Gómez", handle: overrides.handle } });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  return { ...(await res.json<AuthResult>()), email, password };
}

/**
 * The token in the newest mail to `email` whose subject matches. Mail leaves through the
 * JOBS queue, whose consumer runs on its own schedule: wait for it to land in the dev mailbox.
 */
export async function tokenFromMail(email: string, subject: RegExp): Promise<string> {
  const mail = await vi.waitFor(
    async () => {
      const mails = await (await SELF.fetch(`${BASE}/dev/mailbox.json?to=${encodeURIComponent(email)}`)).json<{ subject: string; text: string }[]>();
      const match = mails.find((m) => subject.test(m.subject));
      if (!match) throw new Error(`no mail to ${email} matching ${subject} yet`);
      return match;
    },
    { timeout: 15_000, interval: 100 },
  );
  return new URL(/https?:\/\/\S+/.exec(mail.text)![0]).searchParams.get("token")!;
}
