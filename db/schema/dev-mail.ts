import { sqliteTable, text, index } from "drizzle-orm/sqlite-core";

/** The local dev mailbox: what the dev mail sender "sent". Never written in deployed environments. */
export const devMail = sqliteTable(
  "dev_mail",
  {
    id: text("id").primaryKey(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    sentAt: text("sent_at").notNull(),
  },
  (t) => [index("dev_mail_to_sent_idx").on(t.toAddress, t.sentAt), index("dev_mail_sent_idx").on(t.sentAt)],
);
