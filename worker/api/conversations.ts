import { createRoute, z } from "@hono/zod-openapi";
import { handleSchema } from "../schemas/auth";
import {
  addMembersInput,
  conversationDetailSchema,
  conversationSchema,
  deleteMessageQuery,
  editMessageInput,
  eventRoomStatusSchema,
  historyQuery,
  inboxPageSchema,
  inboxQuery,
  markReadInput,
  messageChangeResultSchema,
  messagePageSchema,
  messageSeqParam,
  readResultSchema,
  sendMessageInput,
  sendResultSchema,
  startConversationInput,
  updateConversationInput,
} from "../schemas/conversations";
import {
  addMembers,
  deleteMessage,
  editMessage,
  eventRoomStatus,
  getConversation,
  joinEventRoom,
  leaveConversation,
  listInbox,
  listMessages,
  markConversationRead,
  removeMember,
  sendMessage,
  startConversation,
  updateConversation,
} from "../services/conversations";
import { uuidv7 } from "../lib/ids";
import { apiRouter } from "./router";
import { bodyTooLargeResponse, problem, problemResponses } from "./responses";

/** Conversations: inbox, start, members, history and sending over HTTP (docs/conversations.md, docs/chat.md). */

const tags = ["Chat"];
const signedIn = { security: [{ bearer: [] }] };
const idParams = z.object({ id: z.string().min(1).max(64).meta({ description: "Conversation id." }) });
const memberParams = idParams.extend({ handle: handleSchema });
const messageParams = idParams.extend({ seq: messageSeqParam });
const eventParams = z.object({ id: z.string().min(1).max(64).meta({ description: "Event id." }) });
const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: json(schema) } });
const unauthorized = { 401: problem("Not signed in.") };
const noConversation = {
  403: problem("An event room you have not joined (or no longer go to the event of)."),
  404: problem("No conversation with this id, or you are not in it."),
};

const startRoute = createRoute({
  method: "post",
  path: "/conversations",
  tags,
  summary: "Start a conversation",
  description:
    '`{type: "direct", with}` answers the one conversation between you and that member (201 when this call made it, 200 when it existed; the same id whoever starts it). `{type: "group", title, members}` starts a group with you as its admin. Needs a confirmed email.',
  ...signedIn,
  request: body(startConversationInput),
  responses: {
    201: { description: "Started.", content: json(conversationSchema) },
    200: { description: "The direct conversation you already had.", content: json(conversationSchema) },
    ...unauthorized,
    403: problem("Email not confirmed, or a block between you and that member."),
    422: problem("An unknown member, yourself, or a member with a block between you; `errors` names each (`with`, `members.N`)."),
    ...bodyTooLargeResponse,
    ...problemResponses,
  },
});

const inboxRoute = createRoute({
  method: "get",
  path: "/conversations",
  tags,
  summary: "My inbox",
  description: "Your conversations, newest activity first, with the last message and your unread count. `unreadConversations` counts those with unread messages that you have not muted.",
  ...signedIn,
  request: { query: inboxQuery },
  responses: { 200: { description: "A page of conversations.", content: json(inboxPageSchema) }, ...unauthorized, ...problemResponses },
});

const getRoute = createRoute({
  method: "get",
  path: "/conversations/{id}",
  tags,
  summary: "One conversation",
  description: "With its members (admins first; an event room lists its first 500).",
  ...signedIn,
  request: { params: idParams },
  responses: { 200: { description: "The conversation.", content: json(conversationDetailSchema) }, ...unauthorized, ...noConversation, ...problemResponses },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/conversations/{id}",
  tags,
  summary: "Rename or mute a conversation",
  description: "`title`: group admins only (409 for direct conversations and event rooms). `muted`: any member, for themself only.",
  ...signedIn,
  request: { params: idParams, ...body(updateConversationInput) },
  responses: {
    200: { description: "The conversation now.", content: json(conversationDetailSchema) },
    ...unauthorized,
    403: problem("Renaming needs a group admin; or an event room you have not joined."),
    404: noConversation[404],
    409: problem("Direct conversations and event rooms have no title of their own."),
    ...bodyTooLargeResponse,
    ...problemResponses,
  },
});

const addMembersRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/members",
  tags,
  summary: "Add members to a group",
  description: `Group admins. Members already in it are ignored. At most 100 members in all.`,
  ...signedIn,
  request: { params: idParams, ...body(addMembersInput) },
  responses: {
    200: { description: "The conversation now.", content: json(conversationDetailSchema) },
    ...unauthorized,
    403: problem("Not an admin of this group."),
    404: noConversation[404],
    409: problem("Direct conversations and event rooms take no added members."),
    422: problem("An unknown member, a member with a block between you (`handles.N`), or too many members (`handles`)."),
    ...bodyTooLargeResponse,
    ...problemResponses,
  },
});

const removeMemberRoute = createRoute({
  method: "delete",
  path: "/conversations/{id}/members/{handle}",
  tags,
  summary: "Remove a member (or yourself)",
  description: "Group admins remove others; anyone removes themself, which is leaving. Their open sockets close.",
  ...signedIn,
  request: { params: memberParams },
  responses: {
    204: { description: "Removed." },
    ...unauthorized,
    403: problem("Not an admin of this group."),
    404: problem("No conversation with this id that you are in, or no such member in it."),
    409: problem("A direct conversation can't lose a member; members of an event room leave by themselves."),
    ...problemResponses,
  },
});

const leaveRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/leave",
  tags,
  summary: "Leave a conversation",
  description: "Groups and event rooms. When the last admin of a group leaves, its longest-standing member becomes admin.",
  ...signedIn,
  request: { params: idParams },
  responses: {
    204: { description: "You left." },
    ...unauthorized,
    ...noConversation,
    409: problem("A direct conversation can't be left."),
    ...problemResponses,
  },
});

const historyRoute = createRoute({
  method: "get",
  path: "/conversations/{id}/messages",
  tags,
  summary: "Message history",
  description: "Members only; all history is visible to current members. Newest page first, each page oldest first; pass `nextBefore` as `before` for older ones.",
  ...signedIn,
  request: { params: idParams, query: historyQuery },
  responses: { 200: { description: "A page of messages.", content: json(messagePageSchema) }, ...unauthorized, ...noConversation, ...problemResponses },
});

const sendRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/messages",
  tags,
  summary: "Send a message",
  description: "As a WebSocket `send` frame would: stored, numbered and broadcast by the room. The same `clientId` again answers the original message with `duplicate: true` (200).",
  ...signedIn,
  request: { params: idParams, ...body(sendMessageInput) },
  responses: {
    201: { description: "Sent.", content: json(sendResultSchema) },
    200: { description: "Already sent with this clientId: the original.", content: json(sendResultSchema) },
    ...unauthorized,
    403: problem("A block between the two members of a direct conversation, a member who deleted their account, or an event room you may not use."),
    404: noConversation[404],
    422: problem("The room refused the body (`body`)."),
    429: problem("Too many messages: wait `Retry-After` seconds."),
    ...bodyTooLargeResponse,
    ...problemResponses,
  },
});

const changeErrors = {
  ...unauthorized,
  404: problem("No conversation with this id that you are in; no message with this seq (an edit or delete event's seq is not a message); or the message was deleted."),
  422: problem("The room refused the `clientId` or (editing) the `body`; `errors` names the field. (A `seq` that is not a positive whole number, or input that does not match the schema, is 400.)"),
};

