import { app } from "./app";
import { consumeJobs } from "../queues/consumer";
import { runScheduled } from "./scheduled";

export { ChatRoom } from "../durable-objects/chat-room";
export { RateLimiter } from "../durable-objects/rate-limiter";
export { EventRegistrar } from "../durable-objects/event-registrar";
export { NotificationHub } from "../durable-objects/notification-hub";

export default {
  fetch: app.fetch,
  queue: (batch, env) => consumeJobs(batch, env),
  scheduled: (controller, env, ctx) => ctx.waitUntil(runScheduled(controller, env)),
} satisfies ExportedHandler<Cloudflare.Env>;
