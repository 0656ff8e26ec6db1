import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { timing } from "hono/timing";
import { adminApi } from "./api/admin";
import { authApi } from "./api/auth";
import { citiesApi } from "./api/cities";
import { devMailbox } from "./api/dev-mailbox";
import { renderApiDocs } from "./api/docs";
import { eventsApi } from "./api/events";
import { healthApi } from "./api/health";
import { meApi } from "./api/me";
import { myEventsApi } from "./api/my-events";
import { usersApi } from "./api/users";
import { helloApi } from "./api/hello";
import { reportsApi } from "./api/reports";
import { ticketsApi } from "./api/tickets";
import { socialApi } from "./api/social";
import { groupsApi } from "./api/groups";
import { postsApi } from "./api/posts";
import { mediaApi, mediaResponseHeaders } from "./api/media";
import { storiesApi } from "./api/stories";
import { notificationsApi, notificationsLive } from "./api/notifications";
import { searchApi } from "./api/search";
import { conversationsApi } from "./api/conversations";
import { chatLive, chatTicketsApi } from "./api/chat-live";
import type { AppEnv } from "./env";
import { PayloadTooLarge, NotFound } from "./errors";
import { uuidv7 } from "./lib/ids";
import { authenticate } from "./middleware/auth";
import { serviceContext } from "./middleware/context";
import { pageSession } from "./middleware/page-session";
import { apiNotFound, handleError, problemResponse } from "./middleware/problem";
import { rateLimit } from "./middleware/rate-limit";
import { requestLog } from "./middleware/request-log";
import { requireSecrets } from "./middleware/require-secrets";
import { secureHeadersMiddleware } from "./middleware/secure-headers";
import { validationHook } from "./middleware/validation";
import { renderPage } from "./ssr";
import { MAX_AVATAR_BYTES } from "./services/avatars";
import { MAX_MEDIA_BYTES } from "./services/media";
import { MAX_POST_MEDIA } from "./schemas/posts";

const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Mundo Tango API",
    version: "1.0.0",
    description: "Find milongas, workshops, festivals and marathons in any city.",
  },
};

/** Enough for any JSON or form we accept; media uploads will stream straight to R2. */
const MAX_BODY_BYTES = 1024 * 1024;

export const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

// Order matters: identify the request, time and log it, secure its headers, refuse to run
// on missing secrets before any handler can touch data, and cap every body.
app.use(requestId({ headerName: "X-Request-Id", generator: () => uuidv7() }));
app.use(timing({ totalDescription: "Total" }));
app.use(requestLog);
// Outside the secure headers so a served picture keeps its own, script-free CSP.
app.use("/api/v1/media/*", mediaResponseHeaders);
app.use(secureHeadersMiddleware);
app.use(requireSecrets);
app.use(serviceContext);

const limitBody = (maxBytes: number) =>
  bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new PayloadTooLarge(`The request body is larger than ${maxBytes / 1024 / 1024} MiB.`);
    },
  });
const defaultBodyLimit = limitBody(MAX_BODY_BYTES);
// A picture plus its multipart framing, for the API and the profile settings form.
const avatarBodyLimit = limitBody(MAX_AVATAR_BYTES + 64 * 1024);
const AVATAR_UPLOAD_PATHS = new Set(["/api/v1/me/avatar", "/settings/profile", "/events/new"]);
// The event edit form carries a cover picture too.
const isUploadPath = (path: string) => AVATAR_UPLOAD_PATHS.has(path) || /^\/(?:api\/v1\/)?events\/[^/]+\/(?:edit|cover)$/.test(path);
// Post and story pictures: one of at most 10 MB, with its framing (the API and the story form).
const mediaBodyLimit = limitBody(MAX_MEDIA_BYTES + 64 * 1024);
const MEDIA_UPLOAD_PATHS = new Set(["/api/v1/media", "/stories"]);
// Every post composer (feed, group and event pages) posts to /community: without JavaScript a
// post sends its pictures (at most six) with the form.
const composerBodyLimit = limitBody(MAX_POST_MEDIA * MAX_MEDIA_BYTES + 64 * 1024);
const bodyLimitFor = (path: string) =>
  MEDIA_UPLOAD_PATHS.has(path) ? mediaBodyLimit : path === "/community" ? composerBodyLimit : isUploadPath(path) ? avatarBodyLimit : defaultBodyLimit;
app.use((c, next) => bodyLimitFor(c.req.path)(c, next));
app.use(
  "/api/*",
  cors({
    origin: (origin, c) => (origin === c.env.APP_ORIGIN ? origin : null),
    credentials: true,
    exposeHeaders: ["X-Request-Id", "Server-Timing", "Retry-After", "RateLimit", "RateLimit-Policy"],
    maxAge: 600,
  }),
);

app.use("/api/*", authenticate);
app.use("/api/v1/*", rateLimit);

app.route("/api", healthApi);
app.route("/api", helloApi);
app.route("/api/v1", eventsApi);
app.route("/api/v1", citiesApi);
app.route("/api/v1", reportsApi);
app.route("/api/v1", authApi);
app.route("/api/v1", meApi);
app.route("/api/v1", myEventsApi);
app.route("/api/v1", usersApi);
app.route("/api/v1", adminApi);
app.route("/api/v1", ticketsApi);
app.route("/api/v1", socialApi);
app.route("/api/v1", groupsApi);
app.route("/api/v1", postsApi);
app.route("/api/v1", mediaApi);
app.route("/api/v1", storiesApi);
app.route("/api/v1", notificationsApi);
app.route("/api/v1", searchApi);
app.route("/api/v1", conversationsApi);
app.route("/api/v1", chatTicketsApi);
app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
app.doc31("/api/openapi.json", OPENAPI_INFO);
app.get("/api/docs", (c) => c.html(renderApiDocs(app.getOpenAPI31Document(OPENAPI_INFO) as unknown as Record<string, unknown>)));
app.all("/api/*", apiNotFound);

// Live notifications: authenticated and Origin-checked here, then handed to the member's NotificationHub.
app.get("/ws/notifications", authenticate, notificationsLive);
// Chat: the ticket and membership are checked here, before the upgrade reaches the conversation's ChatRoom.
app.get("/ws/conversations/:id", chatLive);
app.all("/ws/*", (c) => problemResponse(c, new NotFound("There is no chat room at this address.")));

app.use("/dev/*", pageSession);
app.route("/dev", devMailbox);

app.all("*", pageSession, renderPage);

app.onError(handleError);
