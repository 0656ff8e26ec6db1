import { createContext } from "react-router";
import type { Ctx } from "../worker/env";

/** What the Worker hands every loader and action: the service context and request facts. */
export interface ServerContext {
  ctx: Ctx;
  /** CSP nonce for this response's inline and module scripts. */
  nonce: string;
  /** Cloudflare's city for the visitor, absent offline. */
  visitorCityName: string | undefined;
}

export const serverContext = createContext<ServerContext>();
