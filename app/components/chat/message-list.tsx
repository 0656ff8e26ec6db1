import { useId, useState } from "react";
import { Form } from "react-router";
import type { ChatMessage } from "../../../durable-objects/chat-protocol";
import type { OutboxEntry } from "../../lib/chat-client";
import { dayKey, dayLabel, fullTime, linkify, messageTime } from "./format";

export const FORMER_MEMBER = "Former member";

/**
 * Editing and deleting your messages without JavaScript (and on an older page, which has no
 * live connection): "Edit" and "Delete" are links to `?edit=<seq>` / `?delete=<seq>`, which show
 * a plain form posting to the conversation's action.
 */
export interface PlainChanges {
  /** The conversation's address, with `?before=` when this is an older page. */
  conversationId: string;
  before: number | null;
  /** The forms' clientId (made when the page was rendered). */
  changeId: string;
  /** The message whose edit or delete form is open. */
  change: { kind: "edit" | "delete"; seq: number } | null;
  /** Why the last edit or delete was refused, and the text that was typed. */
  error: string | null;
  body?: string;
}

const changeHref = (plain: PlainChanges, param: string | null, seq: number) => {
  const query = [plain.before !== null ? `before=${plain.before}` : "", param ? `${param}=${seq}` : ""].filter(Boolean).join("&");
  return `/messages/${plain.conversationId}${query ? `?${query}` : ""}#m-${seq}`;
};

/**
 * The small buttons under a message. On phones each is a 44 px tall target; the negative
 * margin keeps the line as short as its text, so a run of messages does not spread out.
 */
const metaButton =
  "-my-3 inline-flex min-h-11 items-center rounded px-2 font-semibold underline-offset-2 hover:underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-tango-600 sm:my-0 sm:min-h-0 sm:px-1";

