import { z } from "zod";
import { conversationRoles, conversationTypes } from "../../db/schema/conversations";
import { MAX_MESSAGE_CHARS, messageBodyProblem } from "../../durable-objects/chat-protocol";
import { handleSchema } from "./auth";
import { cursorParam, limitParam } from "./common";

/** At most this many members in a group conversation (event rooms have no cap). */
export const MAX_GROUP_MEMBERS = 100;
export const MAX_TITLE_CHARS = 80;

/** A handle as typed: "@Ana_Baila" and "ana_baila" name the same member. */
const handleInput = z
  .string({ error: "each member is a handle, e.g. ana_baila" })
  .max(31, "handle must be 3–30 characters of a–z, 0–9 and _")
  .transform((value) => value.replace(/^@/, "").toLowerCase())
  .pipe(handleSchema);

const titleInput = z
  .string({ error: "title is text" })
  .transform((value) => value.trim())
  .pipe(
    z
      .string()
      .min(1, "title must not be empty")
      .max(MAX_TITLE_CHARS, `title is at most ${MAX_TITLE_CHARS} characters`)
      .regex(/^[^\p{Cc}\u202A-\u202E\u2066-\u2069]*$/u, "title must not contain control characters"),
  );

export const startConversationInput = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("direct"), with: handleInput }).strict(),
    z
      .object({
        type: z.literal("group"),
        title: titleInput,
        members: z
          .array(handleInput)
          .min(1, "a group conversation needs at least one other member")
          .max(MAX_GROUP_MEMBERS - 1, `a group conversation has at most ${MAX_GROUP_MEMBERS} members`),
      })
      .strict(),
  ])
  .meta({ id: "StartConversation", description: '`{type: "direct", with: handle}` finds or starts the one conversation with that member; `{type: "group", title, members}` starts a group.' });
export type StartConversationInput = z.infer<typeof startConversationInput>;

export const updateConversationInput = z
  .object({ title: titleInput.optional(), muted: z.boolean({ error: "muted is true or false" }).optional() })
  .strict()
  .refine((value) => value.title !== undefined || value.muted !== undefined, "give a title, muted, or both")
  .meta({ id: "UpdateConversation", description: "`title` renames a group (its admins only); `muted` silences notifications for you only." });
export type UpdateConversationInput = z.infer<typeof updateConversationInput>;

export const addMembersInput = z
  .object({ handles: z.array(handleInput).min(1, "name at least one member").max(MAX_GROUP_MEMBERS - 1, `at most ${MAX_GROUP_MEMBERS - 1} at once`) })
  .strict()
  .meta({ id: "AddConversationMembers" });
export type AddMembersInput = z.infer<typeof addMembersInput>;

const messageBody = z.string({ error: "body is the message text" }).superRefine((value, issue) => {
  const problem = messageBodyProblem(value);
  if (problem) issue.addIssue({ code: "custom", message: problem });
});

const clientIdInput = z
  .string({ error: "clientId is required: a UUID you make, so a retry is not sent twice" })
  .min(1)
  .max(64, "clientId is at most 64 characters")
  .regex(/^[A-Za-z0-9_-]+$/, "clientId is letters, digits, - and _ (a UUID works)");

export const sendMessageInput = z
  .object({
    clientId: clientIdInput,
    body: messageBody.meta({ description: `1–${MAX_MESSAGE_CHARS} characters.` }),
  })
  .strict()
  .meta({ id: "SendMessage", description: "The same `clientId` sent again is acknowledged with the original seq and not stored twice." });
export type SendMessageInput = z.infer<typeof sendMessageInput>;

const seqParam = (name: string) =>
  z
    .string({ error: `${name} must be a message seq` })
    .regex(/^[0-9]{1,15}$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(1, `${name} must be at least 1`));

export const historyQuery = z.object({
  before: seqParam("before").optional().meta({ description: "Messages older than this seq; omit for the newest.", type: "integer" }),
  limit: limitParam,
});
export type HistoryQuery = z.infer<typeof historyQuery>;

/** `:seq` in /conversations/:id/messages/:seq: a message's seq (a positive whole number). */
export const messageSeqParam = seqParam("seq").meta({ description: "The message's seq.", type: "integer" });

export const editMessageInput = z
  .object({
    clientId: clientIdInput.meta({ description: "Yours, to correlate the change (recorded on the edit event)." }),
    body: messageBody.meta({ description: `The new text: 1–${MAX_MESSAGE_CHARS} characters, as for sending.` }),
  })
  .strict()
  .meta({ id: "EditMessage", description: "Replaces the text of one of your own messages; everyone in the room sees an `edit` event." });
export type EditMessageInput = z.infer<typeof editMessageInput>;

export const deleteMessageQuery = z.object({
  clientId: clientIdInput.optional().meta({ description: "Yours, to correlate the change (recorded on the delete event); one is made when omitted." }),
});

