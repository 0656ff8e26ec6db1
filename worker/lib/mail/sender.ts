import { devMail } from "../../../db/schema";
import type { Database } from "../../../db/client";
import type { Env } from "../../env";
import { uuidv7 } from "../ids";
import type { Mail } from "./templates";

export interface OutgoingMail extends Mail {
  to: string;
}

export interface MailSender {
  send(mail: OutgoingMail): Promise<void>;
}

/** Local development: every mail lands in D1 and shows at /dev/mailbox. */
export class DevMailbox implements MailSender {
  constructor(private readonly db: Database) {}

  async send(mail: OutgoingMail): Promise<void> {
    await this.db.insert(devMail).values({ id: uuidv7(), toAddress: mail.to, subject: mail.subject, text: mail.text, html: mail.html, sentAt: new Date().toISOString() });
  }
}

/**
 * A transactional mail API over fetch (the request shape of Resend's `POST /emails`;
 * most providers accept the same fields). A non-2xx answer throws, so the queue retries.
 */
export class HttpMailSender implements MailSender {
  constructor(private readonly config: { url: string; apiKey: string; from: string }) {}

  async send(mail: OutgoingMail): Promise<void> {
    const res = await fetch(this.config.url, {
      method: "POST",
      headers: { Authorization: `Bearer ${this.config.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ from: this.config.from, to: [mail.to], subject: mail.subject, text: mail.text, html: mail.html }),
    });
    if (!res.ok) throw new Error(`mail provider answered ${res.status}`);
  }
}

export function mailSenderFor(env: Env, db: Database): MailSender {
  if (env.APP_ENV === "development") return new DevMailbox(db);
  const { MAIL_API_URL, MAIL_API_KEY, MAIL_FROM } = env;
  if (!MAIL_API_URL || !MAIL_API_KEY || !MAIL_FROM) throw new Error("MAIL_API_URL, MAIL_API_KEY and MAIL_FROM must be set outside local development");
  return new HttpMailSender({ url: MAIL_API_URL, apiKey: MAIL_API_KEY, from: MAIL_FROM });
}