/** A message's text with its http(s) addresses as links (rel="nofollow ugc noopener", a new tab); the rest is plain text. */
export function MessageText({ text, mine }: { text: string; mine: boolean }) {
  return (
    <>
      {linkify(text).map((part, i) =>
        part.href ? (
          <a
            key={i}
            href={part.href}
            rel="nofollow ugc noopener"
            target="_blank"
            className={`underline underline-offset-2 ${mine ? "text-white decoration-white/70 hover:decoration-white" : "text-tango-700 hover:text-tango-800"}`}
          >
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </>
  );
}

export interface MessageActions {
  onStartEdit: (seq: number) => void;
  onCancelEdit: () => void;
  onSaveEdit: (seq: number, body: string) => void;
  onDelete: (seq: number) => void;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
}

/**
 * The conversation as a log: messages oldest first, then what is still on its way (the outbox).
 * Text is rendered as text (React escapes it); line breaks are kept with CSS.
 */
export function MessageItems({
  messages,
  outbox,
  myId,
  names,
  now,
  timeZone,
  receipt,
  editing,
  actions,
  unreadFrom = null,
  plain = null,
}: {
  messages: ChatMessage[];
  outbox: OutboxEntry[];
  myId: string;
  names: Record<string, string>;
  now: number;
  timeZone: string;
  receipt: { seq: number; text: string } | null;
  editing: number | null;
  /** Only once the page is live: edit, delete and retry need the connection. */
  actions: MessageActions | null;
  /** The seq of the first message that was unread when the page opened: a "New messages" line goes above it. */
  unreadFrom?: number | null;
  /** Without a live connection: edit and delete through links and plain forms. */
  plain?: PlainChanges | null;
}) {
  return (
    <>
      {messages.map((message, i) => {
        const previous = messages[i - 1];
        const newDay = !previous || dayKey(previous.sentAt, timeZone) !== dayKey(message.sentAt, timeZone);
        const firstUnread = unreadFrom !== null && message.seq === unreadFrom;
        const startsRun =
          !previous || newDay || firstUnread || previous.senderId !== message.senderId || Date.parse(message.sentAt) - Date.parse(previous.sentAt) > 10 * 60_000;
        // In a run of messages from one sender the time shows once per minute (under the last of that minute).
        const next = messages[i + 1];
        const showTime =
          !next || next.senderId !== message.senderId || next.seq === unreadFrom || messageTime(next.sentAt, now, timeZone) !== messageTime(message.sentAt, now, timeZone);
        return (
          <MessageItem
            key={message.seq}
            message={message}
            mine={message.senderId === myId}
            senderName={names[message.senderId] ?? FORMER_MEMBER}
            showSender={startsRun}
            now={now}
            timeZone={timeZone}
            receipt={receipt?.seq === message.seq ? receipt.text : null}
            editing={editing === message.seq}
            actions={actions}
            day={newDay ? dayLabel(message.sentAt, now, timeZone) : null}
            firstUnread={firstUnread}
            plain={plain}
            showTime={showTime}
          />
        );
      })}
      {outbox.map((entry) => (
        <PendingItem key={entry.clientId} entry={entry} actions={actions} />
      ))}
    </>
  );
}

function MessageItem({
  message,
  mine,
  senderName,
  showSender,
  now,
  timeZone,
  receipt,
  editing,
  actions,
  day,
  firstUnread,
  plain,
  showTime = true,
}: {
  message: ChatMessage;
  mine: boolean;
  senderName: string;
  showSender: boolean;
  now: number;
  timeZone: string;
  receipt: string | null;
  editing: boolean;
  actions: MessageActions | null;
  /** "Today", "Yesterday", a date: shown above the first message of each day. */
  day: string | null;
  firstUnread: boolean;
  plain: PlainChanges | null;
  /** False inside a run of one sender's messages sent the same minute: the time is said once, under the last. */
  showTime?: boolean;
}) {
  const deleted = message.deletedAt !== null || message.body === null;
  // Without the live connection, your own messages get the plain links and forms.
  const plainOwn = mine && !deleted && !actions && plain ? plain : null;
  const plainChange = plainOwn?.change?.seq === message.seq ? plainOwn.change.kind : null;
  return (
    <li id={`m-${message.seq}`} data-seq={message.seq} className={`flex flex-col ${mine ? "items-end" : "items-start"} ${showSender ? "mt-3" : "mt-1"}`}>
      {day && (
        <p data-testid="day-separator" className="my-2 flex items-center gap-3 self-stretch text-xs font-semibold text-stone-600 before:h-px before:flex-1 before:bg-stone-200 after:h-px after:flex-1 after:bg-stone-200">
          <span>{day}</span>
        </p>
      )}
      {firstUnread && (
        <p id="first-unread" data-testid="unread-divider" className="my-2 flex scroll-mt-2 items-center gap-3 self-stretch text-xs font-bold text-tango-700 before:h-px before:flex-1 before:bg-tango-500/40 after:h-px after:flex-1 after:bg-tango-500/40">
          <span>New messages</span>
        </p>
      )}
      <p className={`text-xs font-semibold text-stone-600 ${showSender ? "" : "sr-only"}`}>{mine ? "You" : senderName}</p>
      {editing && actions && !deleted ? (
        <EditForm seq={message.seq} body={message.body ?? ""} actions={actions} />
      ) : plainOwn && plainChange === "edit" ? (
        <PlainEditForm seq={message.seq} body={plainOwn.body ?? message.body ?? ""} plain={plainOwn} />
      ) : (
        <div
          className={`max-w-[85%] rounded-2xl px-3.5 py-2 sm:max-w-[70%] ${
            deleted ? "border border-dashed border-stone-300 bg-transparent italic text-stone-500" : mine ? "bg-tango-600 text-white" : "bg-white text-ink shadow-sm ring-1 ring-stone-200"
          }`}
        >
          {deleted ? <p>Message deleted</p> : <p className="whitespace-pre-wrap [overflow-wrap:anywhere]"><MessageText text={message.body ?? ""} mine={mine} /></p>}
        </div>
      )}
      <p className="mt-0.5 flex flex-wrap items-center gap-x-2 px-1 text-xs text-stone-600">
        <time dateTime={message.sentAt} title={fullTime(message.sentAt, timeZone)} className={showTime ? undefined : "sr-only"}>
          {messageTime(message.sentAt, now, timeZone)}
        </time>
        {message.editedAt && !deleted && <span>{showTime ? "· edited" : "edited"}</span>}
        {receipt && (
          <span data-testid="receipt" className="font-semibold text-stone-700">
            · {receipt}
          </span>
        )}
        {plainOwn && plainChange === null && (
          <>
            <a href={changeHref(plainOwn, "edit", message.seq)} className={`${metaButton} text-stone-700`}>
              Edit<span className="sr-only"> your message</span>
            </a>
            <a href={changeHref(plainOwn, "delete", message.seq)} className={`${metaButton} text-red-700`}>
              Delete<span className="sr-only"> your message</span>
            </a>
          </>
        )}
        {mine && !deleted && actions && !editing && (
          <>
            <button type="button" data-edit onClick={() => actions.onStartEdit(message.seq)} className={`${metaButton} text-stone-700`}>
              Edit<span className="sr-only"> your message</span>
            </button>
            <button type="button" onClick={() => actions.onDelete(message.seq)} className={`${metaButton} text-red-700`}>
              Delete<span className="sr-only"> your message</span>
            </button>
          </>
        )}
      </p>
      {plainOwn && plainChange === "delete" && (
        <Form method="post" className="mt-1 flex flex-wrap items-center justify-end gap-2 rounded-xl bg-red-50 px-3 py-2 text-sm text-red-900">
          <input type="hidden" name="intent" value="delete" />
          <input type="hidden" name="seq" value={message.seq} />
          <input type="hidden" name="clientId" value={plainOwn.changeId} />
          {plainOwn.before !== null && <input type="hidden" name="before" value={plainOwn.before} />}
          {plainOwn.error && (
            <span role="alert" className="w-full font-semibold">
              {plainOwn.error}
            </span>
          )}
          <span>Delete this message for everyone?</span>
          <button type="submit" className="min-h-11 rounded-full bg-red-700 px-4 font-semibold text-white hover:bg-red-800 sm:min-h-0 sm:py-1">
            Delete
          </button>
          <a href={changeHref(plainOwn, null, message.seq)} className="inline-flex min-h-11 items-center rounded-full px-3 font-semibold text-stone-700 underline sm:min-h-0">
            Keep it
          </a>
        </Form>
      )}
    </li>
  );
}

/** The edit form without JavaScript: posts to the conversation's action; Cancel is a link back. */
function PlainEditForm({ seq, body, plain }: { seq: number; body: string; plain: PlainChanges }) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <Form method="post" className="flex w-full max-w-md flex-col gap-2">
      <input type="hidden" name="intent" value="edit" />
      <input type="hidden" name="seq" value={seq} />
      <input type="hidden" name="clientId" value={plain.changeId} />
      {plain.before !== null && <input type="hidden" name="before" value={plain.before} />}
      <label htmlFor={id} className="text-xs font-semibold text-stone-700">
        Edit your message
      </label>
      {plain.error && (
        <p id={errorId} role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">
          {plain.error}
        </p>
      )}
      <textarea
        id={id}
        name="body"
        defaultValue={body}
        required
        rows={3}
        maxLength={4000}
        aria-invalid={plain.error ? true : undefined}
        aria-describedby={plain.error ? errorId : undefined}
        className="rounded-xl border border-stone-300 bg-white px-3 py-2 text-base text-ink"
      />
      <span className="flex justify-end gap-2">
        <a href={changeHref(plain, null, seq)} className="inline-flex min-h-11 items-center rounded-full border border-stone-300 px-3 text-sm font-semibold text-stone-700 hover:bg-stone-100 sm:min-h-0 sm:py-1">
          Cancel
        </a>
        <button type="submit" className="min-h-11 rounded-full bg-tango-600 px-3 text-sm font-semibold text-white hover:bg-tango-700 sm:min-h-0 sm:py-1">
          Save
        </button>
      </span>
    </Form>
  );
}

function EditForm({ seq, body, actions }: { seq: number; body: string; actions: MessageActions }) {
  const [value, setValue] = useState(body);
  const id = useId();
  return (
    <form
      className="flex w-full max-w-md flex-col gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        if (value.trim() && value !== body) actions.onSaveEdit(seq, value);
        else actions.onCancelEdit();
      }}
    >
      <label htmlFor={id} className="sr-only">
        Edit your message
      </label>
      <textarea
        id={id}
        value={value}
        autoFocus
        rows={3}
        maxLength={4000}
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") actions.onCancelEdit();
        }}
        className="rounded-xl border border-stone-300 bg-white px-3 py-2 text-base text-ink"
      />
      <span className="flex justify-end gap-2">
        <button type="button" onClick={actions.onCancelEdit} className="rounded-full border border-stone-300 px-3 py-1 text-sm font-semibold text-stone-700 hover:bg-stone-100">
          Cancel
        </button>
        <button type="submit" className="rounded-full bg-tango-600 px-3 py-1 text-sm font-semibold text-white hover:bg-tango-700">
          Save
        </button>
      </span>
    </form>
  );
}

