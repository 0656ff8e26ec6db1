import { DurableObject } from "cloudflare:workers";
import type { ChatMessage, SendOutcome } from "./chat-protocol";

export interface RoomSendInput {
  conversationId: string;
  userId: string;
  clientId: string;
  body: string;
}

export interface RoomHistory {
  /** Oldest first. */
  messages: ChatMessage[];
  hasMore: boolean;
  lastSeq: number;
}

/**
 * One object per conversation (`idFromName(conversationId)`). FOUNDATION SKELETON: the
 * chat work replaces every body below; the signatures are the contract the services use.
 */
export class ChatRoom extends DurableObject<Cloudflare.Env> {
  async ping(): Promise<"pong"> {
    return "pong";
  }

  /** Stores and broadcasts one message, as a WebSocket `send` frame would (the HTTP API's door). */
  async send(input: RoomSendInput): Promise<SendOutcome> {
    throw new Error(`not built yet: ${input.conversationId}`);
  }

  /** Messages older than `before` (or the newest), at most `limit`, oldest first. */
  async history(input: { conversationId: string; before?: number; limit: number }): Promise<RoomHistory> {
    throw new Error(`not built yet: ${input.conversationId}`);
  }

  /** Marks everything up to `seq` read for the member; answers the member's read seq now (never lower than before). */
  async markRead(input: { conversationId: string; userId: string; seq: number }): Promise<{ readSeq: number }> {
    throw new Error(`not built yet: ${input.conversationId}`);
  }

  /** Closes the member's sockets: they left or were removed. */
  async disconnect(userId: string): Promise<void> {
    throw new Error(`not built yet: ${userId}`);
  }

  /** Direct rooms: a block between the two members closes sending; an unblock opens it again. */
  async setSendingAllowed(allowed: boolean): Promise<void> {
    throw new Error(`not built yet: ${allowed}`);
  }
}
