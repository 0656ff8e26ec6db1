import { data, redirect } from "react-router";
import type { Route } from "./+types/posts.$id";
import { CommentForm, CommentThread } from "../components/comment-thread";
import { FormAlert } from "../components/form-field";
import { PostCard } from "../components/post-card";
import { fromDomainError, fromZod, safeRedirect, type FormProblems } from "../lib/form-problems";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { createCommentInput, reactionTypeSchema, updateCommentInput, updatePostInput } from "../../worker/schemas/posts";
import { createComment, deleteComment, listComments, updateComment } from "../../worker/services/comments";
import { deletePost, getPost, loadReadablePost, mayRemovePost, updatePost } from "../../worker/services/posts";
import { removeReaction, setReaction } from "../../worker/services/reactions";
import { postExcerpt } from "../../worker/lib/post-excerpt";

const COMMENTS_PER_PAGE = 50;
const DONE_MESSAGES = { edited: "Your post was updated.", commented: "Comment added.", "comment-edited": "Comment updated.", "comment-deleted": "Comment deleted." } as const;
type Done = keyof typeof DONE_MESSAGES;

export function meta({ loaderData }: Route.MetaArgs) {
  if (!loaderData) return [{ title: "Post not found — Mundo Tango" }];
  // Plain words for the tab title: link text without its address, no emphasis marks.
  const text = postExcerpt(loaderData.post.body, 60);
  return [{ title: `${loaderData.post.author.displayName}: “${text}” — Mundo Tango` }, { name: "robots", content: loaderData.post.visibility === "public" ? "index" : "noindex" }];
}

async function notFoundOr<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof DomainError && (error.status === 404 || error.status === 400)) throw data(null, { status: 404 });
    throw error;
  }
}

export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  const search = new URL(request.url).searchParams;
  const post = await notFoundOr(getPost(ctx, params.id));
  const cursor = search.get("comments") ?? undefined;
  const comments = await listComments(ctx, post.id, { cursor, limit: COMMENTS_PER_PAGE }).catch((error: unknown) => {
    if (error instanceof DomainError && error.status === 400) return listComments(ctx, post.id, { limit: COMMENTS_PER_PAGE });
    throw error;
  });
  const me = ctx.user;
  const isAuthor = me?.id !== undefined && post.author.handle === me.handle;
  const canDelete = me ? await mayRemovePost(ctx, await loadReadablePost(ctx, post.id), me.id, me.roles) : false;
  const done = search.get("done");
  return {
    post,
    comments,
    viewer: me ? { handle: me.handle } : null,
    isAuthor,
    canDelete,
    editing: isAuthor && search.get("edit") === "1",
    done: done && done in DONE_MESSAGES ? (done as Done) : null,
  };
}