export const markReadInput = z
  .object({ seq: z.int({ error: "seq must be a whole number" }).min(0).max(Number.MAX_SAFE_INTEGER) })
  .strict()
  .meta({ id: "MarkConversationRead", description: "Everything up to `seq` is read; a lower seq than before changes nothing." });

export const inboxQuery = z.object({ cursor: cursorParam, limit: limitParam });
export type InboxQuery = z.infer<typeof inboxQuery>;

export const chatMemberSchema = z
  .object({
    id: z.string().meta({ description: "The member's id, as `senderId` in messages." }),
    handle: z.string(),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
    role: z.enum(conversationRoles),
  })
  .meta({ id: "ChatMember" });
export type ChatMember = z.infer<typeof chatMemberSchema>;

export const conversationSchema = z
  .object({
    id: z.string(),
    type: z.enum(conversationTypes),
    title: z.string().meta({ description: "The group's title, the event's title, or the other member's name." }),
    other: chatMemberSchema.nullable().meta({ description: "Direct conversations: the other member (null once they deleted their account)." }),
    event: z.object({ id: z.string(), title: z.string() }).nullable(),
    memberCount: z.number().int(),
    lastMessage: z
      .object({ seq: z.number().int(), preview: z.string().nullable(), senderId: z.string().nullable(), sentAt: z.string() })
      .nullable()
      .meta({ description: "`preview` is null when the message was deleted." }),
    unreadCount: z.number().int(),
    lastReadSeq: z.number().int(),
    muted: z.boolean(),
    myRole: z.enum(conversationRoles),
    canSend: z.boolean().meta({ description: "False in a direct conversation with a block between the two members." }),
    lastActivityAt: z.string(),
  })
  .meta({ id: "Conversation" });
export type ConversationDto = z.infer<typeof conversationSchema>;

export const conversationDetailSchema = conversationSchema
  .extend({ members: z.array(chatMemberSchema) })
  .meta({ id: "ConversationDetail", description: "A conversation with its members (for a group of at most 100; an event room lists its first 500)." });
export type ConversationDetailDto = z.infer<typeof conversationDetailSchema>;

export const inboxPageSchema = z
  .object({ data: z.array(conversationSchema), nextCursor: z.string().nullable(), unreadConversations: z.number().int() })
  .meta({ id: "Inbox", description: "Newest activity first; pass `nextCursor` back as `cursor` for older ones." });
export type InboxPage = z.infer<typeof inboxPageSchema>;

export const messageSchema = z
  .object({
    seq: z.number().int(),
    clientId: z.string(),
    senderId: z.string(),
    body: z.string().nullable().meta({ description: "Null once deleted (a tombstone)." }),
    sentAt: z.string(),
    editedAt: z.string().nullable(),
    deletedAt: z.string().nullable(),
  })
  .meta({ id: "ChatMessage" });

export const messagePageSchema = z
  .object({
    data: z.array(messageSchema).meta({ description: "Oldest first within the page." }),
    nextBefore: z.number().int().nullable().meta({ description: "Pass as `before` for older messages; null at the beginning." }),
    lastSeq: z.number().int().meta({ description: "The newest seq in the room now: connect with `since` set to it." }),
  })
  .meta({ id: "ChatMessagePage" });
export type MessagePage = z.infer<typeof messagePageSchema>;

export const sendResultSchema = z
  .object({ seq: z.number().int(), duplicate: z.boolean(), message: messageSchema })
  .meta({ id: "SendMessageResult" });

export const messageChangeResultSchema = z
  .object({
    seq: z.number().int().meta({ description: "The edit or delete event's own seq (a reconnecting socket replays it after `since`)." }),
    message: messageSchema,
  })
  .meta({ id: "ChatMessageChange", description: "`message` is the message as it reads now: edited (`editedAt` set), or a tombstone (`body` null, `deletedAt` set)." });
export type MessageChangeResult = z.infer<typeof messageChangeResultSchema>;

export const ticketSchema = z
  .object({ ticket: z.string(), expiresAt: z.string(), url: z.string().meta({ description: "Open a WebSocket here; add `&since=<seq>` to catch up." }) })
  .meta({ id: "ChatTicket", description: "Single use, valid for 60 s, for you and this conversation only." });
export type TicketDto = z.infer<typeof ticketSchema>;

export const eventRoomStatusSchema = z
  .object({
    conversationId: z.string().nullable().meta({ description: "The event's room, or null before anyone joined it." }),
    joined: z.boolean().meta({ description: "You are in the room." }),
    canJoin: z.boolean().meta({ description: "You may join (or rejoin) now: going to a date of the event or organizing it, email confirmed, event not cancelled." }),
  })
  .meta({ id: "EventRoomStatus" });
export type EventRoomStatus = z.infer<typeof eventRoomStatusSchema>;

export const readResultSchema = z
  .object({ readSeq: z.number().int().meta({ description: "Your read position now (never lower than before)." }) })
  .meta({ id: "ConversationReadResult" });
