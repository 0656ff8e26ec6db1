import { env } from "cloudflare:test";
import { createDb } from "../db/client";
import type { Ctx, Env } from "../worker/env";
import { uuidv7 } from "../worker/lib/ids";
import { notify, type NotifyInput } from "../worker/services/notifications";

/** A service context outside any request, as a queue job has: notify() then awaits its delivery. */
export function jobCtx(): Ctx {
  return { db: createDb(env.DB), env: env as unknown as Env, requestId: uuidv7(), user: null };
}

/** Stores a notification the way every feature does, through notify(). */
export function notifyNow(input: NotifyInput): Promise<void> {
  return notify(jobCtx(), input);
}

/** A post row straight in D1, for subjects whose readability a test changes. */
export async function insertPost(authorId: string, visibility: "public" | "followers" = "public", body = "Qué noche en La Viruta"): Promise<string> {
  const id = uuidv7();
  await env.DB.prepare("INSERT INTO posts (id, author_id, body, visibility, created_at) VALUES (?, ?, ?, ?, ?)").bind(id, authorId, body, visibility, new Date().toISOString()).run();
  return id;
}

export async function block(blockerId: string, blockedId: string): Promise<void> {
  await env.DB.prepare("INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)").bind(blockerId, blockedId, new Date().toISOString()).run();
}

export async function mute(muterId: string, mutedId: string): Promise<void> {
  await env.DB.prepare("INSERT INTO mutes (muter_id, muted_id, created_at) VALUES (?, ?, ?)").bind(muterId, mutedId, new Date().toISOString()).run();
}
