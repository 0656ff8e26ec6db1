import { z } from "zod";

const LIMIT_MESSAGE = "limit must be a whole number from 1 to 100";

/** Digits only: "0x10", " 5 " or "1e2" are mistakes to report, not numbers to guess. */
export const limitParam = z
  .string({ error: LIMIT_MESSAGE })
  .regex(/^[0-9]{1,3}$/, LIMIT_MESSAGE)
  .transform(Number)
  .pipe(z.number().int().min(1, LIMIT_MESSAGE).max(100, LIMIT_MESSAGE))
  .default(20)
  .meta({ description: "Page size, 1–100.", example: 20, type: "integer" });

export const cursorParam = z
  .string({ error: "cursor must be given once, as the nextCursor of the previous page" })
  .min(1, "cursor must not be empty")
  .max(512, "cursor is not a cursor this API issued")
  .optional()
  .meta({ description: "Opaque cursor from the previous page's `nextCursor`." });

const INSTANT_MESSAGE = "must be an ISO 8601 date-time between 1970 and 9999, e.g. 2026-12-01T20:00:00Z";

export const instantParam = z.iso
  .datetime({ offset: true, error: INSTANT_MESSAGE })
  .refine((value) => {
    const ms = Date.parse(value);
    // Unparseable values already failed the format check above: report them once.
    return Number.isNaN(ms) || (ms >= 0 && ms <= Date.UTC(9999, 11, 31));
  }, INSTANT_MESSAGE)
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