const editRoute = createRoute({
  method: "patch",
  path: "/conversations/{id}/messages/{seq}",
  tags,
  summary: "Edit one of your messages",
  description:
    "As a WebSocket `edit` frame would: the room replaces the text and every open socket gets an `edit` event with its own seq. Counts against the same rate limit as sending. Answers that seq and the message as it reads now (`editedAt` set).",
  ...signedIn,
  request: { params: messageParams, ...body(editMessageInput) },
  responses: {
    200: { description: "Edited.", content: json(messageChangeResultSchema) },
    ...changeErrors,
    403: problem("Someone else's message; a block between the two members of a direct conversation or a member who deleted their account (sending and editing are closed); or an event room you may not use."),
    429: problem("Too many messages and edits: wait `Retry-After` seconds."),
    ...bodyTooLargeResponse,
    ...problemResponses,
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/conversations/{id}/messages/{seq}",
  tags,
  summary: "Delete one of your messages",
  description:
    "As a WebSocket `delete` frame would: the message stays in the history as a tombstone (`body` null, `deletedAt` set) and every open socket gets a `delete` event with its own seq. Possible even when a block closed sending. Answers 200 with that seq and the tombstone. `clientId` (optional query) is recorded on the event.",
  ...signedIn,
  request: { params: messageParams, query: deleteMessageQuery },
  responses: {
    200: { description: "Deleted: the tombstone.", content: json(messageChangeResultSchema) },
    ...changeErrors,
    403: problem("Someone else's message, or an event room you may not use."),
    ...problemResponses,
  },
});

const readRoute = createRoute({
  method: "post",
  path: "/conversations/{id}/read",
  tags,
  summary: "Mark read up to a message",
  description: "A read receipt: everything up to `seq` is read. A lower seq than before changes nothing.",
  ...signedIn,
  request: { params: idParams, ...body(markReadInput) },
  responses: { 200: { description: "Your read position now.", content: json(readResultSchema) }, ...unauthorized, ...noConversation, ...bodyTooLargeResponse, ...problemResponses },
});

const roomStatusRoute = createRoute({
  method: "get",
  path: "/events/{id}/room",
  tags,
  summary: "An event's room: does it exist, am I in it, may I join",
  ...signedIn,
  request: { params: eventParams },
  responses: { 200: { description: "The room's status for you.", content: json(eventRoomStatusSchema) }, ...unauthorized, 404: problem("No event with this id."), ...problemResponses },
});

const joinRoomRoute = createRoute({
  method: "post",
  path: "/events/{id}/room",
  tags,
  summary: "Join an event's room",
  description: "Going attendees (any date of the event) and organizers, with a confirmed email. Joining again changes nothing.",
  ...signedIn,
  request: { params: eventParams },
  responses: {
    200: { description: "The room.", content: json(conversationSchema) },
    ...unauthorized,
    403: problem("Not going to the event and not an organizer (RSVP as going to join), or email not confirmed."),
    404: problem("No event with this id."),
    409: problem("The event was cancelled."),
    ...problemResponses,
  },
});

export const conversationsApi = apiRouter()
  .openapi(startRoute, async (c) => {
    const { conversation, created } = await startConversation(c.var.ctx, c.req.valid("json"));
    return c.json(conversation, created ? 201 : 200);
  })
  .openapi(inboxRoute, async (c) => c.json(await listInbox(c.var.ctx, c.req.valid("query")), 200))
  .openapi(getRoute, async (c) => c.json(await getConversation(c.var.ctx, c.req.valid("param").id), 200))
  .openapi(updateRoute, async (c) => c.json(await updateConversation(c.var.ctx, c.req.valid("param").id, c.req.valid("json")), 200))
  .openapi(addMembersRoute, async (c) => c.json(await addMembers(c.var.ctx, c.req.valid("param").id, c.req.valid("json")), 200))
  .openapi(removeMemberRoute, async (c) => {
    const { id, handle } = c.req.valid("param");
    await removeMember(c.var.ctx, id, handle);
    return c.body(null, 204);
  })
  .openapi(leaveRoute, async (c) => {
    await leaveConversation(c.var.ctx, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(historyRoute, async (c) => c.json(await listMessages(c.var.ctx, c.req.valid("param").id, c.req.valid("query")), 200))
  .openapi(sendRoute, async (c) => {
    const result = await sendMessage(c.var.ctx, c.req.valid("param").id, c.req.valid("json"));
    return c.json(result, result.duplicate ? 200 : 201);
  })
  .openapi(editRoute, async (c) => {
    const { id, seq } = c.req.valid("param");
    return c.json(await editMessage(c.var.ctx, id, seq, c.req.valid("json")), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { id, seq } = c.req.valid("param");
    return c.json(await deleteMessage(c.var.ctx, id, seq, c.req.valid("query").clientId ?? uuidv7()), 200);
  })
  .openapi(readRoute, async (c) => c.json(await markConversationRead(c.var.ctx, c.req.valid("param").id, c.req.valid("json").seq), 200))
  .openapi(roomStatusRoute, async (c) => c.json(await eventRoomStatus(c.var.ctx, c.req.valid("param").id), 200))
  .openapi(joinRoomRoute, async (c) => c.json(await joinEventRoom(c.var.ctx, c.req.valid("param").id), 200));
