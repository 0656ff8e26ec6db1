import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { ChatMessage } from "../../../durable-objects/chat-protocol";
import type { ChatMember, ConversationDetailDto, MessagePage } from "../../../worker/schemas/conversations";
import { applyFrame, ChatClient, mergeMessages, receiptFor, TYPING_SHOWN_MS, type ChatStatus, type OutboxEntry, type RoomState } from "../../lib/chat-client";
import { ChatAvatar } from "./avatar";
import { LAST_MESSAGE_EVENT, type LastMessageDetail } from "./inbox-item";
import { Composer } from "./composer";
import { MessageItems, type MessageActions, type PlainChanges } from "./message-list";
import { TypingIndicator } from "./typing-indicator";

// useLayoutEffect warns during server rendering; the scroll work only matters in the browser.
const useBrowserLayoutEffect = typeof document === "undefined" ? useEffect : useLayoutEffect;

interface Props {
  conversation: ConversationDetailDto;
  myId: string;
  initial: MessagePage;
  /** Made when the page was rendered: the no-JavaScript form's idempotency key. */
  clientId: string;
  /** False on an older page (?before=): that page is a static view of history. */
  live: boolean;
  now: number;
  formError?: string | null;
  formBody?: string;
  /** Edit and delete without JavaScript: which form is open (?edit=, ?delete=), its clientId and last refusal. */
  plainChanges?: Omit<PlainChanges, "conversationId">;
  /** The conversation's settings (mute, members…), shown under the header; given who is online now. */
  settings?: (online: Set<string>) => ReactNode;
}

/**
 * One conversation. The server renders the newest messages and a composer that works as a
 * plain form; after hydration a ChatClient connects to the room and the view goes live:
 * new messages, edits and deletes, typing, presence and read receipts, the outbox with its
 * sending/failed states, and older history fetched when scrolled to the top.
 */
