import { z } from "zod";

export const limitParam = z.coerce
  .number({ error: "limit must be a whole number from 1 to 100" })
  .int("limit must be a whole number from 1 to 100")
  .min(1, "limit must be at least 1")
  .max(100, "limit must be at most 100")
  .default(20)
  .meta({ description: "Page size, 1–100.", example: 20 });

export const cursorParam = z
  .string()
  .min(1, "cursor must not be empty")
  .max(512, "cursor is not a cursor this API issued")
  .optional()
  .meta({ description: "Opaque cursor from the previous page's `nextCursor`." });

export const instantParam = z.iso
  .datetime({ offset: true, error: "must be an ISO 8601 date-time, e.g. 2026-12-01T20:00:00Z" })
  .meta({ example: "2026-12-01T00:00:00Z" });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details." });

export function paginated<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({ data: z.array(item), nextCursor: z.string().nullable() })
    .meta({ id, description: "A page of results; pass `nextCursor` back as `cursor` for the next page." });
}
