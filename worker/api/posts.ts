import { createRoute, z } from "@hono/zod-openapi";
import { handleSchema } from "../schemas/auth";
import {
  commentPageSchema,
  commentParams,
  commentSchema,
  createCommentInput,
  createPostInput,
  feedQuery,
  pageQuery,
  postIdParam,
  postPageSchema,
  postSchema,
  reactionInput,
  reactionResultSchema,
  replySchema,
  updateCommentInput,
  updatePostInput,
} from "../schemas/posts";
import { createComment, deleteComment, listComments, updateComment } from "../services/comments";
import { getFeed } from "../services/feed";
import { createPost, deletePost, getPost, listEventMemories, listGroupPosts, listUserPosts, updatePost } from "../services/posts";
import { removeReaction, setReaction } from "../services/reactions";
import { apiRouter } from "./router";
import { bodyTooLargeResponse, problem, problemResponses } from "./responses";

const signedIn = { security: [{ bearer: [] }] };
const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: json(schema) } });
const unauthorized = { 401: problem("Not signed in.") };
const forbidden = { 403: problem("Not allowed: not yours, your email is not confirmed yet, or there is a block between you.") };
const postNotFound = { 404: problem("No post with this id that you can read.") };

const createPostRoute = createRoute({
  method: "post",
  path: "/posts",
  tags: ["Posts"],
  summary: "Write a post",
  description:
    "Members with a confirmed email. `body` is Markdown-lite (links and emphasis; `@handle` mentions notify, `#hashtags` are searchable), at most 5,000 characters. `visibility: group` needs `groupId` of a group you belong to. `eventId` makes it a memory of that event. Up to 6 `mediaIds` from POST /media.",
  ...signedIn,
  request: body(createPostInput),
  responses: { 201: { description: "Created.", content: json(postSchema) }, ...unauthorized, ...forbidden, ...bodyTooLargeResponse, ...problemResponses },
});

const getPostRoute = createRoute({
  method: "get",
  path: "/posts/{id}",
  tags: ["Posts"],
  summary: "One post",
  description: "404 when the post does not exist or you may not read it (followers-only, group, block).",
  request: { params: postIdParam },
  responses: { 200: { description: "The post.", content: json(postSchema) }, ...postNotFound, ...problemResponses },
});

const updatePostRoute = createRoute({
  method: "patch",
  path: "/posts/{id}",
  tags: ["Posts"],
  summary: "Edit your post",
  description: "The author only. Sets `editedAt`; newly mentioned members are notified, earlier ones not again.",
  ...signedIn,
  request: { params: postIdParam, ...body(updatePostInput) },
  responses: { 200: { description: "The edited post.", content: json(postSchema) }, ...unauthorized, ...forbidden, ...postNotFound, ...bodyTooLargeResponse, ...problemResponses },
});

const deletePostRoute = createRoute({
  method: "delete",
  path: "/posts/{id}",
  tags: ["Posts"],
  summary: "Delete a post",
  description: "The author, the group's admins and moderators for group posts, or site moderators.",
  ...signedIn,
  request: { params: postIdParam },
  responses: { 204: { description: "Deleted." }, ...unauthorized, ...forbidden, ...postNotFound, ...problemResponses },
});

const listCommentsRoute = createRoute({
  method: "get",
  path: "/posts/{id}/comments",
  tags: ["Comments"],
  summary: "Comments on a post",
  description: "Top-level comments oldest first, each with its replies. Comments of members you blocked or who blocked you, and of members you muted, are left out.",
  request: { params: postIdParam, query: pageQuery },
  responses: { 200: { description: "A page of comments.", content: json(commentPageSchema) }, ...postNotFound, ...problemResponses },
});

const createCommentRoute = createRoute({
  method: "post",
  path: "/posts/{id}/comments",
  tags: ["Comments"],
  summary: "Comment or reply",
  description: "With `parentId` it is a reply; a reply to a reply attaches to its top-level comment (one level of replies). Notifies the post's author and the replied-to member.",
  ...signedIn,
  request: { params: postIdParam, ...body(createCommentInput) },
  responses: { 201: { description: "Created.", content: json(commentSchema) }, ...unauthorized, ...forbidden, ...postNotFound, ...bodyTooLargeResponse, ...problemResponses },
});

const updateCommentRoute = createRoute({
  method: "patch",
  path: "/posts/{id}/comments/{commentId}",
  tags: ["Comments"],
  summary: "Edit your comment",
  ...signedIn,
  request: { params: commentParams, ...body(updateCommentInput) },
  responses: { 200: { description: "The edited comment.", content: json(replySchema) }, ...unauthorized, ...forbidden, 404: problem("No such comment you can read."), ...bodyTooLargeResponse, ...problemResponses },
});

const deleteCommentRoute = createRoute({
  method: "delete",
  path: "/posts/{id}/comments/{commentId}",
  tags: ["Comments"],
  summary: "Delete a comment",
  description: "Its author or the post's author. A top-level comment takes its replies with it.",
  ...signedIn,
  request: { params: commentParams },
  responses: { 204: { description: "Deleted." }, ...unauthorized, ...forbidden, 404: problem("No such comment you can read."), ...problemResponses },
});

