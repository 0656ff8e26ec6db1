import { createRoute, z } from "@hono/zod-openapi";
import { authResultSchema, forgotPasswordInput, loginInput, refreshInput, registerInput, resetPasswordInput, verifyEmailInput } from "../schemas/auth";
import { login, logout, refresh, register } from "../services/auth";
import { verifyEmail } from "../services/email-verification";
import { requestPasswordReset, resetPassword } from "../services/password-reset";
import { clientInfo, clientIp } from "../middleware/auth";
import { apiRouter } from "./router";
import { bodyTooLargeResponse, problem, problemResponses } from "./responses";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } }, required: true });
const authResult = (description: string) => ({ description, content: { "application/json": { schema: authResultSchema } } });
const tooMany = { 429: problem("Too many attempts; `Retry-After` says when to try again.") };

const registerRoute = createRoute({
  method: "post",
  path: "/auth/register",
  tags: ["Accounts"],
  summary: "Create an account",
  description: "Sends a verification email. `handle` is derived from the name when absent.",
  request: { body: json(registerInput) },
  responses: { 201: authResult("Signed up and signed in."), 409: problem("The email or handle is taken."), ...tooMany, ...problemResponses, ...bodyTooLargeResponse },
});

const loginRoute = createRoute({
  method: "post",
  path: "/auth/login",
  tags: ["Accounts"],
  summary: "Sign in",
  request: { body: json(loginInput) },
  responses: { 200: authResult("Signed in."), 401: problem("Wrong email or password (the same answer for both)."), ...tooMany, ...problemResponses },
});

const refreshRoute = createRoute({
  method: "post",
  path: "/auth/refresh",
  tags: ["Accounts"],
  summary: "Exchange a refresh token for a new pair",
  description: "Refresh tokens are single-use. Presenting a used one revokes every token of that sign-in.",
  request: { body: json(refreshInput) },
  responses: { 200: authResult("A new access and refresh token."), 401: problem("Unknown, expired, revoked or reused token."), ...problemResponses },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/auth/logout",
  tags: ["Accounts"],
  summary: "Sign out of this session",
  security: [{ bearer: [] }],
  responses: { 204: { description: "Signed out." }, 401: problem("Not signed in."), ...problemResponses },
});

const verifyEmailRoute = createRoute({
  method: "post",
  path: "/auth/verify-email",
  tags: ["Accounts"],
  summary: "Confirm an email address with the token from the mail",
  request: { body: json(verifyEmailInput) },
  responses: { 204: { description: "Verified." }, ...problemResponses },
});

const forgotPasswordRoute = createRoute({
  method: "post",
  path: "/auth/password/forgot",
  tags: ["Accounts"],
  summary: "Mail a password-reset link",
  description: "Answers 202 whether or not the address has an account, so it reveals nothing.",
  request: { body: json(forgotPasswordInput) },
  responses: { 202: { description: "If the address has an account, a link is on its way." }, ...tooMany, ...problemResponses },
});

const resetPasswordRoute = createRoute({
  method: "post",
  path: "/auth/password/reset",
  tags: ["Accounts"],
  summary: "Set a new password with the mailed token",
  description: "The token works once, for an hour. Every existing session is signed out.",
  request: { body: json(resetPasswordInput) },
  responses: { 204: { description: "Password changed; sign in again." }, ...problemResponses },
});

export const authApi = apiRouter()
  .openapi(registerRoute, async (c) => {
    return c.json(await register(c.var.ctx, c.req.valid("json"), clientInfo(c.req.raw)), 201);
  })
  .openapi(loginRoute, async (c) => {
    return c.json(await login(c.var.ctx, c.req.valid("json"), clientInfo(c.req.raw)), 200);
  })
  .openapi(refreshRoute, async (c) => {
    return c.json(await refresh(c.var.ctx, c.req.valid("json").refreshToken), 200);
  })
  .openapi(logoutRoute, async (c) => {
    await logout(c.var.ctx);
    return c.body(null, 204);
  })
  .openapi(verifyEmailRoute, async (c) => {
    await verifyEmail(c.var.ctx, c.req.valid("json").token);
    return c.body(null, 204);
  })
  .openapi(forgotPasswordRoute, async (c) => {
    await requestPasswordReset(c.var.ctx, c.req.valid("json").email, clientIp(c.req.raw.headers));
    return c.body(null, 202);
  })
  .openapi(resetPasswordRoute, async (c) => {
    const { token, password } = c.req.valid("json");
    await resetPassword(c.var.ctx, token, password);
    return c.body(null, 204);
  });
