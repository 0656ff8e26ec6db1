import { data, Form, isRouteErrorResponse, redirect, type ShouldRevalidateFunctionArgs } from "react-router";
import type { Route } from "./+types/messages.$id";
import { PresenceDot } from "../components/chat/avatar";
import { ConversationView } from "../components/chat/conversation-view";
import { FormAlert } from "../components/form-field";
import { formError, handlesFrom, requireMemberPage } from "../lib/chat-forms.server";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { UUID_PATTERN } from "../../worker/lib/ids";
import { addMembersInput, editMessageInput, historyQuery, sendMessageInput, updateConversationInput, type ConversationDetailDto } from "../../worker/schemas/conversations";
import { addMembers, deleteMessage, editMessage, getConversation, leaveConversation, listMessages, markConversationRead, removeMember, sendMessage, updateConversation } from "../../worker/services/conversations";

/** Messages a page shows at once; older ones are a scroll (or an "Older messages" link) away. */
const PAGE_SIZE = "50";

/** What a redirect back after a form says; only these keys are ever shown, never text from the URL. */
const DONE_MESSAGES = {
  muted: "Muted: you won't be notified about new messages here.",
  unmuted: "Unmuted: you'll be notified about new messages again.",
  renamed: "Renamed.",
  added: "Added to the conversation.",
  removed: "Removed from the conversation.",
} as const;
type Done = keyof typeof DONE_MESSAGES;

export function meta({ loaderData }: Route.MetaArgs) {
  return [{ title: loaderData ? `${loaderData.conversation.title} — Messages — Mundo Tango` : "Conversation not found — Mundo Tango" }];
}

/**
 * A plain revalidation of the same address (the inbox refreshing for a notification, the bell
 * reconnecting) leaves the open conversation alone: its live connection keeps it current, and
 * re-running the loader would mark it read while the tab may be hidden. Forms and navigations reload it.
 */
export function shouldRevalidate({ currentUrl, nextUrl, formMethod, defaultShouldRevalidate }: ShouldRevalidateFunctionArgs) {
  if (!formMethod && currentUrl.href === nextUrl.href) return false;
  return defaultShouldRevalidate;
}

function conversationId(raw: string | undefined): string {
  if (!raw || !UUID_PATTERN.test(raw)) throw data(null, { status: 404 });
  return raw;
}

/** Not a member (or no such conversation) is a 404; an event room you have not joined is a 403 that says how to join. */
async function load<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof DomainError && (error.status === 404 || error.status === 403)) throw data(null, { status: error.status });
    throw error;
  }
}

export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  const user = requireMemberPage(ctx, request);
  const id = conversationId(params.id);
  const search = new URL(request.url).searchParams;
  const query = historyQuery.safeParse({ before: search.get("before") ?? undefined, limit: PAGE_SIZE });
  const history = query.success ? query.data : historyQuery.parse({ limit: PAGE_SIZE });
  const conversation = await load(getConversation(ctx, id));
  const page = await load(listMessages(ctx, id, history));
  const before = history.before ?? null;
  // Opening the newest messages reads them (pages without JavaScript have no other way to say so).
  if (before === null && page.lastSeq > conversation.lastReadSeq) await markConversationRead(ctx, id, page.lastSeq).catch(() => undefined);
  const doneParam = search.get("done");
  return {
    // Editing or deleting one of your messages without JavaScript: ?edit=<seq> or ?delete=<seq> shows its form.
    change: seqParam(search.get("edit")) !== null ? { kind: "edit" as const, seq: seqParam(search.get("edit"))! } : seqParam(search.get("delete")) !== null ? { kind: "delete" as const, seq: seqParam(search.get("delete"))! } : null,
    // A separate key for those forms, so an edit never shares an id with a message sent from this page.
    changeId: crypto.randomUUID(),
    conversation,
    page,
    before,
    myId: user.id,
    // The no-JavaScript form's idempotency key: the same page submitted twice stores one message.
    clientId: crypto.randomUUID(),
    now: Date.now(),
    done: doneParam && doneParam in DONE_MESSAGES ? (doneParam as Done) : null,
  };
}

/** A message seq from the address or a form: a positive whole number, or null. */
function seqParam(raw: string | null | FormDataEntryValue): number | null {
  if (typeof raw !== "string" || !/^[1-9]\d{0,15}$/.test(raw)) return null;
  const seq = Number(raw);
  return Number.isSafeInteger(seq) ? seq : null;
}

/** `seq` with `local`: an edit whose text was refused, shown in its own form; any other refusal is shown at the top. */
type Failure = { intent: string; error: string; body?: string; seq?: number; local?: boolean };