export async function action({ params, request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  const form = await request.formData();
  const text = (name: string) => String(form.get(name) ?? "");
  const here = `/posts/${params.id}`;
  const returnTo = safeRedirect(form.get("returnTo"), here);
  if (!ctx.user) throw redirect(`/login?redirectTo=${encodeURIComponent(returnTo)}`);
  const intent = text("intent");
  const failed = (problems: FormProblems, status = 400) => data({ intent, problems, commentId: text("commentId"), parentId: text("parentId") }, { status });
  try {
    if (intent.startsWith("react:")) {
      const type = reactionTypeSchema.safeParse(intent.slice("react:".length));
      if (!type.success) return failed(fromZod(type.error));
      await setReaction(ctx, params.id, type.data);
      return redirect(returnTo);
    }
    switch (intent) {
      case "unreact":
        await removeReaction(ctx, params.id);
        return redirect(returnTo);
      case "comment": {
        const parsed = createCommentInput.safeParse({ body: text("body"), parentId: text("parentId") || undefined });
        if (!parsed.success) return failed(fromZod(parsed.error));
        const comment = await createComment(ctx, params.id, parsed.data);
        return redirect(`${here}?done=commented#comment-${comment.id}`);
      }
      case "edit-comment": {
        const parsed = updateCommentInput.safeParse({ body: text("body") });
        if (!parsed.success) return failed(fromZod(parsed.error));
        await updateComment(ctx, params.id, text("commentId"), parsed.data.body);
        return redirect(`${here}?done=comment-edited#comment-${text("commentId")}`);
      }
      case "delete-comment":
        await deleteComment(ctx, params.id, text("commentId"));
        return redirect(`${here}?done=comment-deleted#comments`);
      case "edit": {
        const parsed = updatePostInput.safeParse({ body: text("body") });
        if (!parsed.success) return failed(fromZod(parsed.error));
        await updatePost(ctx, params.id, parsed.data);
        return redirect(`${here}?done=edited`);
      }
      case "delete":
        await deletePost(ctx, params.id);
        return redirect("/community?deleted=1");
      default:
        return failed({ fields: {}, form: "Choose one of the buttons." });
    }
  } catch (error) {
    if (error instanceof DomainError && error.status === 404) throw data(null, { status: 404 });
    return failed(fromDomainError(error), error instanceof DomainError ? error.status : 400);
  }
}

export default function PostPage({ loaderData, actionData }: Route.ComponentProps) {
  const { post, comments, viewer, isAuthor, canDelete, editing, done } = loaderData;
  const here = `/posts/${post.id}`;
  const problems = actionData?.problems;
  const commentError = actionData?.intent === "comment" && !actionData.parentId ? problems?.fields.body : undefined;
  return (
    <section className="mx-auto flex max-w-2xl flex-col gap-5">
      <p>
        <a href="/community" className="text-sm font-medium text-tango-700 hover:underline">
          ← Community
        </a>
      </p>
      <h1 className="sr-only">Post by {post.author.displayName}</h1>
      {done && <FormAlert tone="success" message={DONE_MESSAGES[done]} />}
      {problems && <FormAlert message={problems.form ?? Object.values(problems.fields)[0]} />}

      {editing ? (
        <form method="post" className="flex flex-col gap-2 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm">
          <input type="hidden" name="intent" value="edit" />
          <label htmlFor="edit-body" className="text-sm font-medium text-stone-700">
            Edit your post
          </label>
          <textarea id="edit-body" name="body" rows={6} required maxLength={5000} defaultValue={post.body} className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-base text-ink" />
          <div className="flex gap-3">
            <button type="submit" className="rounded-full bg-tango-600 px-5 py-2 font-semibold text-white hover:bg-tango-700">
              Save
            </button>
            <a href={here} className="rounded-full border border-stone-300 px-5 py-2 font-semibold text-stone-800 hover:bg-stone-50">
              Cancel
            </a>
          </div>
        </form>
      ) : (
        <PostCard post={post} signedIn={viewer !== null} returnTo={here} full />
      )}

      {(isAuthor || canDelete) && !editing && (
        <div className="flex flex-wrap gap-3 text-sm">
          {isAuthor && (
            <a href={`${here}?edit=1`} className="rounded-full border border-stone-300 bg-white px-4 py-1.5 font-semibold text-stone-800 hover:bg-stone-50">
              Edit post
            </a>
          )}
          {canDelete && (
            <form method="post">
              <input type="hidden" name="intent" value="delete" />
              <button type="submit" className="rounded-full border border-red-300 bg-white px-4 py-1.5 font-semibold text-red-700 hover:bg-red-50">
                Delete post
              </button>
            </form>
          )}
        </div>
      )}

      <section id="comments" aria-labelledby="comments-heading" className="flex flex-col gap-4">
        <h2 id="comments-heading" className="font-display text-2xl font-semibold text-ink">
          Comments
        </h2>
        {comments.data.length === 0 ? (
          <p className="text-stone-600">{viewer ? "No comments yet. Say something nice below." : "No comments yet."}</p>
        ) : (
          <CommentThread postId={post.id} comments={comments.data} viewer={viewer} postAuthorHandle={post.author.handle} />
        )}
        {comments.nextCursor && (
          <a href={`${here}?comments=${comments.nextCursor}#comments`} className="self-start font-semibold text-tango-700 hover:underline">
            More comments
          </a>
        )}
        {viewer ? (
          <CommentForm postId={post.id} label="Add a comment" submitLabel="Comment" error={commentError} />
        ) : (
          <p className="text-stone-700">
            <a href={`/login?redirectTo=${encodeURIComponent(here)}`} className="font-semibold text-tango-700 underline">
              Sign in
            </a>{" "}
            to comment and react.
          </p>
        )}
      </section>
    </section>
  );
}
