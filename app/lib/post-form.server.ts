import type { Ctx } from "../../worker/env";
import { createPostInput, MAX_POST_MEDIA, type PostDto } from "../../worker/schemas/posts";
import { uploadMediaFiles } from "../../worker/services/media";
import { DomainError } from "../../worker/errors";
import type { PostPage } from "../../worker/schemas/posts";
import { createPost, listEventMemories, listGroupPosts, listUserPosts } from "../../worker/services/posts";
import { fromDomainError, fromZod, type FormProblems } from "./form-problems";

export type ComposerResult = { post: PostDto } | { problems: FormProblems; submitted: { body: string; visibility: string; groupId: string } };

/**
 * The composer's form (components/post-composer.tsx) as a post. Pictures come as `mediaIds`
 * (uploaded by MediaUpload with JavaScript) or as `files` (without it). A group chosen while the
 * visibility says otherwise is ignored, so a leftover select never blocks a public post.
 */
export async function submitComposer(ctx: Ctx, form: FormData): Promise<ComposerResult> {
  const text = (name: string) => String(form.get(name) ?? "");
  const submitted = { body: text("body"), visibility: text("visibility") || "public", groupId: text("groupId") };
  const files = form.getAll("files").filter((value): value is File => value instanceof File && value.size > 0);
  const mediaIds = form.getAll("mediaIds").map(String).filter(Boolean);
  if (files.length + mediaIds.length > MAX_POST_MEDIA) return { problems: { fields: { files: `A post holds at most ${MAX_POST_MEDIA} pictures; remove some.` } }, submitted };
  const parsed = createPostInput.safeParse({
    body: submitted.body,
    visibility: submitted.visibility,
    groupId: submitted.visibility === "group" ? submitted.groupId || undefined : undefined,
    eventId: text("eventId") || undefined,
    mediaIds: mediaIds.length > 0 ? mediaIds : undefined,
  });
  if (!parsed.success) return { problems: fromZod(parsed.error), submitted };
  try {
    const uploaded = files.length > 0 ? await uploadMediaFiles(ctx, files, "files") : [];
    const allMedia = [...mediaIds, ...uploaded.map((m) => m.id)];
    return { post: await createPost(ctx, { ...parsed.data, mediaIds: allMedia.length > 0 ? allMedia : undefined }) };
  } catch (error) {
    return { problems: fromDomainError(error), submitted };
  }
}

/** A page of an event's memories for its page; a cursor from elsewhere starts from the newest. */
export async function eventMemoriesPage(ctx: Ctx, eventId: string, cursor: string | null): Promise<PostPage> {
  try {
    return await listEventMemories(ctx, eventId, { cursor: cursor ?? undefined, limit: 10 });
  } catch (error) {
    if (error instanceof DomainError && error.status === 400) return listEventMemories(ctx, eventId, { limit: 10 });
    throw error;
  }
}

/** A member's posts (or only memories) for their profile page; a cursor from elsewhere starts over. */
export async function profilePostsPage(ctx: Ctx, handle: string, search: URLSearchParams): Promise<{ tab: "posts" | "memories"; page: PostPage }> {
  const tab = search.get("posts") === "memories" ? "memories" : "posts";
  const read = (cursor?: string) => listUserPosts(ctx, handle, { cursor, limit: 10, memories: tab === "memories" });
  try {
    return { tab, page: await read(search.get("postsCursor") ?? undefined) };
  } catch (error) {
    if (error instanceof DomainError && error.status === 400) return { tab, page: await read() };
    throw error;
  }
}

/** A page of a group's posts for its page (empty unless the viewer is an active member). */
export async function groupPostsPage(ctx: Ctx, slug: string, cursor: string | null): Promise<PostPage> {
  try {
    return await listGroupPosts(ctx, slug, { cursor: cursor ?? undefined, limit: 20 });
  } catch (error) {
    if (error instanceof DomainError && error.status === 400) return listGroupPosts(ctx, slug, { limit: 20 });
    throw error;
  }
}
