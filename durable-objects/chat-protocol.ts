import { z } from "zod";

/**
 * The chat WebSocket protocol: JSON text frames between a member's tab and a ChatRoom.
 * Shared by the room (durable-objects/chat-room.ts), the browser client (app/lib/chat) and
 * the bench, so all three agree on one definition. docs/chat.md describes it for people.
 */

/** A message body: 1–4,000 characters (code points), not only whitespace. */
export const MAX_MESSAGE_CHARS = 4000;
/** A socket that sent nothing (not even a ping) for this long is closed. */
export const IDLE_TIMEOUT_MS = 90_000;
/** A member's typing frames are passed on at most once per this interval. */
export const TYPING_THROTTLE_MS = 2_000;
/** Clients ping this often; the room answers "pong" without waking (hibernation auto-response). */
export const PING_INTERVAL_MS = 30_000;
export const PING = "ping";
export const PONG = "pong";
/** A frame larger than this is refused without being parsed (a body of 4,000 emoji fits easily). */
export const MAX_FRAME_BYTES = 64 * 1024;

/** WebSocket close codes the room uses (4000–4999 are ours). */
export const CLOSE_CODES = {
  idle: 4408,
  removed: 4403,
  tooManySockets: 4429,
} as const;

/** Whether `body` is a sendable message: 1–4,000 code points with at least one that is not whitespace. */
export function messageBodyProblem(body: string): string | null {
  if (body.trim().length === 0) return "A message needs some text.";
  if ([...body].length > MAX_MESSAGE_CHARS) return `A message is at most ${MAX_MESSAGE_CHARS} characters.`;
  return null;
}

const clientId = z
  .string()
  .min(1, "clientId must not be empty")
  .max(64, "clientId is at most 64 characters")
  .regex(/^[A-Za-z0-9_-]+$/, "clientId is letters, digits, - and _ (a UUID works)");
const seq = z.int().min(1).max(Number.MAX_SAFE_INTEGER);
const body = z.string().superRefine((value, issue) => {
  const problem = messageBodyProblem(value);
  if (problem) issue.addIssue({ code: "custom", message: problem });
});

/** Frames a client may send. Anything else is answered with an `error` frame. */
export const clientFrameSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("send"), clientId, body }).strict(),
  z.object({ type: z.literal("typing") }).strict(),
  z.object({ type: z.literal("read"), seq }).strict(),
  /** Edit one of your own messages; `clientId` only correlates the ack. */
  z.object({ type: z.literal("edit"), clientId, seq, body }).strict(),
  /** Delete one of your own messages: it stays in the history as a tombstone. */
  z.object({ type: z.literal("delete"), clientId, seq }).strict(),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

/** A message as the room stores and replays it. `body` is null once deleted. */
export interface ChatMessage {
  seq: number;
  clientId: string;
  senderId: string;
  body: string | null;
  sentAt: string;
  editedAt: string | null;
  deletedAt: string | null;
}

export type ErrorCode =
  | "invalid_frame"
  | "unknown_type"
  | "invalid_body"
  | "rate_limited"
  | "not_allowed"
  | "not_found"
  | "forbidden";

/** Frames the room sends. Every event that changes history has a `seq`; clients keep the highest they saw for `since`. */
export type ServerFrame =
  | ({ type: "message" } & ChatMessage)
  | { type: "edit"; seq: number; messageSeq: number; senderId: string; body: string; editedAt: string }
  | { type: "delete"; seq: number; messageSeq: number; senderId: string; deletedAt: string }
  | { type: "ack"; clientId: string; seq: number }
  /** Sent once after the replay on connect: what is current now. */
  | { type: "ready"; lastSeq: number; online: string[]; reads: Record<string, number> }
  | { type: "typing"; userId: string }
  | { type: "presence"; online: string[] }
  | { type: "read"; userId: string; seq: number }
  | { type: "error"; code: ErrorCode; message: string; clientId?: string; retryAfterSeconds?: number };

/** What `ChatRoom.send()` answers to the HTTP API (the WebSocket gets the same as frames). */
export type SendOutcome =
  | { ok: true; seq: number; duplicate: boolean; message: ChatMessage }
  | { ok: false; code: Extract<ErrorCode, "invalid_body" | "rate_limited" | "not_allowed">; message: string; retryAfterSeconds?: number };

/**
 * What `ChatRoom.edit()` and `ChatRoom.remove()` answer, and what an `edit` or `delete` frame
 * gets as frames (ack or error). `seq` is the edit or delete event's own seq; `message` is the
 * changed message as it reads now (a deletion: body null, deletedAt set).
 * `not_found`: no message with that seq (an edit or delete event's seq is not a message), or it
 * was deleted. `forbidden`: someone else's message. `not_allowed`: sending is closed (edits only;
 * deleting your own words stays possible across a block).
 */
export type ChangeOutcome =
  | { ok: true; seq: number; message: ChatMessage }
  | { ok: false; code: Extract<ErrorCode, "invalid_body" | "rate_limited" | "not_allowed" | "not_found" | "forbidden">; message: string; retryAfterSeconds?: number };

/** Headers the Worker sets on the upgrade it forwards, after checking the ticket and membership. */
export const ROOM_HEADERS = { member: "X-Chat-Member", conversation: "X-Chat-Conversation" } as const;
