import { sql } from "drizzle-orm";
import { createDb } from "../../db/client";
import type { Ctx, Env } from "../../worker/env";
import { uuidv7 } from "../../worker/lib/ids";
import { log } from "../../worker/lib/log";
import { notify } from "../../worker/services/notifications";
import type { Job } from "../jobs";
import { enqueue } from "../producer";

/**
 * `chat.notify`: queued by the room (worker/services/chat-inbox.ts recordRoomMessage) after
 * each message. Members who were not in the room, have not muted it and have not been told
 * about their current unread streak get ONE "message" notification per streak, not one per
 * message: a member is due when `read_seq < seq` (the message is unread) and
 * `notified_seq <= read_seq` (nothing was said since they last read). Reading re-arms it.
 *
 * Claim first, then notify: a guarded `UPDATE … SET notified_seq = seq … RETURNING` picks
 * who is told, so a redelivered job, or two messages' jobs racing, tell each member once.
 * Members who blocked the sender (or were blocked by them) or muted the sender are not
 * claimed at all, so another member's next message in a group still notifies them.
 *
 * Members are paged by user id within the conversation's primary key, CLAIM_CHUNK at a
 * time (D1 binds at most 100 parameters). One run tells at most NOTIFY_PER_RUN members
 * (each notify() is a handful of queries); beyond that it queues itself again, and the
 * claimed members are no longer due, so the continuation picks up the rest.
 */

const CLAIM_CHUNK = 90;
export const NOTIFY_PER_RUN = 100;
const EXCERPT_CHARS = 140;

type ChatNotifyJob = Extract<Job, { type: "chat.notify" }>;

interface ConversationFacts {
  type: "direct" | "group" | "event";
  title: string | null;
  eventId: string | null;
  eventTitle: string | null;
  lastSeq: number;
  lastSenderId: string | null;
  lastPreview: string | null;
  senderName: string | null;
}

/** Runs the job; answers how many members were notified (for tests and logs). */
export async function handleChatNotify(job: ChatNotifyJob, env: Cloudflare.Env, ctx: Ctx = jobContext(env)): Promise<number> {
  const facts = await ctx.db.get<ConversationFacts>(sql`
    SELECT c.type AS type, c.title AS title, c.event_id AS eventId, e.title AS eventTitle, c.last_seq AS lastSeq,
      c.last_sender_id AS lastSenderId, c.last_preview AS lastPreview,
      (SELECT display_name FROM users WHERE users.id = ${job.senderId}) AS senderName
    FROM conversations c LEFT JOIN events e ON e.id = c.event_id
    WHERE c.id = ${job.conversationId}`);
  // The conversation is gone (its event was deleted): nobody to tell.
  if (!facts) return 0;
  const title = facts.type === "direct" ? facts.senderName : facts.type === "event" ? (facts.eventTitle ?? facts.title) : facts.title;
  // The inbox line is the newest message's start; it is this message's or a later one's (the room writes D1 before queueing).
  // A later one is quoted only when the same member sent it: another sender's words must not
  // appear under this sender's name, nor reach a member who blocked or muted that other sender.
  const ours = facts.lastSeq === job.seq || facts.lastSenderId === job.senderId;
  const excerpt = facts.lastPreview === null || !ours ? null : [...facts.lastPreview].slice(0, EXCERPT_CHARS).join("");
  // An event room tells only members who may read it now: going to the event, or organizing it.
  const mayRead =
    facts.type === "event" && facts.eventId !== null
      ? sql`AND (EXISTS (SELECT 1 FROM event_organizers o WHERE o.event_id = ${facts.eventId} AND o.user_id = conversation_members.user_id)
             OR EXISTS (SELECT 1 FROM rsvps r WHERE r.user_id = conversation_members.user_id AND r.event_id = ${facts.eventId} AND r.status = 'going'))`
      : sql``;
  const online = new Set(job.online);

  let notified = 0;
  let after = "";
  for (;;) {
    if (notified >= NOTIFY_PER_RUN) {
      await continueLater(ctx, job, notified);
      break;
    }
    const due = await ctx.db.all<{ userId: string }>(sql`
      SELECT user_id AS userId FROM conversation_members
      WHERE conversation_id = ${job.conversationId} AND user_id > ${after}
        AND user_id <> ${job.senderId} AND muted = 0 AND read_seq < ${job.seq} AND notified_seq <= read_seq
      ORDER BY user_id LIMIT ${CLAIM_CHUNK}`);
    if (due.length === 0) break;
    after = due[due.length - 1]!.userId;
    const offline = due.map((row) => row.userId).filter((id) => !online.has(id));
    const candidates = offline.slice(0, NOTIFY_PER_RUN - notified);
    // Members of this page left for the continuation: it starts over from the first due member.
    const cut = candidates.length < offline.length;
    if (candidates.length === 0) {
      if (due.length < CLAIM_CHUNK) break;
      continue;
    }
    // Same rule again inside the UPDATE, plus blocks and mutes against the sender: whoever it returns is ours alone to tell.
    const claimed = await ctx.db.all<{ userId: string }>(sql`
      UPDATE conversation_members SET notified_seq = ${job.seq}
      WHERE conversation_id = ${job.conversationId} AND user_id IN (${sql.join(
        candidates.map((id) => sql`${id}`),
        sql`, `,
      )})
        AND muted = 0 AND read_seq < ${job.seq} AND notified_seq <= read_seq
        AND NOT EXISTS (SELECT 1 FROM blocks WHERE (blocker_id = conversation_members.user_id AND blocked_id = ${job.senderId})
                                                OR (blocker_id = ${job.senderId} AND blocked_id = conversation_members.user_id))
        AND NOT EXISTS (SELECT 1 FROM mutes WHERE muter_id = conversation_members.user_id AND muted_id = ${job.senderId})
        ${mayRead}
      RETURNING user_id AS userId`);
    for (const { userId } of claimed) {
      await notify(ctx, {
        userId,
        type: "message",
        actorId: job.senderId,
        subject: { type: "room", id: job.conversationId },
        data: { title, excerpt, conversation: facts.type },
        dedupeKey: `message:${job.conversationId}:${job.seq}`,
      });
      notified += 1;
    }
    if (cut) {
      await continueLater(ctx, job, notified);
      break;
    }
    if (due.length < CLAIM_CHUNK) break;
  }
  return notified;
}

/** Queues the same job again: the members told so far are no longer due, so it goes on with the rest. */
async function continueLater(ctx: Ctx, job: ChatNotifyJob, notified: number): Promise<void> {
  await enqueue(ctx.env.JOBS, { ...job, idempotencyKey: `chat:${job.conversationId}:${job.seq}:more`.slice(0, 64) });
  log("info", "chat.notify.continued", { conversationId: job.conversationId, seq: job.seq, notified });
}

function jobContext(env: Cloudflare.Env): Ctx {
  return { db: createDb(env.DB), env: env as Env, requestId: uuidv7(), user: null };
}