function PendingItem({ entry, actions }: { entry: OutboxEntry; actions: MessageActions | null }) {
  const failed = entry.state === "failed";
  return (
    <li data-client-id={entry.clientId} className="mt-1 flex flex-col items-end">
      <div className={`max-w-[85%] rounded-2xl px-3.5 py-2 sm:max-w-[70%] ${failed ? "bg-red-50 text-red-900 ring-1 ring-red-300" : "bg-tango-600/70 text-white"}`}>
        <p className="whitespace-pre-wrap [overflow-wrap:anywhere]">{entry.body}</p>
      </div>
      <p data-testid="pending-state" className="mt-0.5 flex flex-wrap items-center justify-end gap-x-2 px-1 text-xs text-stone-600">
        {failed ? (
          <>
            <span className="font-semibold text-red-800">Failed{entry.error ? `: ${entry.error}` : ""}</span>
            {actions && (
              <>
                <button type="button" onClick={() => actions.onRetry(entry.clientId)} className={`${metaButton} text-tango-700 underline`}>
                  Retry
                </button>
                <button type="button" onClick={() => actions.onDiscard(entry.clientId)} className={`${metaButton} text-stone-700 underline`}>
                  Discard
                </button>
              </>
            )}
          </>
        ) : (
          <span>Sending…</span>
        )}
      </p>
    </li>
  );
}
