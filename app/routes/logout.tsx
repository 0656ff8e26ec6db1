import { redirect } from "react-router";
import type { Route } from "./+types/logout";
import { setCookieHeaders } from "../lib/cookies";
import { serverContext } from "../server-context";
import { clearedSessionCookies } from "../../worker/lib/session-cookies";
import { logout } from "../../worker/services/auth";

/** Signing out is a POST (a GET could be triggered by any image tag); a GET just goes home. */
export function loader() {
  return redirect("/");
}

export async function action({ context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  if (ctx.user) await logout(ctx);
  return redirect("/", { headers: setCookieHeaders(clearedSessionCookies()) });
}