const setReactionRoute = createRoute({
  method: "put",
  path: "/posts/{id}/reaction",
  tags: ["Reactions"],
  summary: "React to a post",
  description: "One reaction per member per post; PUT again to change it.",
  ...signedIn,
  request: { params: postIdParam, ...body(reactionInput) },
  responses: { 200: { description: "Counts now and your reaction.", content: json(reactionResultSchema) }, ...unauthorized, ...forbidden, ...postNotFound, ...problemResponses },
});

const removeReactionRoute = createRoute({
  method: "delete",
  path: "/posts/{id}/reaction",
  tags: ["Reactions"],
  summary: "Take back your reaction",
  ...signedIn,
  request: { params: postIdParam },
  responses: { 200: { description: "Counts now.", content: json(reactionResultSchema) }, ...unauthorized, ...postNotFound, ...problemResponses },
});

const feedRoute = createRoute({
  method: "get",
  path: "/feed",
  tags: ["Feed"],
  summary: "Your feed",
  description:
    "`following` (members only): your posts, posts of people you follow and posts in your groups. `city`: public posts and memories from your home city, or from `city` (visitors must give one). Newest first; `nextCursor` pages stay stable while new posts arrive.",
  request: { query: feedQuery },
  responses: {
    200: { description: "A page of posts.", content: json(postPageSchema.extend({ city: z.object({ slug: z.string(), name: z.string() }).nullable() })) },
    ...unauthorized,
    404: problem("No such city."),
    ...problemResponses,
  },
});

const groupPostsRoute = createRoute({
  method: "get",
  path: "/groups/{slug}/posts",
  tags: ["Posts"],
  summary: "A group's posts",
  description: "Only the group's active members can read its posts; everyone else gets an empty list.",
  request: { params: z.object({ slug: z.string().min(1).max(100).meta({ description: "Group slug." }) }), query: pageQuery },
  responses: { 200: { description: "A page of posts.", content: json(postPageSchema) }, 404: problem("No such group."), ...problemResponses },
});

const userPostsRoute = createRoute({
  method: "get",
  path: "/users/{handle}/posts",
  tags: ["Posts"],
  summary: "A member's posts",
  description: "The posts you may read, newest first; `memories=true` keeps only memories of events.",
  request: {
    params: z.object({ handle: handleSchema }),
    query: pageQuery.extend({ memories: z.enum(["true", "false"], { error: "memories must be true or false" }).optional() }),
  },
  responses: { 200: { description: "A page of posts.", content: json(postPageSchema) }, 404: problem("No such member."), ...problemResponses },
});

const memoriesRoute = createRoute({
  method: "get",
  path: "/events/{id}/memories",
  tags: ["Posts"],
  summary: "Memories of an event",
  description: "Posts written about this event that you may read, newest first.",
  request: { params: z.object({ id: z.string().min(1).max(64).meta({ description: "Event id." }) }), query: pageQuery },
  responses: { 200: { description: "A page of posts.", content: json(postPageSchema) }, 404: problem("No such event."), ...problemResponses },
});

export const postsApi = apiRouter()
  .openapi(createPostRoute, async (c) => {
    const post = await createPost(c.var.ctx, c.req.valid("json"));
    c.header("Location", `/api/v1/posts/${post.id}`);
    return c.json(post, 201);
  })
  .openapi(getPostRoute, async (c) => c.json(await getPost(c.var.ctx, c.req.valid("param").id), 200))
  .openapi(updatePostRoute, async (c) => c.json(await updatePost(c.var.ctx, c.req.valid("param").id, c.req.valid("json")), 200))
  .openapi(deletePostRoute, async (c) => {
    await deletePost(c.var.ctx, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(listCommentsRoute, async (c) => c.json(await listComments(c.var.ctx, c.req.valid("param").id, c.req.valid("query")), 200))
  .openapi(createCommentRoute, async (c) => c.json(await createComment(c.var.ctx, c.req.valid("param").id, c.req.valid("json")), 201))
  .openapi(updateCommentRoute, async (c) => {
    const { id, commentId } = c.req.valid("param");
    return c.json(await updateComment(c.var.ctx, id, commentId, c.req.valid("json").body), 200);
  })
  .openapi(deleteCommentRoute, async (c) => {
    const { id, commentId } = c.req.valid("param");
    await deleteComment(c.var.ctx, id, commentId);
    return c.body(null, 204);
  })
  .openapi(setReactionRoute, async (c) => c.json(await setReaction(c.var.ctx, c.req.valid("param").id, c.req.valid("json").type), 200))
  .openapi(removeReactionRoute, async (c) => c.json(await removeReaction(c.var.ctx, c.req.valid("param").id), 200))
  .openapi(feedRoute, async (c) => c.json(await getFeed(c.var.ctx, c.req.valid("query")), 200))
  .openapi(groupPostsRoute, async (c) => c.json(await listGroupPosts(c.var.ctx, c.req.valid("param").slug, c.req.valid("query")), 200))
  .openapi(userPostsRoute, async (c) => {
    const { memories, ...page } = c.req.valid("query");
    return c.json(await listUserPosts(c.var.ctx, c.req.valid("param").handle, { ...page, memories: memories === "true" }), 200);
  })
  .openapi(memoriesRoute, async (c) => c.json(await listEventMemories(c.var.ctx, c.req.valid("param").id, c.req.valid("query")), 200));
