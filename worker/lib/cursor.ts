import { z } from "zod";
import { fromBase64url, toBase64url } from "./base64url";

/**
 * Opaque keyset cursors: base64url(JSON) of the sort key of the last row served.
 * Clients must not build them; anything that does not decode to the expected shape
 * is rejected as a bad `cursor`, never passed to SQL.
 */
export function encodeCursor(key: Record<string, string | number>): string {
  return toBase64url(new TextEncoder().encode(JSON.stringify(key)));
}

export function decodeCursor<T extends z.ZodType>(cursor: string, shape: T): z.infer<T> | undefined {
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const json = new TextDecoder("utf-8", { fatal: true }).decode(fromBase64url(cursor));
    const parsed = shape.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keyset paging: the query fetches `limit + 1` rows, so one row more than the page says another
 * page follows, whose cursor is the key of the page's last row.
 */
export function keysetPage<Row>(rows: Row[], limit: number, keyOf: (last: Row) => Record<string, string | number>): { page: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { page, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
