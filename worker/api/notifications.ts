import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { MEMBER_HEADER } from "../../durable-objects/notification-hub";
import type { AppEnv } from "../env";
import { DomainError, Forbidden } from "../errors";
import {
  listNotificationsQuery,
  markReadInput,
  markReadResultSchema,
  notificationPageSchema,
  notificationPreferencesInput,
  notificationPreferencesSchema,
} from "../schemas/notifications";
import { getMyNotificationPreferences, setMyNotificationPreferences } from "../services/notification-preferences";
import { listNotifications, markNotificationsRead } from "../services/notifications";
import { requireSignedIn } from "../services/users";
import { apiRouter } from "./router";
import { bodyTooLargeResponse, problem, problemResponses } from "./responses";

class UpgradeRequired extends DomainError {
  readonly status = 426;
  readonly title = "Upgrade Required";
}

const signedIn = { security: [{ bearer: [] }] };
const unauthorized = { 401: problem("Not signed in, or the token expired.") };
const json = <T extends object>(schema: T) => ({ "application/json": { schema } });

const listRoute = createRoute({
  method: "get",
  path: "/notifications",
  tags: ["Notifications"],
  summary: "Your notifications",
  description:
    "Newest first, keyset-paged. Notifications from members blocked since (either way) and about posts or comments you can no longer read are left out. Live updates: open a WebSocket to `/ws/notifications` (see docs/notifications.md).",
  ...signedIn,
  request: { query: listNotificationsQuery },
  responses: { 200: { description: "A page of notifications and your unread count.", content: json(notificationPageSchema) }, ...unauthorized, ...problemResponses },
});

const markReadRoute = createRoute({
  method: "post",
  path: "/notifications/read",
  tags: ["Notifications"],
  summary: "Mark notifications read",
  description: "`{ids: [...]}` (at most 100; ids that are not yours are ignored and `marked` says how many changed) or `{all: true}`.",
  ...signedIn,
  request: { body: { required: true, content: json(markReadInput) } },
  responses: { 200: { description: "How many were marked, and your unread count now.", content: json(markReadResultSchema) }, ...unauthorized, ...bodyTooLargeResponse, ...problemResponses },
});

const getPreferencesRoute = createRoute({
  method: "get",
  path: "/me/notification-preferences",
  tags: ["Notifications"],
  summary: "Which notifications you get by mail",
  description: "Until you choose: mentions, replies, comments, waitlist promotions, event cancellations and group approvals right away; no digest.",
  ...signedIn,
  responses: { 200: { description: "Your choices.", content: json(notificationPreferencesSchema) }, ...unauthorized, ...problemResponses },
});

const putPreferencesRoute = createRoute({
  method: "put",
  path: "/me/notification-preferences",
  tags: ["Notifications"],
  summary: "Choose which notifications you get by mail",
  description: "Replaces your choices: `emailTypes` are mailed right away; `digest: daily` adds one summary a day of what you have not read and were not mailed.",
  ...signedIn,
  request: { body: { required: true, content: json(notificationPreferencesInput) } },
  responses: { 200: { description: "Your choices now.", content: json(notificationPreferencesSchema) }, ...unauthorized, ...bodyTooLargeResponse, ...problemResponses },
});

export const notificationsApi = apiRouter()
  .openapi(listRoute, async (c) => c.json(await listNotifications(c.var.ctx, c.req.valid("query")), 200))
  .openapi(markReadRoute, async (c) => c.json(await markNotificationsRead(c.var.ctx, c.req.valid("json")), 200))
  .openapi(getPreferencesRoute, async (c) => c.json(await getMyNotificationPreferences(c.var.ctx), 200))
  .openapi(putPreferencesRoute, async (c) => c.json(await setMyNotificationPreferences(c.var.ctx, c.req.valid("json")), 200));

/**
 * `GET /ws/notifications`: the member's live channel. Authenticated at the upgrade by the
 * session cookie or a bearer token; a browser always sends Origin with a WebSocket, and a
 * cookie rides along cross-site, so a cookie upgrade must come from APP_ORIGIN (no
 * cross-site WebSocket hijacking). The socket is handed to the member's own hub only.
 */
export async function notificationsLive(c: Context<AppEnv>): Promise<Response> {
  const me = requireSignedIn(c.var.ctx);
  const origin = c.req.header("Origin");
  const viaCookie = c.req.header("Authorization") === undefined;
  if ((origin !== undefined || viaCookie) && origin !== c.env.APP_ORIGIN) {
    throw new Forbidden("Live notifications connect only from Mundo Tango's own pages.");
  }
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new UpgradeRequired("Open this address as a WebSocket (Upgrade: websocket).");
  }
  const hub = c.env.NOTIFICATION_HUB.get(c.env.NOTIFICATION_HUB.idFromName(me.id));
  const upgraded = await hub.fetch(new Request(c.req.url, { headers: { Upgrade: "websocket", [MEMBER_HEADER]: me.id } }));
  // A fresh Response: the hub's headers are immutable, and later middleware adds its own.
  return new Response(null, { status: upgraded.status, webSocket: upgraded.webSocket, headers: new Headers(upgraded.headers) });
}