export function ConversationView({ conversation, myId, initial, clientId, live, now, formError, formBody, plainChanges, settings }: Props) {
  const [room, setRoom] = useState<RoomState>(() => ({ messages: initial.data, lastSeq: initial.lastSeq, reads: {}, online: [] }));
  const [outbox, setOutbox] = useState<OutboxEntry[]>([]);
  const [status, setStatus] = useState<{ status: ChatStatus; retryInMs?: number; message?: string } | null>(null);
  const [typing, setTyping] = useState<Record<string, number>>({});
  const [nextBefore, setNextBefore] = useState(initial.nextBefore);
  const [loadingOlder, setLoadingOlder] = useState(false);
  // Opened at ?edit=<seq>: once live, the same message is in its (live) edit form.
  const [editing, setEditing] = useState<number | null>(plainChanges?.change?.kind === "edit" ? plainChanges.change.seq : null);
  const [problem, setProblem] = useState<string | null>(null);
  const [hydrated, setHydrated] = useState(false);
  const [timeZone, setTimeZone] = useState("UTC");
  const [clock, setClock] = useState(now);
  const [newBelow, setNewBelow] = useState(false);
  const [extraMembers, setExtraMembers] = useState<ChatMember[]>([]);
  // Where the unread part began when the page opened: a "New messages" line stays there while it is open.
  const [unreadFrom] = useState(() => (live ? (initial.data.find((m) => m.seq > conversation.lastReadSeq && m.senderId !== myId)?.seq ?? null) : null));
  // Older history put into the log is not news: screen readers are not told about it.
  const [quiet, setQuiet] = useState(false);
  const client = useRef<ChatClient | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const lastHeight = useRef(0);
  const loading = useRef(false);
  const askedFor = useRef(new Set<string>());

  const members = useMemo(() => [...conversation.members, ...extraMembers.filter((m) => !conversation.members.some((k) => k.id === m.id))], [conversation.members, extraMembers]);
  const names = useMemo(() => Object.fromEntries(members.map((m) => [m.id, m.displayName])), [members]);
  const direct = conversation.type === "direct";
  const canWrite = conversation.canSend && status?.status !== "gone";

  // After hydration: the reader's zone, a ticking clock, and the live connection.
  useEffect(() => {
    setHydrated(true);
    try {
      setTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
    } catch {
      // keep UTC
    }
    const tick = setInterval(() => {
      setClock(Date.now());
      setTyping((current) => {
        const left = Object.entries(current).filter(([, until]) => until > Date.now());
        return left.length === Object.keys(current).length ? current : Object.fromEntries(left);
      });
    }, 1_000);
    return () => clearInterval(tick);
  }, []);

  useEffect(() => {
    if (!live) return;
    const chat = new ChatClient({
      conversationId: conversation.id,
      userId: myId,
      since: initial.lastSeq,
      onFrame: (frame) => {
        setRoom((state) => applyFrame(state, frame));
        if (frame.type === "typing" && frame.userId !== myId) setTyping((current) => ({ ...current, [frame.userId]: Date.now() + TYPING_SHOWN_MS }));
        if (frame.type === "message")
          setTyping((current) => {
            if (!(frame.senderId in current)) return current;
            const { [frame.senderId]: _gone, ...rest } = current;
            return rest;
          });
      },
      onStatus: (next, detail) => setStatus({ status: next, ...detail }),
      onOutbox: setOutbox,
      onProblem: setProblem,
    });
    client.current = chat;
    chat.start();
    return () => {
      chat.stop();
      client.current = null;
    };
    // One connection per conversation page; `initial` is only the starting point.
  }, [conversation.id, live, myId]);

  // The inbox beside the conversation shows its newest message as it arrives.
  const newest = room.messages.at(-1);
  useEffect(() => {
    if (!hydrated || !newest) return;
    window.dispatchEvent(new CustomEvent<LastMessageDetail>(LAST_MESSAGE_EVENT, { detail: { conversationId: conversation.id, message: newest } }));
  }, [hydrated, newest, conversation.id]);

  // Read receipts: whatever is on screen while the page is visible is read.
  useEffect(() => {
    if (status?.status !== "live") return;
    const markRead = () => {
      if (document.visibilityState === "visible") client.current?.read(room.lastSeq);
    };
    markRead();
    document.addEventListener("visibilitychange", markRead);
    return () => document.removeEventListener("visibilitychange", markRead);
  }, [room.lastSeq, status?.status]);

  // A sender the page does not know (they joined after it loaded): fetch the member list once.
  useEffect(() => {
    if (!hydrated) return;
    const unknown = room.messages.some((m) => !(m.senderId in names) && !askedFor.current.has(m.senderId));
    if (!unknown) return;
    for (const m of room.messages) askedFor.current.add(m.senderId);
    void fetch(`/api/v1/conversations/${encodeURIComponent(conversation.id)}`, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((res) => (res.ok ? (res.json() as Promise<ConversationDetailDto>) : null))
      .then((detail) => detail && setExtraMembers(detail.members))
      .catch(() => undefined);
  }, [room.messages, names, hydrated, conversation.id]);

  // The list is a column-reverse scroller: the browser starts it at the newest message (no
  // JavaScript needed) and older pages added at the top leave the view where it was. New
  // messages at the bottom would push the view up unless we are already at the bottom.
  const tail = `${room.messages.at(-1)?.seq ?? 0}/${outbox.length}`;
  useBrowserLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const grown = el.scrollHeight - lastHeight.current;
    if (atBottom.current) {
      el.scrollTop = 0;
    } else if (grown > 0 && lastHeight.current > 0) {
      el.scrollTop -= grown;
      if (room.messages.at(-1)?.senderId !== myId) setNewBelow(true);
    }
  }, [tail]);
  useBrowserLayoutEffect(() => {
    if (scroller.current) lastHeight.current = scroller.current.scrollHeight;
  });

  // Opening with more unread than fits: start at the "New messages" line rather than the newest
  // message. Placed again when web fonts arrive (they change the height of the messages below
  // the line), unless the reader has scrolled meanwhile.
  useEffect(() => {
    let placedAt: number | null = null;
    let frame = 0;
    const place = () => {
      const el = scroller.current;
      const divider = el?.querySelector<HTMLElement>("#first-unread");
      if (!el || !divider) return;
      if (placedAt === null ? !atBottom.current : el.scrollTop !== placedAt) return;
      // Only the history scrolls (scrollIntoView would move the whole page on a phone too).
      const above = divider.getBoundingClientRect().top - el.getBoundingClientRect().top;
      if (above < 0 || placedAt !== null) {
        atBottom.current = false;
        el.scrollTop += above - 8;
        placedAt = el.scrollTop;
      }
    };
    const again = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(place);
    };
    again();
    document.fonts?.addEventListener("loadingdone", again);
    window.addEventListener("load", again);
    const stop = setTimeout(() => {
      document.fonts?.removeEventListener("loadingdone", again);
      window.removeEventListener("load", again);
    }, 5_000);
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(stop);
      document.fonts?.removeEventListener("loadingdone", again);
      window.removeEventListener("load", again);
    };
  }, []);

  const loadOlder = useCallback(async () => {
    if (loading.current || nextBefore === null) return;
    loading.current = true;
    setLoadingOlder(true);
    setQuiet(true);
    try {
      const res = await fetch(`/api/v1/conversations/${encodeURIComponent(conversation.id)}/messages?before=${nextBefore}&limit=50`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!res.ok) throw new Error(String(res.status));
      const page = (await res.json()) as MessagePage;
      setRoom((state) => ({ ...state, messages: mergeMessages(state.messages, page.data) }));
      setNextBefore(page.nextBefore);
      setProblem(null);
    } catch {
      setProblem("Older messages could not be loaded. Scroll up again to retry.");
    } finally {
      loading.current = false;
      setLoadingOlder(false);
      // Speak again once the older messages are in the page (after this render has been committed).
      setTimeout(() => setQuiet(false), 300);
    }
  }, [conversation.id, nextBefore]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const fromBottom = Math.abs(el.scrollTop);
    atBottom.current = fromBottom < 48;
    if (atBottom.current) setNewBelow(false);
    if (live && el.scrollHeight - el.clientHeight - fromBottom < 120) void loadOlder();
  };

  const toBottom = () => {
    atBottom.current = true;
    setNewBelow(false);
    if (scroller.current) scroller.current.scrollTop = 0;
  };

  // When an edit form closes, the keyboard goes back to that message's Edit button, not to the top of the page.
  const refocusEdit = (seq: number) =>
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`[id="m-${seq}"] [data-edit]`)?.focus());

  const actions: MessageActions | null =
    hydrated && live
      ? {
          onStartEdit: (seq) => setEditing(seq),
          onCancelEdit: () => {
            const seq = editing;
            setEditing(null);
            if (seq !== null) refocusEdit(seq);
          },
          onSaveEdit: (seq, body) => {
            if (client.current?.edit(seq, body)) {
              setEditing(null);
              refocusEdit(seq);
            } else setProblem("Not connected: your edit was not sent. Try again in a moment.");
          },
          onDelete: (seq) => {
            if (!window.confirm("Delete this message for everyone?")) return;
            if (!client.current?.remove(seq)) setProblem("Not connected: the message was not deleted. Try again in a moment.");
          },
          onRetry: (id) => client.current?.retry(id),
          onDiscard: (id) => client.current?.discard(id),
        }
      : null;

  const onlineIds = new Set(room.online);
  const other = conversation.other;
  const otherOnline = other ? onlineIds.has(other.id) : false;
  const onlineOthers = members.filter((m) => m.id !== myId && onlineIds.has(m.id)).length;
  const typingNames = Object.keys(typing)
    .filter((id) => id !== myId)
    .map((id) => names[id] ?? "Someone");
  const receipt = receiptFor(room, myId, direct);
  const oldest = room.messages[0]?.seq;

  return (
    <div className="flex h-[calc(100dvh-14rem)] min-h-[24rem] flex-col md:h-[calc(100dvh-11rem)] overflow-hidden rounded-2xl border border-stone-200 bg-stone-50" data-status={status?.status ?? "static"}>
      <header className="flex items-center gap-3 border-b border-stone-200 bg-white px-3 py-2.5">
        <a
          href="/messages"
          title="All messages"
          className="-ml-1 grid h-11 w-11 shrink-0 place-items-center rounded-full text-xl font-semibold text-tango-700 hover:bg-stone-100 focus-visible:outline focus-visible:outline-2 focus-visible:outline-tango-600 md:hidden"
        >
          <span aria-hidden="true">←</span>
          <span className="sr-only">All messages</span>
        </a>
        <ChatAvatar name={conversation.title} avatarUrl={other?.avatarUrl ?? null} group={!direct} online={direct && other ? otherOnline : undefined} />
        <div className="min-w-0 flex-1">
          <h1 className="truncate font-display text-lg font-bold text-tango-900">
            {direct && other ? (
              <a href={`/people/${other.handle}`} className="hover:underline">
                {conversation.title}
              </a>
            ) : (
              conversation.title
            )}
          </h1>
          <p className="truncate text-xs text-stone-600">
            {direct && other && (
              <>
                @{other.handle}
                {otherOnline && <span className="font-semibold text-emerald-700"> · Online</span>}
              </>
            )}
            {!direct && (
              <>
                {conversation.memberCount === 1 ? "1 member" : `${conversation.memberCount} members`}
                {onlineOthers > 0 && <span className="font-semibold text-emerald-700">{` · ${onlineOthers} online`}</span>}
                {conversation.event && (
                  <>
                    {" · "}
                    <a href={`/events/${conversation.event.id}`} className="underline hover:text-tango-700">
                      Event page
                    </a>
                  </>
                )}
              </>
            )}
          </p>
        </div>
        <ConnectionBadge status={status} onReconnect={() => client.current?.wake()} />
      </header>
      {settings?.(onlineIds)}
      {status && (status.status === "waiting" || status.status === "offline" || status.status === "gone") && (
        <p role="status" className={`px-4 py-1.5 text-sm ${status.status === "gone" ? "bg-red-50 text-red-800" : "bg-amber-50 text-amber-900"}`}>
          {status.status === "offline"
            ? "You're offline. What you write is kept and sent when you're back."
            : status.status === "gone"
              ? (status.message ?? "This conversation is no longer available.")
              : `Connection lost. Reconnecting${status.retryInMs ? ` in ${Math.ceil(status.retryInMs / 1000)} s` : ""}…`}
          {status.status === "waiting" && (
            <button type="button" onClick={() => client.current?.wake()} className="-my-1.5 ml-1 min-h-11 px-1 font-semibold underline sm:min-h-0">
              Reconnect now
            </button>
          )}
        </p>
      )}
      {problem && (
        <p role="alert" className="flex items-center justify-between gap-2 bg-red-50 px-4 py-1.5 text-sm text-red-800">
          {problem}
          <button type="button" onClick={() => setProblem(null)} className="font-semibold underline">
            Dismiss
          </button>
        </p>
      )}
      <div className="relative min-h-0 flex-1">
        <div
          ref={scroller}
          onScroll={onScroll}
          role="region"
          aria-label="Message history"
          // Focusable so the history scrolls with the keyboard too.
          tabIndex={0}
          className="flex h-full flex-col-reverse overflow-y-auto px-3 py-2 [overflow-anchor:none] focus-visible:outline focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-tango-600 sm:px-4"
        >
          <div>
            {nextBefore !== null && oldest !== undefined ? (
              <p className="py-2 text-center">
                <a
                  href={`/messages/${conversation.id}?before=${nextBefore}`}
                  onClick={(event) => {
                    if (!live || !hydrated) return;
                    event.preventDefault();
                    void loadOlder();
                  }}
                  className="text-sm font-semibold text-tango-700 underline"
                >
                  {loadingOlder ? "Loading older messages…" : "Older messages"}
                </a>
              </p>
            ) : (
              room.messages.length > 0 && <p className="py-2 text-center text-xs text-stone-500">This is the beginning of the conversation.</p>
            )}
            {room.messages.length === 0 && outbox.length === 0 && (
              <p className="py-10 text-center text-stone-600">
                {direct ? `No messages yet. Say hello to ${conversation.title}!` : "No messages yet. Write the first one below."}
              </p>
            )}
            <div role="log" aria-live={quiet ? "off" : "polite"} aria-relevant="additions" aria-label={`Messages in ${conversation.title}`}>
              <ol className="flex flex-col pb-1">
                <MessageItems
                  messages={room.messages}
                  outbox={outbox}
                  myId={myId}
                  names={names}
                  now={clock}
                  timeZone={hydrated ? timeZone : "UTC"}
                  receipt={receipt}
                  editing={editing}
                  actions={actions}
                  unreadFrom={unreadFrom}
                  plain={plainChanges ? { ...plainChanges, conversationId: conversation.id } : null}
                />
              </ol>
            </div>
            {!live && (
              <p className="py-2 text-center">
                <a href={`/messages/${conversation.id}`} className="text-sm font-semibold text-tango-700 underline">
                  Newest messages
                </a>
              </p>
            )}
          </div>
        </div>
        {newBelow && (
          <button
            type="button"
            onClick={toBottom}
            className="absolute bottom-2 left-1/2 -translate-x-1/2 rounded-full bg-tango-700 px-4 py-1.5 text-sm font-semibold text-white shadow-lg hover:bg-tango-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-tango-600"
          >
            New messages <span aria-hidden="true">↓</span>
          </button>
        )}
      </div>
      <TypingIndicator names={typingNames} />
      {canWrite ? (
        <Composer
          clientId={clientId}
          error={formError}
          defaultBody={formBody}
          onSend={
            hydrated && live
              ? (body) => {
                  atBottom.current = true;
                  client.current?.send(body);
                }
              : undefined
          }
          onTyping={() => client.current?.typing()}
        />
      ) : (
        <p className="border-t border-stone-200 bg-white p-4 text-sm text-stone-700">
          {status?.status === "gone" ? (
            <a href="/messages" className="font-semibold text-tango-700 underline">
              Back to your messages
            </a>
          ) : (
            "You can't send messages in this conversation."
          )}
        </p>
      )}
    </div>
  );
}

function ConnectionBadge({ status, onReconnect }: { status: { status: ChatStatus } | null; onReconnect: () => void }) {
  if (!status) return null;
  const live = status.status === "live";
  const label = { connecting: "Connecting…", live: "Live", waiting: "Reconnecting…", offline: "Offline", gone: "Closed" }[status.status];
  return (
    <button
      type="button"
      onClick={onReconnect}
      disabled={live || status.status === "gone"}
      title={live ? "Connected: new messages appear as they are sent" : "Reconnect now"}
      data-testid="connection"
      className="flex min-h-11 shrink-0 items-center gap-1.5 rounded-full px-2 py-1 text-xs sm:min-h-0 font-semibold text-stone-600 enabled:hover:bg-stone-100"
    >
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${live ? "bg-emerald-500" : status.status === "gone" ? "bg-red-500" : "bg-amber-500"}`} />
      {label}
    </button>
  );
}

export type { ChatMessage };
