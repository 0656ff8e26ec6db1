import { data } from "react-router";
import type { FollowListKind } from "../components/follow-list";
import type { Ctx } from "../../worker/env";
import { DomainError } from "../../worker/errors";
import { handleSchema } from "../../worker/schemas/auth";
import { cursorParam } from "../../worker/schemas/common";
import type { MemberSummaryPage } from "../../worker/schemas/social";
import { listFollowers, listFollowing } from "../../worker/services/social-graph";
import { getPublicProfile } from "../../worker/services/users";

const PAGE_SIZE = 30;

/**
 * The loader of `/people/:handle/followers` and `/people/:handle/following`: the member's public
 * profile and one page of the list. An unknown or malformed handle is a 404; a stale or edited
 * cursor starts the list again rather than failing.
 */
export async function loadFollowList(ctx: Ctx, kind: FollowListKind, rawHandle: string | undefined, request: Request) {
  const handle = handleSchema.safeParse(rawHandle);
  if (!handle.success) throw data(null, { status: 404 });
  const cursor = cursorParam.safeParse(new URL(request.url).searchParams.get("cursor") ?? undefined);
  const list = kind === "followers" ? listFollowers : listFollowing;
  try {
    const person = await getPublicProfile(ctx, handle.data);
    const page: MemberSummaryPage = await list(ctx, handle.data, { cursor: cursor.success ? cursor.data : undefined, limit: PAGE_SIZE }).catch((error: unknown) => {
      if (error instanceof DomainError && error.status === 400) return list(ctx, handle.data, { limit: PAGE_SIZE });
      throw error;
    });
    return { kind, person, page };
  } catch (error) {
    if (error instanceof DomainError && error.status === 404) throw data(null, { status: 404 });
    throw error;
  }
}
