import { z } from "zod";

/**
 * Opaque keyset cursors: base64url(JSON) of the sort key of the last row served.
 * Clients must not build them; anything that does not decode to the expected shape
 * is rejected as a bad `cursor`, never passed to SQL.
 */
export function encodeCursor(key: Record<string, string | number>): string {
  const json = JSON.stringify(key);
  const bytes = new TextEncoder().encode(json);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor<T extends z.ZodType>(cursor: string, shape: T): z.infer<T> | undefined {
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const padded = cursor.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(padded + "=".repeat((4 - (padded.length % 4)) % 4));
    const json = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
    const parsed = shape.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
