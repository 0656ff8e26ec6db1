import { z } from "zod";
import { postVisibilities, reactionTypes } from "../../db/schema/posts";
import { cursorParam, limitParam, paginated } from "./common";
import { citySlugParam } from "./events";

export const MAX_POST_CHARS = 5_000;
export const MAX_COMMENT_CHARS = 2_000;
export const MAX_POST_MEDIA = 6;

const id = (what: string) => z.string({ error: `${what} must be an id` }).min(1, `${what} must be an id`).max(64, `${what} must be an id`);

export const postIdParam = z.object({ id: id("id").meta({ description: "Post id." }) });
export const commentParams = postIdParam.extend({ commentId: id("commentId").meta({ description: "Comment id." }) });

export const visibilitySchema = z.enum(postVisibilities, { error: `visibility must be one of ${postVisibilities.join(", ")}` });
export const reactionTypeSchema = z.enum(reactionTypes, { error: `type must be one of ${reactionTypes.join(", ")}` });

const postBody = z
  .string({ error: "body must be text" })
  .trim()
  .max(MAX_POST_CHARS, `body must be at most ${MAX_POST_CHARS.toLocaleString("en")} characters`);

export const createPostInput = z
  .object({
    body: postBody.default(""),
    visibility: visibilitySchema.default("public"),
    groupId: id("groupId").optional(),
    eventId: id("eventId").optional(),
    mediaIds: z
      .array(id("mediaIds"), { error: "mediaIds must be a list of media ids" })
      .max(MAX_POST_MEDIA, `mediaIds may hold at most ${MAX_POST_MEDIA} pictures`)
      .optional(),
  })
  .strict()
  .meta({ id: "CreatePost" });
export type CreatePostInput = z.infer<typeof createPostInput>;

export const updatePostInput = z
  .object({ body: postBody.min(1, "body must not be empty") })
  .strict()
  .meta({ id: "UpdatePost" });
export type UpdatePostInput = z.infer<typeof updatePostInput>;

const commentBody = z
  .string({ error: "body is required" })
  .trim()
  .min(1, "body must not be empty")
  .max(MAX_COMMENT_CHARS, `body must be at most ${MAX_COMMENT_CHARS.toLocaleString("en")} characters`);

export const createCommentInput = z
  .object({ body: commentBody, parentId: id("parentId").optional().meta({ description: "Reply to this comment (replies to a reply attach to its top-level comment)." }) })
  .strict()
  .meta({ id: "CreateComment" });
export type CreateCommentInput = z.infer<typeof createCommentInput>;

export const updateCommentInput = z.object({ body: commentBody }).strict().meta({ id: "UpdateComment" });

export const reactionInput = z.object({ type: reactionTypeSchema }).strict().meta({ id: "ReactionInput" });

export const pageQuery = z.object({ cursor: cursorParam, limit: limitParam });

export const feedQuery = pageQuery.extend({
  tab: z.enum(["following", "city"], { error: "tab must be following or city" }).default("following"),
  city: citySlugParam.optional().meta({ description: "City tab only: this city instead of your home city (visitors must give one)." }),
});

const authorSchema = z.object({ handle: z.string(), displayName: z.string(), avatarUrl: z.string().nullable() }).meta({ id: "PostAuthor" });

export const mediaItemSchema = z
  .object({ id: z.string(), url: z.string(), width: z.number().int(), height: z.number().int() })
  .meta({ id: "PostMedia" });

export const linkPreviewSchema = z
  .object({ url: z.string(), title: z.string().nullable(), description: z.string().nullable(), imageUrl: z.string().nullable(), siteName: z.string().nullable() })
  .meta({ id: "LinkPreview" });

export const reactionCountsSchema = z.object({ like: z.number().int(), love: z.number().int(), fire: z.number().int(), applause: z.number().int() }).meta({ id: "ReactionCounts" });

export const postSchema = z
  .object({
    id: z.string(),
    author: authorSchema,
    body: z.string().meta({ description: "Markdown-lite source." }),
    bodyHtml: z.string().meta({ description: "Sanitised HTML: paragraphs, emphasis, links, mentions and hashtags." }),
    visibility: visibilitySchema,
    group: z.object({ slug: z.string(), name: z.string() }).nullable(),
    event: z.object({ id: z.string(), title: z.string() }).nullable().meta({ description: "Set on memories: the event this post remembers." }),
    media: z.array(mediaItemSchema),
    linkPreview: linkPreviewSchema.nullable(),
    reactions: reactionCountsSchema,
    myReaction: reactionTypeSchema.nullable(),
    commentCount: z.number().int(),
    createdAt: z.string(),
    editedAt: z.string().nullable(),
  })
  .meta({ id: "Post" });
export type PostDto = z.infer<typeof postSchema>;

export const postPageSchema = paginated(postSchema, "PostPage");
export type PostPage = z.infer<typeof postPageSchema>;

const commentFields = {
  id: z.string(),
  author: authorSchema,
  body: z.string(),
  bodyHtml: z.string(),
  parentId: z.string().nullable(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
};

export const replySchema = z.object(commentFields).meta({ id: "Reply" });
export const commentSchema = z.object({ ...commentFields, replies: z.array(replySchema) }).meta({ id: "Comment" });
export type ReplyDto = z.infer<typeof replySchema>;
export type CommentDto = z.infer<typeof commentSchema>;

export const commentPageSchema = paginated(commentSchema, "CommentPage");
export type CommentPage = z.infer<typeof commentPageSchema>;

export const reactionResultSchema = z.object({ reactions: reactionCountsSchema, myReaction: reactionTypeSchema.nullable() }).meta({ id: "ReactionResult" });
export type ReactionResult = z.infer<typeof reactionResultSchema>;
