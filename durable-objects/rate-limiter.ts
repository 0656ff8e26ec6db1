import { DurableObject } from "cloudflare:workers";

/**
 * One object per rate-limit bucket (e.g. `login:ip:<ip>`). Its storage is SQLite-backed;
 * the limiting policies arrive with the identity work. `ping` is the health check's
 * round trip through the Durable Object namespace.
 */
export class RateLimiter extends DurableObject<Cloudflare.Env> {
  async ping(): Promise<"pong"> {
    return "pong";
  }
}
