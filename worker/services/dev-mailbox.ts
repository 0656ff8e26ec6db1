import { desc, eq } from "drizzle-orm";
import { devMail } from "../../db/schema";
import type { Ctx } from "../env";

export interface DevMailDto {
  to: string;
  subject: string;
  text: string;
  html: string;
  sentAt: string;
}

/** The newest mails the dev sender stored, optionally for one address. */
export async function listDevMail(ctx: Ctx, to?: string, limit = 50): Promise<DevMailDto[]> {
  const rows = await ctx.db
    .select()
    .from(devMail)
    .where(to ? eq(devMail.toAddress, to.toLowerCase()) : undefined)
    .orderBy(desc(devMail.sentAt), desc(devMail.id))
    .limit(limit);
  return rows.map((m) => ({ to: m.toAddress, subject: m.subject, text: m.text, html: m.html, sentAt: m.sentAt }));
}
