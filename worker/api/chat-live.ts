import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ROOM_HEADERS } from "../../durable-objects/chat-protocol";
import type { AppEnv } from "../env";
import { DomainError, Forbidden, Invalid, ServiceUnavailable } from "../errors";
import { log } from "../lib/log";
import { problemResponse } from "../middleware/problem";
import { ticketSchema } from "../schemas/conversations";
import { issueTicket, redeemTicket, roomAccessRefusal } from "../services/chat-tickets";
import { chatRoom, sendingRefusal } from "../services/conversation-access";
import { apiRouter } from "./router";
import { problem, problemResponses } from "./responses";

/**
 * Chat tickets (`POST /api/v1/conversations/:id/ticket`) and the WebSocket door
 * (`GET /ws/conversations/:id?ticket=…&since=…`). The door is outside /api: no cookie or
 * bearer token is read there; the single-use ticket is the credential (docs/chat.md).
 */

class UpgradeRequired extends DomainError {
  readonly status = 426;
  readonly title = "Upgrade Required";
}

const json = <T extends object>(schema: T) => ({ "application/json": { schema } });
const conversationParams = z.object({ id: z.string().min(1).max(64).meta({ description: "Conversation id." }) });

const ticketRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/ticket",
  tags: ["Chat"],
  summary: "A ticket to open the conversation's live room",
  description:
    "Browsers cannot send headers with a WebSocket, so the upgrade is authenticated by a ticket: single use, valid for 60 s, for you and this conversation only. " +
    "`url` is a path on this site (`/ws/conversations/<id>?ticket=…`): open it with `wss:` (or `ws:` in development) on the same host, adding `&since=<seq>` to replay what you missed. " +
    "Event rooms also check that you are still going or an organizer. At most 20 unused tickets per member at once.",
  security: [{ bearer: [] }],
  request: { params: conversationParams },
  responses: {
    201: { description: "The ticket.", content: json(ticketSchema) },
    401: problem("Not signed in, or the token expired."),
    403: problem("An event room you are not in, or no longer eligible for (going RSVP or organizer)."),
    404: problem("No such conversation, or you are not in it."),
    429: problem("Too many unused tickets or requests; `Retry-After` says when to try again."),
    ...problemResponses,
  },
});

export const chatTicketsApi = apiRouter().openapi(ticketRoute, async (c) => c.json(await issueTicket(c.var.ctx, c.req.valid("param").id), 201));

/** `since`: a whole number ≥ 0 (the highest seq the client has), or absent. */
function sinceOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[0-9]{1,15}$/.test(raw)) throw Invalid.field("since", "since must be a whole number from 0 (the highest seq you have seen).");
  return Number(raw);
}

/**
 * `GET /ws/conversations/:id?ticket=…&since=…`. Every check happens here, before the room is
 * touched, and every refusal is problem+json with no socket: 426 not an upgrade, 403 a
 * foreign Origin (a missing Origin is a non-browser client and allowed: the ticket is the
 * credential), 400 a bad `since`, 401 a missing, unknown, used, expired or other
 * conversation's ticket (consumed in one statement), 403 a member removed since the ticket
 * (or, in an event room, no longer going; asked again once the room holds the socket),
 * 503 (with Retry-After) when the room itself refuses (it is full).
 */
export async function chatLive(c: Context<AppEnv>): Promise<Response> {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new UpgradeRequired("Open this address as a WebSocket (Upgrade: websocket) with a ticket from POST /api/v1/conversations/:id/ticket.");
  }
  const origin = c.req.header("Origin");
  if (origin !== undefined && origin !== c.env.APP_ORIGIN) throw new Forbidden("Chat connects only from Mundo Tango's own pages.");
  const conversationId = c.req.param("id") ?? "";
  // Before the ticket is consumed, so a malformed address does not burn it.
  const since = sinceOf(c.req.query("since"));
  const { userId, conversation } = await redeemTicket(c.var.ctx, conversationId, c.req.query("ticket"));

  const room = chatRoom(c.env, conversation.id);
  // A block sync that went missing heals here: the room hears the current answer on every connect.
  const direct = conversation.type === "direct";
  const allowed = direct && (await sendingRefusal(c.var.ctx, conversation, userId)) === null;
  if (direct) await room.setSendingAllowed(allowed);
  const target = new URL(`https://chat-room/ws/conversations/${conversation.id}`);
  if (since !== undefined) target.searchParams.set("since", String(since));
  const upgraded = await room.fetch(
    new Request(target, { headers: { Upgrade: "websocket", [ROOM_HEADERS.member]: userId, [ROOM_HEADERS.conversation]: conversation.id } }),
  );
  if (upgraded.status !== 101 || !upgraded.webSocket) {
    // The room refused (full, or a protocol slip between Worker and room): still a problem, never a half-open socket.
    log("warn", "chat.upgrade-refused-by-room", { conversationId: conversation.id, status: upgraded.status, detail: (await upgraded.text()).slice(0, 200) });
    const refusal = problemResponse(c, new ServiceUnavailable("The conversation cannot take another connection right now; try again in a moment."));
    refusal.headers.set("Retry-After", upgraded.headers.get("Retry-After") ?? "5");
    return refusal;
  }
  // Checked again now that the room holds the socket. A removal (or, in an event room, a
  // cancelled RSVP) that landed between the ticket check and the upgrade found no socket to
  // close; one landing after this read finds it. Likewise a block (or unblock) whose room sync
  // ran before our setSendingAllowed above: our stale answer is corrected here.
  const [refusal, allowedNow] = await Promise.all([
    roomAccessRefusal(c.var.ctx, conversation, userId),
    direct ? sendingRefusal(c.var.ctx, conversation, userId).then((r) => r === null) : Promise.resolve(false),
  ]);
  if (direct && allowedNow !== allowed) await room.setSendingAllowed(allowedNow);
  if (refusal) {
    // A room that errs here still refuses: the socket is never handed over, and the room's sweep closes its end.
    await room.disconnect(userId).catch((error: unknown) => log("error", "chat.upgrade-disconnect-failed", { conversationId: conversation.id, userId, error: String(error) }));
    throw new Forbidden(refusal);
  }
  // A fresh Response: the room's headers are immutable, and later middleware adds its own.
  return new Response(null, { status: 101, webSocket: upgraded.webSocket, headers: new Headers(upgraded.headers) });
}