export async function action({ params, request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  requireMemberPage(ctx, request);
  const id = conversationId(params.id);
  const form = await request.formData();
  const text = (name: string) => String(form.get(name) ?? "");
  const intent = text("intent");
  const back = (done?: Done) => redirect(`/messages/${id}${done ? `?done=${done}` : ""}`);
  const failed = (error: string, status = 400, body?: string) => data<Failure>({ intent, error, body }, { status });
  const sentence = (issues: { message: string }[]) => {
    const message = issues[0]?.message ?? "Check what you typed.";
    return message.charAt(0).toUpperCase() + message.slice(1) + (/[.!?]$/.test(message) ? "" : ".");
  };
  const invalid = (issues: { message: string }[]) => failed(sentence(issues));
  try {
    switch (intent) {
      case "send": {
        const parsed = sendMessageInput.safeParse({ clientId: text("clientId"), body: text("body") });
        if (!parsed.success) return failed(sentence(parsed.error.issues), 400, text("body"));
        const sent = await sendMessage(ctx, id, parsed.data);
        return redirect(`/messages/${id}#m-${sent.seq}`);
      }
      case "edit":
      case "delete": {
        const seq = seqParam(form.get("seq"));
        if (seq === null) return failed("Choose a message to change.");
        // Back to the page the form was on (an older page keeps its ?before=).
        const before = seqParam(form.get("before"));
        const to = `/messages/${id}${before !== null ? `?before=${before}` : ""}#m-${seq}`;
        if (intent === "delete") {
          await deleteMessage(ctx, id, seq, text("clientId"));
          return redirect(to);
        }
        const parsed = editMessageInput.safeParse({ clientId: text("clientId"), body: text("body") });
        if (!parsed.success) return data<Failure>({ intent, error: sentence(parsed.error.issues), body: text("body"), seq, local: true }, { status: 400 });
        await editMessage(ctx, id, seq, parsed.data);
        return redirect(to);
      }
      case "mute":
      case "unmute":
        await updateConversation(ctx, id, { muted: intent === "mute" });
        return back(intent === "mute" ? "muted" : "unmuted");
      case "rename": {
        const parsed = updateConversationInput.safeParse({ title: text("title") });
        if (!parsed.success) return invalid(parsed.error.issues);
        await updateConversation(ctx, id, parsed.data);
        return back("renamed");
      }
      case "add": {
        const parsed = addMembersInput.safeParse({ handles: handlesFrom(text("handles")) });
        if (!parsed.success) return invalid(parsed.error.issues);
        await addMembers(ctx, id, parsed.data);
        return back("added");
      }
      case "remove":
        await removeMember(ctx, id, text("handle"));
        return back("removed");
      case "leave":
        await leaveConversation(ctx, id);
        return redirect("/messages");
      default:
        return failed("Choose one of the buttons.");
    }
  } catch (error) {
    const change = intent === "edit" || intent === "delete";
    // For an edit or delete a 404 is about the message (gone, or not a message); the page's loader
    // still answers 404 to anyone who is not in the conversation.
    if (error instanceof DomainError && error.status === 404 && !change) throw data(null, { status: 404 });
    const { message, status } = formError(error);
    if (change) return data<Failure>({ intent, error: message, body: intent === "edit" ? text("body") : undefined, seq: seqParam(form.get("seq")) ?? undefined }, { status });
    return failed(message, status, intent === "send" ? text("body") : undefined);
  }
}

export default function ConversationPage({ loaderData, actionData }: Route.ComponentProps) {
  const { conversation, page, before, myId, clientId, now, done, change, changeId } = loaderData;
  const failure = actionData as Failure | undefined;
  const changeFailure = failure && (failure.intent === "edit" || failure.intent === "delete") ? failure : null;
  const localFailure = changeFailure?.local ? changeFailure : null;
  return (
    <ConversationView
      key={`${conversation.id}:${before ?? "newest"}`}
      conversation={conversation}
      myId={myId}
      initial={page}
      clientId={clientId}
      live={before === null}
      now={now}
      formError={failure?.intent === "send" ? failure.error : null}
      formBody={failure?.intent === "send" ? failure.body : undefined}
      plainChanges={{
        before,
        changeId,
        // An edit with refused text keeps its form open with the text and why; other refusals are said at the top.
        change: changeFailure?.seq !== undefined ? { kind: changeFailure.intent as "edit" | "delete", seq: changeFailure.seq } : change,
        error: localFailure?.error ?? null,
        body: changeFailure?.body,
      }}
      settings={(online) => (
        <>
          {done && (
            <div className="px-3 pt-2">
              <FormAlert tone="success" message={DONE_MESSAGES[done]} />
            </div>
          )}
          {failure && failure.intent !== "send" && !localFailure && (
            <div className="px-3 pt-2">
              <FormAlert message={failure.error} />
            </div>
          )}
          <Settings conversation={conversation} myId={myId} online={online} open={Boolean(failure && failure.intent !== "send" && !changeFailure)} />
        </>
      )}
    />
  );
}

const smallButton = "min-h-11 sm:min-h-0 rounded-full border border-stone-300 px-3 py-1 text-sm font-semibold text-stone-700 hover:border-tango-600 hover:text-tango-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-tango-600";
const field = "min-w-0 flex-1 rounded-lg border border-stone-300 bg-white px-3 py-1.5 text-base text-ink";

/** Mute, members and (for group admins) rename, add and remove; leave. Plain forms: no JavaScript needed. */
function Settings({ conversation, myId, online, open }: { conversation: ConversationDetailDto; myId: string; online: Set<string>; open: boolean }) {
  const admin = conversation.type === "group" && conversation.myRole === "admin";
  const members = [...conversation.members].sort((a, b) => Number(b.id === myId) - Number(a.id === myId) || a.displayName.localeCompare(b.displayName));
  return (
    <details open={open} className="border-b border-stone-200 bg-white px-3 py-1.5 text-sm">
      <summary className="cursor-pointer rounded py-3 font-semibold sm:py-0 text-stone-700 hover:text-tango-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-tango-600">
        {conversation.type === "direct" ? "Options" : `Members and options`}
        {conversation.muted && <span className="ml-2 rounded-full bg-stone-100 px-2 py-0.5 text-xs text-stone-700">Muted</span>}
      </summary>
      <div className="flex max-h-[40vh] flex-col gap-3 overflow-y-auto py-2">
        <Form method="post" className="flex flex-wrap items-center gap-2">
          <input type="hidden" name="intent" value={conversation.muted ? "unmute" : "mute"} />
          <p className="flex-1 text-stone-700">{conversation.muted ? "You are not notified about new messages here." : "You are notified about new messages when you're away."}</p>
          <button type="submit" className={smallButton}>
            {conversation.muted ? "Unmute" : "Mute"}
          </button>
        </Form>
        {admin && (
          <Form method="post" className="flex flex-wrap items-center gap-2">
            <input type="hidden" name="intent" value="rename" />
            <label htmlFor="conversation-title" className="w-full font-semibold text-stone-800">
              Group name
            </label>
            <input id="conversation-title" name="title" required maxLength={80} defaultValue={conversation.title} className={field} />
            <button type="submit" className={smallButton}>
              Rename
            </button>
          </Form>
        )}
        {conversation.type !== "direct" && (
          <section aria-label="Members">
            <h2 className="font-semibold text-stone-800">
              {conversation.memberCount === 1 ? "1 member" : `${conversation.memberCount} members`}
            </h2>
            <ul className="mt-1 flex flex-col gap-1">
              {members.map((m) => (
                <li key={m.id} className="flex items-center gap-2">
                  <span className="relative inline-block h-2.5 w-2.5">
                    <PresenceDot online={online.has(m.id)} />
                  </span>
                  <a href={`/people/${m.handle}`} className="min-w-0 flex-1 truncate text-stone-800 hover:text-tango-700 hover:underline">
                    {m.id === myId ? `${m.displayName} (you)` : m.displayName}
                    <span className="text-stone-500"> @{m.handle}</span>
                    {m.role === "admin" && <span className="ml-1 text-xs font-semibold text-stone-600">admin</span>}
                  </a>
                  {admin && m.id !== myId && (
                    <Form method="post">
                      <input type="hidden" name="intent" value="remove" />
                      <input type="hidden" name="handle" value={m.handle} />
                      <button type="submit" className="-my-2 min-h-11 rounded-full px-3 text-xs font-semibold text-red-700 hover:bg-red-50 sm:my-0 sm:min-h-0 sm:px-2 sm:py-0.5">
                        Remove<span className="sr-only"> {m.displayName}</span>
                      </button>
                    </Form>
                  )}
                </li>
              ))}
            </ul>
          </section>
        )}
        {admin && (
          <Form method="post" className="flex flex-wrap items-center gap-2">
            <input type="hidden" name="intent" value="add" />
            <label htmlFor="conversation-add" className="w-full font-semibold text-stone-800">
              Add members <span className="font-normal text-stone-600">(handles, separated by commas)</span>
            </label>
            <input id="conversation-add" name="handles" required autoComplete="off" placeholder="@ana_baila, @beto" className={field} />
            <button type="submit" className={smallButton}>
              Add
            </button>
          </Form>
        )}
        {conversation.type !== "direct" && (
          <Form method="post">
            <input type="hidden" name="intent" value="leave" />
            <button type="submit" className="min-h-11 rounded-full border border-red-300 px-3 py-1 text-sm font-semibold text-red-700 hover:bg-red-50 sm:min-h-0">
              Leave {conversation.type === "event" ? "the event chat" : "the group"}
            </button>
          </Form>
        )}
      </div>
    </details>
  );
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const heading = status === 404 ? "Conversation not found" : status === 403 ? "Join this chat first" : "Something went wrong";
  const text =
    status === 404
      ? "This conversation doesn't exist, or you're not a member of it."
      : status === 403
        ? "This is an event chat. Dancers who are going and the organizers can join it from the event's page."
        : "We could not show this conversation. Please try again in a moment.";
  return (
    <section className="grid min-h-[20rem] place-items-center rounded-2xl border border-dashed border-stone-300 bg-white p-8 text-center">
      <div>
        <title>{`${heading} — Mundo Tango`}</title>
        <h1 className="font-display text-2xl font-bold text-tango-900">{heading}</h1>
        <p className="mt-2 text-stone-600">{text}</p>
        <a href="/messages" className="mt-6 inline-block rounded-full bg-tango-600 px-5 py-2 font-semibold text-white hover:bg-tango-700">
          Back to your messages
        </a>
      </div>
    </section>
  );
}
