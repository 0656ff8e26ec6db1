import { useId, useState } from "react";
import type { ChatMessage } from "../../../durable-objects/chat-protocol";
import type { OutboxEntry } from "../../lib/chat-client";
import { fullTime, messageTime } from "./format";

export const FORMER_MEMBER = "Former member";

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
}) {
  return (
    <>
      {messages.map((message, i) => {
        const previous = messages[i - 1];
        const startsRun = !previous || previous.senderId !== message.senderId || Date.parse(message.sentAt) - Date.parse(previous.sentAt) > 10 * 60_000;
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
}) {
  const deleted = message.deletedAt !== null || message.body === null;
  return (
    <li id={`m-${message.seq}`} data-seq={message.seq} className={`flex flex-col ${mine ? "items-end" : "items-start"} ${showSender ? "mt-3" : "mt-1"}`}>
      <p className={`text-xs font-semibold text-stone-600 ${showSender ? "" : "sr-only"}`}>{mine ? "You" : senderName}</p>
      {editing && actions && !deleted ? (
        <EditForm seq={message.seq} body={message.body ?? ""} actions={actions} />
      ) : (
        <div
          className={`max-w-[85%] rounded-2xl px-3.5 py-2 sm:max-w-[70%] ${
            deleted ? "border border-dashed border-stone-300 bg-transparent italic text-stone-500" : mine ? "bg-tango-600 text-white" : "bg-white text-ink shadow-sm ring-1 ring-stone-200"
          }`}
        >
          {deleted ? <p>Message deleted</p> : <p className="whitespace-pre-wrap break-words [overflow-wrap:anywhere]">{message.body}</p>}
        </div>
      )}
      <p className="mt-0.5 flex flex-wrap items-center gap-x-2 px-1 text-xs text-stone-600">
        <time dateTime={message.sentAt} title={fullTime(message.sentAt, timeZone)}>
          {messageTime(message.sentAt, now, timeZone)}
        </time>
        {message.editedAt && !deleted && <span>· edited</span>}
        {receipt && (
          <span data-testid="receipt" className="font-semibold text-stone-700">
            · {receipt}
          </span>
        )}
        {mine && !deleted && actions && !editing && (
          <>
            <button type="button" onClick={() => actions.onStartEdit(message.seq)} className="rounded px-1 font-semibold text-stone-700 underline-offset-2 hover:underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-tango-600">
              Edit<span className="sr-only"> your message</span>
            </button>
            <button type="button" onClick={() => actions.onDelete(message.seq)} className="rounded px-1 font-semibold text-red-700 underline-offset-2 hover:underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-tango-600">
              Delete<span className="sr-only"> your message</span>
            </button>
          </>
        )}
      </p>
    </li>
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
        <p className="whitespace-pre-wrap break-words [overflow-wrap:anywhere]">{entry.body}</p>
      </div>
      <p data-testid="pending-state" className="mt-0.5 flex flex-wrap items-center justify-end gap-x-2 px-1 text-xs text-stone-600">
        {failed ? (
          <>
            <span className="font-semibold text-red-800">Failed{entry.error ? `: ${entry.error}` : ""}</span>
            {actions && (
              <>
                <button type="button" onClick={() => actions.onRetry(entry.clientId)} className="rounded px-1 font-semibold text-tango-700 underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-tango-600">
                  Retry
                </button>
                <button type="button" onClick={() => actions.onDiscard(entry.clientId)} className="rounded px-1 font-semibold text-stone-700 underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-tango-600">
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
