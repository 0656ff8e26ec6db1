import { z } from "zod";
import { cursorParam } from "./common";

export const searchTypes = ["people", "events", "posts", "groups"] as const;
export type SearchType = (typeof searchTypes)[number];

/** Longer queries are pasted text, not searches; 200 characters hold any name or phrase. */
export const MAX_QUERY_LENGTH = 200;
/** Ranked results are paged by offset; deeper than this nobody reads, and it bounds the work. */
export const MAX_SEARCH_DEPTH = 200;
export const MAX_SEARCH_LIMIT = 50;

const LIMIT_MESSAGE = `limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}`;
const TYPE_MESSAGE = `type must be one of ${searchTypes.join(", ")}`;

export const searchQuery = z.object({
  q: z
    .string({ error: "q must be given once: the words to search for" })
    .refine((q) => q.trim().length > 0, "q must not be empty: type a name, a place or a word")
    .refine((q) => q.length <= MAX_QUERY_LENGTH, `q must be at most ${MAX_QUERY_LENGTH} characters`)
    .meta({ description: "Words to find. Each word matches as a prefix (`milo` finds milonga), ignoring case and accents. Search syntax is not interpreted: quotes, `*`, `OR` are plain text.", example: "milonga" }),
  type: z.enum(searchTypes, { error: TYPE_MESSAGE }).default("people").meta({ description: "What to search." }),
  cursor: cursorParam,
  limit: z
    .string({ error: LIMIT_MESSAGE })
    .regex(/^[0-9]{1,3}$/, LIMIT_MESSAGE)
    .transform(Number)
    .pipe(z.number().int().min(1, LIMIT_MESSAGE).max(MAX_SEARCH_LIMIT, LIMIT_MESSAGE))
    .default(20)
    .meta({ description: `Page size, 1–${MAX_SEARCH_LIMIT}.`, example: 20, type: "integer" }),
});
export type SearchQuery = z.infer<typeof searchQuery>;

export const personResultSchema = z
  .object({
    handle: z.string(),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
    homeCity: z.object({ slug: z.string(), name: z.string() }).nullable(),
  })
  .meta({ id: "PersonResult" });

export const eventResultSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    /** For a weekly series, its first date. */
    startsAt: z.string(),
    /** The venue's IANA zone, to show the date as the organizer wrote it. */
    timeZone: z.string(),
    city: z.object({ slug: z.string(), name: z.string() }),
  })
  .meta({ id: "EventResult" });

export const postResultSchema = z
  .object({
    id: z.string(),
    /** The body's first words as plain text (no Markdown, no markup). */
    excerpt: z.string(),
    author: z.object({ handle: z.string(), displayName: z.string(), avatarUrl: z.string().nullable() }),
    createdAt: z.string(),
  })
  .meta({ id: "PostResult" });

export const groupResultSchema = z
  .object({
    slug: z.string(),
    name: z.string(),
    visibility: z.enum(["public", "private"]),
    memberCount: z.number().int(),
  })
  .meta({ id: "GroupResult" });

export type PersonResult = z.infer<typeof personResultSchema>;
export type EventResult = z.infer<typeof eventResultSchema>;
export type PostResult = z.infer<typeof postResultSchema>;
export type GroupResult = z.infer<typeof groupResultSchema>;

/** One page of one kind of result, best match first; `type` says which kind `data` holds. */
export const searchPageSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("people"), data: z.array(personResultSchema), nextCursor: z.string().nullable() }),
    z.object({ type: z.literal("events"), data: z.array(eventResultSchema), nextCursor: z.string().nullable() }),
    z.object({ type: z.literal("posts"), data: z.array(postResultSchema), nextCursor: z.string().nullable() }),
    z.object({ type: z.literal("groups"), data: z.array(groupResultSchema), nextCursor: z.string().nullable() }),
  ])
  .meta({ id: "SearchPage", description: "A page of results; pass `nextCursor` back as `cursor` for the next page (null at the end, or after the first 200 results)." });
export type SearchPage = z.infer<typeof searchPageSchema>;
