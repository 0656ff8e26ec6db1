import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { data } from "react-router";
import type { Route } from "./+types/events.$id.check-in";
import { OrganizerErrorBoundary } from "../components/organizer-error-boundary";
import {
  afterSync,
  decideCheckIn,
  enqueue,
  formatCheckInTime,
  loadQueue,
  saveQueue,
  syncOutcome,
  syncQueue,
  usedAtFromConflict,
  usedTickets,
  type CheckInDecision,
  type QueueStorage,
  type QueuedCheckIn,
} from "../lib/check-in-queue";
import { formatEventDate } from "../lib/format";
import { organizerEvent } from "../lib/organizer-event.server";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { verifyTicketCode } from "../../worker/lib/ticket-code";
import { checkInInput } from "../../worker/schemas/tickets";
import { checkIn, checkInKey, listDoorTickets } from "../../worker/services/tickets";

export function meta({ loaderData }: Route.MetaArgs) {
  return [{ title: loaderData ? `Check-in: ${loaderData.event.title} — Mundo Tango` : "Check-in — Mundo Tango" }];
}

export async function loader({ params, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  const event = await organizerEvent(ctx, params.id, "check-in");
  const [key, doorTickets] = await Promise.all([checkInKey(ctx, event.id), listDoorTickets(ctx, event.id)]);
  const holders = new Map(doorTickets.map((ticket) => [ticket.id, ticket]));
  return {
    event: { id: event.id, title: event.title, startsAt: event.startsAt, timeZone: event.timeZone },
    publicKey: key.publicKey,
    tickets: key.tickets.map((ticket) => ({ ...ticket, holder: holders.get(ticket.id)?.holder ?? null, type: holders.get(ticket.id)?.type ?? null })),
  };
}

type Tone = "welcome" | "offline" | "refused";
interface DoorResult {
  tone: Tone;
  title: string;
  detail?: string;
}

export async function action({ params, request, context }: Route.ActionArgs) {
  const { ctx } = context.get(serverContext);
  const event = await organizerEvent(ctx, params.id, "check-in");
  const form = await request.formData();
  const parsed = checkInInput.safeParse({ code: String(form.get("code") ?? "") });
  if (!parsed.success) return data({ result: { tone: "refused", title: "Enter or scan a ticket code." } as DoorResult }, { status: 400 });
  try {
    const { ticket } = await checkIn(ctx, event.id, parsed.data);
    const holder = (await listDoorTickets(ctx, event.id)).find((doorTicket) => doorTicket.id === ticket.id);
    return { result: welcome(holder) };
  } catch (error) {
    if (!(error instanceof DomainError) || ![400, 409, 422].includes(error.status)) throw error;
    const usedAt = usedAtFromConflict({ detail: error.message, errors: error.errors });
    return data({ result: refusal(error.status, usedAt, event.timeZone) }, { status: error.status });
  }
}

function welcome(holder: { holder: string | null; type: string | null } | undefined): DoorResult {
  if (!holder?.holder) return { tone: "welcome", title: "Welcome!", detail: "A valid ticket, bought after this page was loaded." };
  return { tone: "welcome", title: `Welcome, ${holder.holder} — ${holder.type}` };
}

/** The door's words for each refusal, whether the server or this browser decided it. */
function refusal(status: 400 | 409 | 422 | number, usedAt: string | undefined, timeZone: string, pending = false): DoorResult {
  if (status === 409) {
    const when = usedAt ? ` at ${formatCheckInTime(usedAt, timeZone)}` : "";
    return { tone: "refused", title: `Already checked in${when}`, detail: pending ? "Checked in on this device; not yet synced." : undefined };
  }
  if (status === 422) return { tone: "refused", title: "Not a ticket for this event", detail: "Check the event name on the guest's ticket." };
  return { tone: "refused", title: "Not a valid ticket", detail: "This code was not issued by Mundo Tango, or it was mistyped." };
}

// ---- In the browser ---------------------------------------------------------------------

/** localStorage, or a stand-in that forgets on reload where storage is blocked (private modes). */
function browserStorage(): QueueStorage {
  try {
    const storage = window.localStorage;
    storage.getItem("mt:probe");
    return storage;
  } catch {
    const memory = new Map<string, string>();
    return { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => void memory.set(k, v), removeItem: (k) => void memory.delete(k) };
  }
}

/** Cookie-authenticated, same origin: the API checks the Origin header browsers send with POST. */
async function postCheckIn(eventId: string, code: string): Promise<Response> {
  const post = () =>
    fetch(`/api/v1/events/${eventId}/check-in`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ code }),
    });
  const response = await post();
  if (response.status !== 401) return response;
  // The API does not renew an expired access cookie (15 min); a page request does. Then try once more.
  await fetch(window.location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } });
  return post();
}

