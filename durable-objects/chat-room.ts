import { DurableObject } from "cloudflare:workers";

/**
 * One object per conversation. Message history lives in this object's SQLite storage;
 * the WebSocket protocol (send/ack/replay, hibernation) arrives with the chat work.
 */
export class ChatRoom extends DurableObject<Cloudflare.Env> {
  async ping(): Promise<"pong"> {
    return "pong";
  }
}
