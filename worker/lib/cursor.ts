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
