import { createContext } from "react-router";
import type { Ctx } from "../worker/env";
import type { VisitorLocation } from "../worker/services/cities";

/** What the Worker hands every loader and action: the service context and request facts. */
export interface ServerContext {
  ctx: Ctx;
  /** CSP nonce for this response's inline and module scripts. */
  nonce: string;
  /** Where Cloudflare places the visitor; absent offline. */
  visitor: VisitorLocation;
  /** Keeps the Worker alive for work after the response, such as error reports. */
  waitUntil: (promise: Promise<unknown>) => void;
}

export const serverContext = createContext<ServerContext>();
