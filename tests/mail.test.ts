import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createDb } from "../db/client";
import { DevMailbox, HttpMailSender, mailSenderFor } from "../worker/lib/mail/sender";
import { consumeJobs } from "../queues/consumer";
import { createMessageBatch, getQueueResult, createExecutionContext } from "cloudflare:test";

const mail = { to: "ana@example.test", subject: "Hola", text: "Hola Ana", html: "<p>Hola Ana</p>" };

describe("mail senders", () => {
  afterEach(() => vi.restoreAllMocks());

  it("use the dev mailbox in local development", () => {
    expect(mailSenderFor(env, createDb(env.DB))).toBeInstanceOf(DevMailbox);
  });

  it("use the HTTP provider elsewhere, and refuse to guess its settings", () => {
    const production = { ...env, APP_ENV: "production" };
    expect(() => mailSenderFor(production, createDb(env.DB))).toThrow(/MAIL_API_URL/);
    const configured = { ...production, MAIL_API_URL: "https://mail.example/emails", MAIL_API_KEY: "k", MAIL_FROM: "Mundo Tango <hola@mundotango.life>" };
    expect(mailSenderFor(configured, createDb(env.DB))).toBeInstanceOf(HttpMailSender);
  });

  it("post the message to the provider with the API key", async () => {
    const calls: Request[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      calls.push(new Request(input as RequestInfo, init));
      return new Response("{}", { status: 200 });
    });
    await new HttpMailSender({ url: "https://mail.example/emails", apiKey: "secret-key", from: "hola@mundotango.life" }).send(mail);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.headers.get("authorization")).toBe("Bearer secret-key");
    expect(await calls[0]!.json()).toEqual({ from: "hola@mundotango.life", to: [mail.to], subject: "Hola", text: "Hola Ana", html: "<p>Hola Ana</p>" });
  });

  it("throw when the provider refuses, so the queue retries", async () => {
    vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response("nope", { status: 503 }));
    await expect(new HttpMailSender({ url: "https://mail.example/emails", apiKey: "k", from: "f@x" }).send(mail)).rejects.toThrow(/503/);
  });
});

describe("the email job", () => {
  const job = (idempotencyKey: string) => ({
    id: idempotencyKey,
    timestamp: new Date(),
    attempts: 1,
    body: { type: "email.send", idempotencyKey, to: "lucia@example.test", language: "es", template: { name: "verify-email", displayName: "Lucía", link: "https://mundotango.life/verify-email?token=t" } },
  });

  it("mails in the member's language, once even when delivered twice", async () => {
    for (const _ of [1, 2]) {
      const batch = createMessageBatch("mundo-tango-jobs", [job("same-key")]);
      await consumeJobs(batch, env);
      expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toEqual(["same-key"]);
    }
    const { results } = await env.DB.prepare("SELECT subject FROM dev_mail WHERE to_address = 'lucia@example.test'").all<{ subject: string }>();
    expect(results).toEqual([{ subject: "Confirmá tu email en Mundo Tango" }]);
  });
});
