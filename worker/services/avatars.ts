import { eq } from "drizzle-orm";
import { users } from "../../db/schema";
import type { Ctx } from "../env";
import { Invalid, NotFound, PayloadTooLarge } from "../errors";
import { uuidv7 } from "../lib/ids";
import { stripImageMetadata } from "../lib/image-metadata";
import { requireSignedIn } from "./users";

export const MAX_AVATAR_BYTES = 5 * 1024 * 1024;

const EXTENSIONS = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp" } as const;

/** Public URL of an avatar; the key's tail busts caches when the picture changes. */
export function avatarUrl(handle: string, avatarKey: string | null): string | null {
  return avatarKey ? `/api/v1/users/${handle}/avatar?v=${avatarKey.split("/").pop()!.split(".")[0]}` : null;
}

/** A member as lists and cards show them: handle, name and avatar URL. */
export function memberSummary(member: { handle: string; displayName: string; avatarKey: string | null }): { handle: string; displayName: string; avatarUrl: string | null } {
  return { handle: member.handle, displayName: member.displayName, avatarUrl: avatarUrl(member.handle, member.avatarKey) };
}

/**
 * Stores a new profile picture in R2. The type comes from the file's magic bytes, and
 * EXIF/XMP/IPTC metadata (GPS position above all) is removed before anything is stored.
 */
export async function setAvatar(ctx: Ctx, file: Uint8Array): Promise<{ avatarUrl: string }> {
  const me = requireSignedIn(ctx);
  if (file.byteLength > MAX_AVATAR_BYTES) throw new PayloadTooLarge("The picture is larger than 5 MB.");
  const clean = stripImageMetadata(file);
  if (!clean) throw Invalid.field("avatar", "avatar must be a JPEG, PNG or WebP picture");
  const key = `avatars/${me.id}/${uuidv7()}.${EXTENSIONS[clean.type]}`;
  await ctx.env.MEDIA.put(key, clean.bytes, { httpMetadata: { contentType: clean.type, cacheControl: "public, max-age=86400" } });
  const previous = await ctx.db.select({ avatarKey: users.avatarKey }).from(users).where(eq(users.id, me.id)).get();
  await ctx.db.update(users).set({ avatarKey: key, updatedAt: new Date().toISOString() }).where(eq(users.id, me.id));
  if (previous?.avatarKey) await ctx.env.MEDIA.delete(previous.avatarKey);
  return { avatarUrl: avatarUrl(me.handle, key)! };
}

export async function getAvatar(ctx: Ctx, handle: string): Promise<R2ObjectBody> {
  const user = await ctx.db.select({ avatarKey: users.avatarKey }).from(users).where(eq(users.handle, handle)).get();
  const object = user?.avatarKey ? await ctx.env.MEDIA.get(user.avatarKey) : null;
  if (!object) throw new NotFound("This member has no picture.");
  return object;
}