async function answerOf(response: Response): Promise<{ status: number; usedAt?: string }> {
  const body = (await response.json().catch(() => null)) as { ticket?: { usedAt?: string | null }; detail?: string; errors?: { message?: string }[] } | null;
  if (response.status === 200) return { status: 200, usedAt: body?.ticket?.usedAt ?? undefined };
  if (response.status === 409) return { status: 409, usedAt: usedAtFromConflict(body) };
  return { status: response.status };
}

const SYNC_EVERY_MS = 30_000;

export default function CheckIn({ loaderData, actionData }: Route.ComponentProps) {
  const { event, publicKey } = loaderData;
  const [serverTickets, setServerTickets] = useState(loaderData.tickets);
  const [confirmed, setConfirmed] = useState<Record<string, string>>({});
  const [queue, setQueue] = useState<QueuedCheckIn[]>([]);
  const [result, setResult] = useState<DoorResult | null>(actionData?.result ?? null);
  const [online, setOnline] = useState(true);
  const [hydrated, setHydrated] = useState(false);
  const [syncProblem, setSyncProblem] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const storageRef = useRef<QueueStorage | null>(null);
  const syncingRef = useRef(false);

  useEffect(() => setServerTickets(loaderData.tickets), [loaderData.tickets]);
  useEffect(() => setResult(actionData?.result ?? null), [actionData]);

  const holders = useMemo(() => new Map(loaderData.tickets.map((t) => [t.id, { holder: t.holder, type: t.type }])), [loaderData.tickets]);
  const used = useMemo(() => usedTickets(serverTickets, confirmed, queue), [serverTickets, confirmed, queue]);
  const usedRef = useRef(used);
  usedRef.current = used;
  const total = useMemo(() => new Set([...serverTickets.map((t) => t.id), ...used.keys()]).size, [serverTickets, used]);
  const recent = [...used.entries()].sort(([, a], [, b]) => b.usedAt.localeCompare(a.usedAt)).slice(0, 15);

  const storage = () => (storageRef.current ??= browserStorage());
  const commitQueue = (next: QueuedCheckIn[]) => {
    saveQueue(storage(), event.id, next);
    setQueue(next);
  };

  async function refreshList() {
    try {
      const response = await fetch(`/api/v1/events/${event.id}/check-in/key`, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) setServerTickets((await response.json<{ tickets: { id: string; usedAt: string | null }[] }>()).tickets.map((t) => ({ ...t, ...(holders.get(t.id) ?? { holder: null, type: null }) })));
    } catch {
      // Offline: the list we have stays good enough; the next sync tries again.
    }
  }

  async function sync() {
    if (syncingRef.current) return;
    const sent = loadQueue(storage(), event.id);
    if (sent.length === 0) return;
    syncingRef.current = true;
    try {
      const report = await syncQueue(sent, async (item) => {
        const answer = await answerOf(await postCheckIn(event.id, item.code));
        return syncOutcome(answer.status, answer.usedAt, item.checkedInAt);
      });
      commitQueue(afterSync(loadQueue(storage(), event.id), sent, report));
      if (report.settled.length > 0) setConfirmed((prev) => ({ ...prev, ...Object.fromEntries(report.settled.map((s) => [s.ticketId, s.usedAt])) }));
      if (report.rejected.length > 0) {
        const names = report.rejected.map((r) => holders.get(r.ticketId)?.holder ?? "an unknown guest").join(", ");
        setSyncProblem(`The server refused ${report.rejected.length} offline check-in${report.rejected.length === 1 ? "" : "s"} (${names}). Please check those tickets again.`);
      }
      if (report.settled.length + report.rejected.length > 0) await refreshList();
    } finally {
      syncingRef.current = false;
    }
  }
  const syncRef = useRef(sync);
  syncRef.current = sync;

  useEffect(() => {
    setHydrated(true);
    setQueue(loadQueue(storage(), event.id));
    setOnline(navigator.onLine);
    const goOnline = () => {
      setOnline(true);
      void syncRef.current().then(refreshList);
    };
    const goOffline = () => setOnline(false);
    const onStorage = (e: StorageEvent) => {
      if (e.key === null || e.key.endsWith(event.id)) setQueue(loadQueue(storage(), event.id));
    };
    window.addEventListener("online", goOnline);
    window.addEventListener("offline", goOffline);
    window.addEventListener("storage", onStorage);
    // navigator.onLine can claim a connection that drops every request: keep retrying quietly.
    const timer = window.setInterval(() => navigator.onLine && void syncRef.current(), SYNC_EVERY_MS);
    if (navigator.onLine) void syncRef.current();
    return () => {
      window.removeEventListener("online", goOnline);
      window.removeEventListener("offline", goOffline);
      window.removeEventListener("storage", onStorage);
      window.clearInterval(timer);
    };
  }, [event.id]);

  function admitOffline(ticketId: string, code: string) {
    commitQueue(enqueue(loadQueue(storage(), event.id), { ticketId, code, checkedInAt: new Date().toISOString() }));
    const holder = holders.get(ticketId);
    setResult({ tone: "offline", title: "Checked in (offline — will sync)", detail: holder?.holder ? `${holder.holder} — ${holder.type}` : undefined });
  }

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const input = inputRef.current!;
    const code = input.value.trim();
    input.value = "";
    input.focus();
    if (!code) return setResult({ tone: "refused", title: "Enter or scan a ticket code." });

    let decision: CheckInDecision | undefined;
    try {
      decision = decideCheckIn(await verifyTicketCode(publicKey, code), event.id, usedRef.current);
    } catch {
      // A browser without Ed25519 in Web Crypto: the server decides, and offline nobody can.
      decision = undefined;
    }
    if (decision?.kind === "invalid") return setResult(refusal(400, undefined, event.timeZone));
    if (decision?.kind === "other-event") return setResult(refusal(422, undefined, event.timeZone));
    if (decision?.kind === "already") return setResult(withHolder(refusal(409, decision.usedAt, event.timeZone, decision.pending), decision.ticketId));

    const offline = () =>
      decision ? admitOffline(decision.ticketId, code) : setResult({ tone: "refused", title: "Cannot check codes offline in this browser", detail: "Reconnect, or use another browser." });
    if (!navigator.onLine) return offline();
    let answer: { status: number; usedAt?: string };
    try {
      answer = await answerOf(await postCheckIn(event.id, code));
    } catch {
      return offline();
    }
    const ticketId = decision?.ticketId;
    const outcome = syncOutcome(answer.status, answer.usedAt, new Date().toISOString());
    if (outcome.kind === "retry") return answer.status === 403 ? setResult({ tone: "refused", title: "You are no longer an organizer of this event" }) : offline();
    if (outcome.kind === "rejected") return setResult(refusal(answer.status, undefined, event.timeZone));
    if (ticketId) setConfirmed((prev) => ({ ...prev, [ticketId]: outcome.usedAt }));
    if (outcome.kind === "already") return setResult(withHolder(refusal(409, outcome.usedAt, event.timeZone), ticketId));
    setResult(ticketId ? welcome(holders.get(ticketId)) : { tone: "welcome", title: "Welcome!" });
    if (!ticketId || !holders.has(ticketId)) void refreshList();
    void sync();
  }

  function withHolder(result: DoorResult, ticketId: string | undefined): DoorResult {
    const holder = ticketId ? holders.get(ticketId) : undefined;
    if (!holder?.holder) return result;
    return { ...result, detail: [`${holder.holder} — ${holder.type}`, result.detail].filter(Boolean).join(". ") };
  }

  const tones: Record<Tone, string> = {
    welcome: "border-emerald-300 bg-emerald-50 text-emerald-900",
    offline: "border-amber-300 bg-amber-50 text-amber-900",
    refused: "border-red-300 bg-red-50 text-red-900",
  };

  return (
    <div className="mx-auto flex w-full max-w-xl flex-col gap-6">
      <div>
        <p className="text-sm">
          <a href={`/events/${event.id}`} className="font-semibold text-tango-700 underline">
            ← Back to the event
          </a>
        </p>
        <h1 className="mt-2 font-display text-3xl font-bold text-tango-900">Check-in</h1>
        <p className="mt-1 text-stone-700">
          {event.title} · <time dateTime={event.startsAt}>{formatEventDate(event.startsAt, event.timeZone)}</time>
        </p>
      </div>

      <p className="rounded-2xl border border-stone-200 bg-white p-4 text-lg text-stone-800" aria-live="polite" aria-atomic="true">
        <strong className="text-3xl font-bold text-tango-900">{used.size}</strong> checked in / {total} {total === 1 ? "ticket" : "tickets"}
      </p>

      {hydrated && (!online || queue.length > 0) && (
        <div className="flex flex-wrap items-center justify-between gap-3 rounded-2xl border border-amber-300 bg-amber-50 p-4 text-amber-900">
          <p>
            {!online && "Offline: check-ins are kept on this device and sync when the connection returns. "}
            {queue.length > 0 && `${queue.length} check-in${queue.length === 1 ? "" : "s"} waiting to sync.`}
          </p>
          {online && queue.length > 0 && (
            <button type="button" onClick={() => void sync()} className="min-h-12 rounded-full border border-amber-700 px-5 font-semibold hover:bg-amber-100">
              Sync now
            </button>
          )}
        </div>
      )}
      {syncProblem && (
        <p role="alert" className="rounded-2xl border border-red-300 bg-red-50 p-4 text-red-900">
          {syncProblem}
        </p>
      )}

      <form method="post" onSubmit={(e) => void onSubmit(e)} data-hydrated={hydrated || undefined} className="flex flex-col gap-3 rounded-2xl border border-stone-200 bg-white p-4 sm:p-6">
        <label htmlFor="code" className="text-lg font-semibold text-stone-800">
          Ticket code
        </label>
        <input
          ref={inputRef}
          id="code"
          name="code"
          type="text"
          defaultValue=""
          // The door's one job: after each scan the cursor is back here for the next one.
          autoFocus
          autoComplete="off"
          autoCapitalize="off"
          autoCorrect="off"
          spellCheck={false}
          enterKeyHint="go"
          aria-describedby="code-hint"
          className="min-h-14 rounded-xl border border-stone-400 bg-white px-4 font-mono text-lg text-ink"
        />
        <p id="code-hint" className="text-sm text-stone-600">
          Type the code under the guest&apos;s QR code, or scan it with a scanner that types into this field, then press Enter.
        </p>
        <button type="submit" className="min-h-14 rounded-full bg-tango-600 px-6 text-lg font-semibold text-white hover:bg-tango-700">
          Check in
        </button>
      </form>

      <div aria-live="assertive" aria-atomic="true">
        {result && (
          <div className={`rounded-2xl border-2 p-5 ${tones[result.tone]}`}>
            <p className="text-2xl font-bold">{result.title}</p>
            {result.detail && <p className="mt-1 text-lg">{result.detail}</p>}
          </div>
        )}
      </div>

      <section aria-labelledby="recent-heading">
        <h2 id="recent-heading" className="font-display text-xl font-semibold text-tango-900">
          Latest check-ins
        </h2>
        {recent.length === 0 ? (
          <p className="mt-2 text-stone-600">Nobody has been checked in yet.</p>
        ) : (
          <ul className="mt-2 divide-y divide-stone-200 rounded-2xl border border-stone-200 bg-white">
            {recent.map(([ticketId, entry]) => {
              const holder = holders.get(ticketId);
              return (
                <li key={ticketId} className="flex flex-wrap items-baseline justify-between gap-2 px-4 py-3">
                  <span>
                    <span className="font-semibold">{holder?.holder ?? "Ticket holder"}</span>
                    {holder?.type && <span className="text-stone-600"> — {holder.type}</span>}
                  </span>
                  <span className="text-sm text-stone-700">
                    <time dateTime={entry.usedAt}>{formatCheckInTime(entry.usedAt, event.timeZone)}</time>
                    {entry.pending && <span className="ml-2 rounded-full bg-amber-100 px-2 py-0.5 text-amber-900">not yet synced</span>}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <p className="text-xs text-stone-600">
        Camera scanning is not part of this page: type codes, or use a USB or Bluetooth scanner that types like a keyboard. Keep this page open: once loaded, it
        keeps checking tickets without a connection and syncs when it is back. Times are the venue&apos;s local time.
      </p>
    </div>
  );
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  return <OrganizerErrorBoundary error={error} forbidden={{ title: "Only organizers can check people in", text: "The door page is for the event's organizers. Ask one of them to add you as a co-organizer." }} />;
}
