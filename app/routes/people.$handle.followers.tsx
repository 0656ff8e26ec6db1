import type { Route } from "./+types/people.$handle.followers";
import { FollowList, followListTitle } from "../components/follow-list";
import { loadFollowList } from "../lib/follow-list.server";
import { serverContext } from "../server-context";

export function meta({ loaderData }: Route.MetaArgs) {
  return [{ title: followListTitle("followers", loaderData?.person) }];
}

export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  return loadFollowList(ctx, "followers", params.handle, request);
}

export default function FollowersPage({ loaderData }: Route.ComponentProps) {
  return <FollowList {...loaderData} />;
}
