import { useEffect, useState } from "react";
import type { ChatMessage } from "../../../durable-objects/chat-protocol";
import type { ConversationDto } from "../../../worker/schemas/conversations";
import { ChatAvatar } from "./avatar";
import { countLabel, fullTime, previewText, relativeTime } from "./format";

const TYPE_LABELS = { direct: "Direct message", group: "Group", event: "Event chat" } as const;

/** One line of the inbox: a link to the conversation with its picture, title, preview, time, unread count and muted mark. */
export function InboxItem({ conversation, myId, now, current }: { conversation: ConversationDto; myId: string; now: number; current: boolean }) {
  // The open conversation is being read: its count is stale the moment the page shows.
  const unread = current ? 0 : conversation.unreadCount;
  const live = useLiveLastMessage(conversation.id, current);
  const shown: ConversationDto = live ? { ...conversation, lastMessage: { seq: live.seq, preview: live.body, senderId: live.senderId, sentAt: live.sentAt } } : conversation;
  const when = shown.lastMessage?.sentAt ?? conversation.lastActivityAt;
  return (
    <li>
      <a
        href={`/messages/${conversation.id}`}
        aria-current={current ? "page" : undefined}
        className={`flex items-center gap-3 rounded-xl px-3 py-2.5 focus-visible:outline focus-visible:outline-2 focus-visible:outline-tango-600 ${
          current ? "bg-tango-50" : "hover:bg-stone-100"
        }`}
      >
        <ChatAvatar name={conversation.title} avatarUrl={conversation.other?.avatarUrl ?? null} group={conversation.type !== "direct"} />
        <span className="min-w-0 flex-1">
          <span className="flex items-baseline gap-2">
            <span className={`min-w-0 flex-1 truncate ${unread > 0 ? "font-bold text-ink" : "font-semibold text-stone-800"}`}>{conversation.title}</span>
            <time dateTime={when} title={fullTime(when)} className="shrink-0 text-xs text-stone-600">
              {relativeTime(when, now)}
            </time>
          </span>
          <span className="flex items-center gap-2">
            <span className={`min-w-0 flex-1 truncate text-sm ${unread > 0 ? "text-ink" : "text-stone-600"}`}>
              <span className="sr-only">{TYPE_LABELS[conversation.type]}. </span>
              {previewText(shown, myId)}
            </span>
            {conversation.muted && (
              <svg role="img" aria-label="Muted" viewBox="0 0 24 24" className="h-4 w-4 shrink-0 text-stone-500" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
                <title>Muted</title>
                <path d="M11 5 6 9H2v6h4l5 4V5z" />
                <path d="m23 9-6 6M17 9l6 6" />
              </svg>
            )}
            {unread > 0 && (
              <span data-testid="conversation-unread" className="shrink-0 rounded-full bg-tango-600 px-2 text-xs font-bold leading-5 text-white">
                {countLabel(unread)}
                <span className="sr-only"> unread</span>
              </span>
            )}
          </span>
        </span>
      </a>
    </li>
  );
}

/** The event the open conversation's view sends when its newest message changes. */
export const LAST_MESSAGE_EVENT = "mt:chat-last-message";
export type LastMessageDetail = { conversationId: string; message: ChatMessage };

/** The open conversation's line follows its live newest message (other lines refresh on navigation). */
function useLiveLastMessage(conversationId: string, current: boolean): ChatMessage | null {
  const [last, setLast] = useState<ChatMessage | null>(null);
  useEffect(() => {
    if (!current) return;
    const listener = (event: Event) => {
      const detail = (event as CustomEvent<LastMessageDetail>).detail;
      if (detail?.conversationId === conversationId) setLast(detail.message);
    };
    window.addEventListener(LAST_MESSAGE_EVENT, listener);
    return () => window.removeEventListener(LAST_MESSAGE_EVENT, listener);
  }, [conversationId, current]);
  return current ? last : null;
}
