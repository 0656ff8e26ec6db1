import { z } from "zod";

const checkResult = z.enum(["ok", "failed"]);

export const healthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    checks: z.object({ d1: checkResult, kv: checkResult, r2: checkResult, queue: checkResult, durableObject: checkResult }),
  })
  .meta({ id: "Health" });

export type HealthReport = z.infer<typeof healthSchema>;
export type CheckName = keyof HealthReport["checks"];
