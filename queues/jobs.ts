import { z } from "zod";

/** Every job the JOBS queue carries. Each has an idempotency key so a redelivery is harmless. */
export const jobSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("health.probe"),
    idempotencyKey: z.string().min(1),
    sentAt: z.iso.datetime(),
  }),
]);

export type Job = z.infer<typeof jobSchema>;
