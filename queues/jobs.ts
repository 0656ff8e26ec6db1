import { z } from "zod";
import { mailLanguages } from "../db/schema/users";

const mailLink = z.url({ protocol: /^https?$/ }).max(2048);

/** Every job the JOBS queue carries. Each has an idempotency key so a redelivery is harmless. */
export const jobSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("health.probe"),
    idempotencyKey: z.string().min(1),
    sentAt: z.iso.datetime(),
  }),
  z.object({
    type: z.literal("email.send"),
    idempotencyKey: z.string().min(1).max(64),
    to: z.email(),
    language: z.enum(mailLanguages),
    template: z.discriminatedUnion("name", [
      z.object({ name: z.literal("verify-email"), displayName: z.string().max(80), link: mailLink }),
      z.object({ name: z.literal("reset-password"), displayName: z.string().max(80), link: mailLink }),
    ]),
  }),
]);

export type Job = z.infer<typeof jobSchema>;
