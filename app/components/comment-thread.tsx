import type { CommentDto, ReplyDto } from "../../worker/schemas/posts";
import { Avatar, formatPostedAt } from "./post-card";

interface Viewer {
  handle: string;
}

/**
 * Comments with one level of replies. Every action is a plain form posted to the post page
 * (intent=comment, edit-comment, delete-comment), so it all works without JavaScript.
 */
export function CommentThread({ postId, comments, viewer, postAuthorHandle }: { postId: string; comments: CommentDto[]; viewer: Viewer | null; postAuthorHandle: string }) {
  return (
    <ol className="flex flex-col gap-4">
      {comments.map((comment) => (
        <li key={comment.id} id={`comment-${comment.id}`}>
          <CommentItem comment={comment} postId={postId} viewer={viewer} postAuthorHandle={postAuthorHandle} />
          {comment.replies.length > 0 && (
            <ol className="ml-6 mt-3 flex flex-col gap-3 border-l-2 border-stone-200 pl-4" aria-label={`Replies to ${comment.author.displayName}`}>
              {comment.replies.map((reply) => (
                <li key={reply.id} id={`comment-${reply.id}`}>
                  <CommentItem comment={reply} postId={postId} viewer={viewer} postAuthorHandle={postAuthorHandle} />
                </li>
              ))}
            </ol>
          )}
          {viewer && (
            <details className="ml-6 mt-2">
              <summary className="cursor-pointer text-sm font-medium text-tango-700">Reply to {comment.author.displayName}</summary>
              <CommentForm postId={postId} parentId={comment.id} label={`Your reply to ${comment.author.displayName}`} submitLabel="Reply" />
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}

function CommentItem({ comment, postId, viewer, postAuthorHandle }: { comment: ReplyDto; postId: string; viewer: Viewer | null; postAuthorHandle: string }) {
  const mine = viewer?.handle === comment.author.handle;
  const mayDelete = mine || viewer?.handle === postAuthorHandle;
  return (
    <article className="flex gap-3" aria-label={`Comment by ${comment.author.displayName}`}>
      <Avatar author={comment.author} size={32} />
      <div className="min-w-0 flex-1 rounded-xl bg-stone-50 px-3 py-2">
        <p className="text-sm">
          <a href={`/people/${comment.author.handle}`} className="font-semibold text-ink hover:underline">
            {comment.author.displayName}
          </a>{" "}
          <span className="text-xs text-stone-600">
            <time dateTime={comment.createdAt}>{formatPostedAt(comment.createdAt)}</time>
            {comment.editedAt && " · edited"}
          </span>
        </p>
        <div className="mt-1 break-words text-stone-800 [&_a]:text-tango-700 [&_a]:underline" dangerouslySetInnerHTML={{ __html: comment.bodyHtml }} />
        {(mine || mayDelete) && (
          <div className="mt-1 flex flex-wrap items-start gap-3 text-sm">
            {mine && (
              <details>
                <summary className="cursor-pointer text-stone-700 hover:underline">Edit</summary>
                <form method="post" action={`/posts/${postId}`} className="mt-2 flex flex-col gap-2">
                  <input type="hidden" name="intent" value="edit-comment" />
                  <input type="hidden" name="commentId" value={comment.id} />
                  <label htmlFor={`edit-${comment.id}`} className="sr-only">
                    Edit your comment
                  </label>
                  <textarea id={`edit-${comment.id}`} name="body" rows={2} required maxLength={2000} defaultValue={comment.body} className="rounded-lg border border-stone-300 bg-white px-3 py-2 text-base" />
                  <button type="submit" className="self-start rounded-full bg-tango-600 px-4 py-1.5 font-semibold text-white hover:bg-tango-700">
                    Save
                  </button>
                </form>
              </details>
            )}
            {mayDelete && (
              <form method="post" action={`/posts/${postId}`}>
                <input type="hidden" name="intent" value="delete-comment" />
                <input type="hidden" name="commentId" value={comment.id} />
                <button type="submit" className="text-red-700 hover:underline">
                  Delete
                </button>
              </form>
            )}
          </div>
        )}
      </div>
    </article>
  );
}

export function CommentForm({ postId, parentId, label, submitLabel, error }: { postId: string; parentId?: string; label: string; submitLabel: string; error?: string }) {
  const fieldId = `comment-body-${parentId ?? "new"}`;
  return (
    <form method="post" action={`/posts/${postId}`} className="mt-2 flex flex-col gap-2">
      <input type="hidden" name="intent" value="comment" />
      {parentId && <input type="hidden" name="parentId" value={parentId} />}
      <label htmlFor={fieldId} className="text-sm font-medium text-stone-700">
        {label}
      </label>
      <textarea
        id={fieldId}
        name="body"
        rows={2}
        required
        maxLength={2000}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${fieldId}-error` : undefined}
        className={`rounded-lg border bg-white px-3 py-2 text-base text-ink ${error ? "border-red-600" : "border-stone-300"}`}
      />
      {error && (
        <p id={`${fieldId}-error`} className="text-sm text-red-700">
          {error}
        </p>
      )}
      <button type="submit" className="self-start rounded-full bg-tango-600 px-4 py-2 font-semibold text-white hover:bg-tango-700">
        {submitLabel}
      </button>
    </form>
  );
}
