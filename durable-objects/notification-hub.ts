import { DurableObject } from "cloudflare:workers";
import type { NotificationDto } from "../worker/schemas/notifications";

/**
 * What a member's open tabs receive, one JSON text frame each:
 * - `notification`: a new notification and the fresh unread count;
 * - `read`: some were marked read elsewhere (another tab, the API); the fresh count.
 * A tab may send "ping" at any time and gets "pong" without waking the object.
 */
export type LiveMessage = { type: "notification"; item: NotificationDto; unreadCount: number } | { type: "read"; unreadCount: number };

/** Tabs per member; the oldest is closed when one more connects (a leaked tab must not grow us forever). */
const MAX_SOCKETS = 20;
/** The header the Worker sets after authenticating the upgrade; browsers cannot set it through WebSocket(). */
export const MEMBER_HEADER = "X-Notification-Member";

interface Attachment {
  userId: string;
}

/**
 * One object per member (`idFromName(userId)`), holding that member's open WebSockets.
 * The Worker authenticates the upgrade (session cookie or bearer, Origin checked) before it
 * reaches here; the hub only ever accepts sockets for the member it belongs to, and
 * notify() calls publish() to tell every tab. Hibernation keeps idle tabs free: the object
 * sleeps between notifications and its sockets stay open.
 */
export class NotificationHub extends DurableObject<Cloudflare.Env> {
  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("Expected a WebSocket upgrade.", { status: 426 });
    const userId = request.headers.get(MEMBER_HEADER);
    if (!userId) return new Response("No member.", { status: 401 });
    // The first member to connect owns this hub for good; idFromName(userId) makes it theirs.
    const owner = await this.ctx.storage.get<string>("owner");
    if (owner === undefined) await this.ctx.storage.put("owner", userId);
    else if (owner !== userId) return new Response("This hub belongs to another member.", { status: 403 });

    const open = this.ctx.getWebSockets();
    for (const stale of open.slice(0, Math.max(0, open.length - MAX_SOCKETS + 1))) {
      try {
        stale.close(4000, "Too many open tabs.");
      } catch {
        // Already closing.
      }
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ userId } satisfies Attachment);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Sends the message to every open tab of the member; answers how many were told. */
  async publish(message: LiveMessage): Promise<number> {
    const frame = JSON.stringify(message);
    let told = 0;
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.send(frame);
        told += 1;
      } catch {
        // A socket closing under us: its webSocketClose will tidy up.
      }
    }
    return told;
  }

  /** How many tabs are open; for tests and diagnostics. */
  async openSockets(): Promise<number> {
    return this.ctx.getWebSockets().length;
  }

  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // The protocol is server-to-client; anything but the auto-answered ping is ignored.
    if (typeof message === "string" && message.length > 64) socket.close(1009, "Messages to the hub are pings only.");
  }

  override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
    try {
      socket.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }

  override async webSocketError(socket: WebSocket): Promise<void> {
    try {
      socket.close(1011, "WebSocket error.");
    } catch {
      // Already closed.
    }
  }
}
