import { expect, inject, vi } from "vitest";

/** The password every journey account uses. */
export const JOURNEY_PASSWORD = "boleo-en-la-ronda-de-jueves";

/** The JSON API of the server under test, as a client app would call it. */
export async function apiCall<T>(path: string, { method = "GET", json, token }: { method?: string; json?: unknown; token?: string } = {}): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (json !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${inject("baseURL")}/api/v1${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  return { status: res.status, body: (res.status === 204 ? undefined : await res.json()) as T };
}

/**
 * A new account through the API, its email confirmed through the link in the dev mailbox
 * when `verified`. Uses vi.waitFor, not expect.poll, so it also works in beforeAll.
 */
export async function journeyAccount(prefix: string, displayName: string, { verified = false } = {}): Promise<{ email: string; accessToken: string; handle: string }> {
  const email = `${prefix}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@example.test`;
  const registered = await apiCall<{ accessToken: string; user: { handle: string } }>("/auth/register", { method: "POST", json: { email, password: JOURNEY_PASSWORD, displayName } });
  expect(registered.status).toBe(201);
  if (verified) {
    const token = await vi.waitFor(
      async () => {
        const mails = (await (await fetch(`${inject("baseURL")}/dev/mailbox.json?to=${encodeURIComponent(email)}`)).json()) as { subject: string; text: string }[];
        const mail = mails.find((m) => /Confirm your email/.test(m.subject));
        if (!mail) throw new Error(`no confirmation mail to ${email} yet`);
        return new URL(/https?:\/\/\S+/.exec(mail.text)![0]).searchParams.get("token");
      },
      // A mail the queue retried once arrives after its backoff: allow for that on a busy machine.
      { timeout: 40_000, interval: 250 },
    );
    expect((await apiCall("/auth/verify-email", { method: "POST", json: { token } })).status).toBe(204);
  }
  return { email, accessToken: registered.body.accessToken, handle: registered.body.user.handle };
}
