import type { Ctx } from "../../worker/env";
import { createPostInput, type PostDto } from "../../worker/schemas/posts";
import { createPost } from "../../worker/services/posts";
import { fromDomainError, fromZod, type FormProblems } from "./form-problems";

export type ComposerResult = { post: PostDto } | { problems: FormProblems; submitted: { body: string; visibility: string; groupId: string } };

/**
 * The composer's form (components/post-composer.tsx) as a post. A group chosen while the
 * visibility says otherwise is ignored, so a leftover select never blocks a public post.
 */
export async function submitComposer(ctx: Ctx, form: FormData): Promise<ComposerResult> {
  const text = (name: string) => String(form.get(name) ?? "");
  const submitted = { body: text("body"), visibility: text("visibility") || "public", groupId: text("groupId") };
  const parsed = createPostInput.safeParse({
    body: submitted.body,
    visibility: submitted.visibility,
    groupId: submitted.visibility === "group" ? submitted.groupId || undefined : undefined,
    eventId: text("eventId") || undefined,
    mediaIds: form.getAll("mediaIds").map(String).filter(Boolean).length ? form.getAll("mediaIds").map(String).filter(Boolean) : undefined,
  });
  if (!parsed.success) return { problems: fromZod(parsed.error), submitted };
  try {
    return { post: await createPost(ctx, parsed.data) };
  } catch (error) {
    return { problems: fromDomainError(error), submitted };
  }
}
