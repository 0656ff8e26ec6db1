import { env } from "cloudflare:test";
import type { CommentDto, PostDto } from "../worker/schemas/posts";
import { api } from "./accounts";
import { verifiedMember, type Member } from "./event-factory";

export type { Member };

let counter = 0;
/** Distinct handles, so members created concurrently never collide. */
export function uniqueHandle(prefix: string): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36).slice(-5)}${counter}`.slice(0, 30);
}

/** A verified member living in `city` (a seeded city slug). Call `seedWorld()` first. */
export async function dancer(prefix = "dancer", city = "buenos-aires"): Promise<Member> {
  const account = await verifiedMember({ handle: uniqueHandle(prefix), displayName: prefix });
  const { meta } = await env.DB.prepare("UPDATE users SET home_city_id = (SELECT id FROM cities WHERE slug = ?) WHERE id = ? AND EXISTS (SELECT 1 FROM cities WHERE slug = ?)").bind(city, account.user.id, city).run();
  if (meta.changes !== 1) throw new Error(`No seeded city "${city}"`);
  return account;
}

const now = () => new Date().toISOString();

export async function follow(follower: Member, followee: Member): Promise<void> {
  await env.DB.prepare("INSERT OR IGNORE INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)").bind(follower.user.id, followee.user.id, now()).run();
}

export async function block(blocker: Member, blocked: Member): Promise<void> {
  await env.DB.prepare("INSERT OR IGNORE INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)").bind(blocker.user.id, blocked.user.id, now()).run();
}

export async function mute(muter: Member, muted: Member): Promise<void> {
  await env.DB.prepare("INSERT OR IGNORE INTO mutes (muter_id, muted_id, created_at) VALUES (?, ?, ?)").bind(muter.user.id, muted.user.id, now()).run();
}

export async function grantRole(account: Member, role: string): Promise<void> {
  await env.DB.prepare("INSERT OR IGNORE INTO user_roles (user_id, role, granted_at) VALUES (?, ?, ?)").bind(account.user.id, role, now()).run();
}

/** An interest group with members by role and status; returns its id and slug. */
export async function group(
  members: { account: Member; role?: "admin" | "moderator" | "member"; status?: "active" | "pending" }[],
  visibility: "public" | "private" = "private",
): Promise<{ id: string; slug: string }> {
  const id = crypto.randomUUID();
  const slug = uniqueHandle("group").replace(/_/g, "-");
  await env.DB.prepare("INSERT INTO groups (id, slug, name, visibility, kind, created_at) VALUES (?, ?, ?, ?, 'interest', ?)").bind(id, slug, `Group ${slug}`, visibility, now()).run();
  for (const { account, role = "member", status = "active" } of members) {
    await env.DB.prepare("INSERT INTO group_members (group_id, user_id, role, status, created_at) VALUES (?, ?, ?, ?, ?)").bind(id, account.user.id, role, status, now()).run();
  }
  return { id, slug };
}

/** Posts through the API as `author` and returns the post; throws on anything but 201. */
export async function post(author: Member, input: Record<string, unknown> = {}): Promise<PostDto> {
  const res = await api("/posts", { method: "POST", token: author.accessToken, json: { body: "Great night at the milonga", visibility: "public", ...input } });
  if (res.status !== 201) throw new Error(`post failed: ${res.status} ${await res.text()}`);
  return res.json<PostDto>();
}

export async function comment(author: Member, postId: string, body = "Lovely", parentId?: string): Promise<CommentDto> {
  const res = await api(`/posts/${postId}/comments`, { method: "POST", token: author.accessToken, json: { body, parentId } });
  if (res.status !== 201) throw new Error(`comment failed: ${res.status} ${await res.text()}`);
  return res.json<CommentDto>();
}

/** The notifications stored for a member, newest first. */
export async function notificationsOf(account: Member): Promise<{ type: string; actor_id: string | null; subject_id: string; dedupe_key: string | null }[]> {
  const { results } = await env.DB.prepare("SELECT type, actor_id, subject_id, dedupe_key FROM notifications WHERE user_id = ? ORDER BY id DESC").bind(account.user.id).all<{
    type: string;
    actor_id: string | null;
    subject_id: string;
    dedupe_key: string | null;
  }>();
  return results;
}
