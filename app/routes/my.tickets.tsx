import { useEffect, useState } from "react";
import { redirect } from "react-router";
import type { Route } from "./+types/my.tickets";
import { formatEventDate } from "../lib/format";
import { serverContext } from "../server-context";
import { DomainError } from "../../worker/errors";
import { listMyTickets } from "../../worker/services/tickets";

export const meta: Route.MetaFunction = () => [{ title: "My tickets — Mundo Tango" }];

/** Each ticket carries a QR image of a few kilobytes: a short page keeps it light on a phone. */
const PAGE_SIZE = 10;

export async function loader({ request, context }: Route.LoaderArgs) {
  const { ctx } = context.get(serverContext);
  if (!ctx.user) throw redirect("/login?redirectTo=/my/tickets");
  const cursor = new URL(request.url).searchParams.get("cursor") || undefined;
  try {
    const page = await listMyTickets(ctx, { limit: PAGE_SIZE, cursor });
    return { tickets: page.data, nextCursor: page.nextCursor, paged: cursor !== undefined };
  } catch (error) {
    // A stale or hand-edited cursor: start over rather than fail the page.
    if (error instanceof DomainError && error.status === 400) throw redirect("/my/tickets");
    throw error;
  }
}

function venueTime(startsAt: string, timeZone: string) {
  const time = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(new Date(startsAt));
  return `${formatEventDate(startsAt, timeZone)}, ${time}`;
}

export default function MyTickets({ loaderData }: Route.ComponentProps) {
  const { tickets, nextCursor, paged } = loaderData;
  return (
    <>
      <h1 className="font-display text-3xl font-bold text-tango-900">My tickets</h1>
      <p className="mt-2 text-stone-600">Show the QR code at the door. Times are the venue&apos;s local time.</p>

      {tickets.length === 0 ? (
        <p className="mt-8 rounded-2xl border border-dashed border-stone-300 bg-white p-8 text-center text-stone-700">
          {paged ? "That was the last page." : "You have no tickets yet."}{" "}
          <a className="font-semibold text-tango-700 underline" href="/events">
            Find an event
          </a>
          .
        </p>
      ) : (
        <ul className="mt-8 grid gap-6 sm:grid-cols-2">
          {tickets.map((ticket) => (
            <li key={ticket.id} className="flex flex-col gap-3 rounded-2xl border border-stone-200 bg-white p-5">
              <div>
                <h2 className="font-display text-xl font-semibold text-tango-900">
                  <a href={`/events/${ticket.event.id}`} className="hover:underline">
                    {ticket.event.title}
                  </a>
                </h2>
                <p className="text-stone-700">
                  <time dateTime={ticket.event.startsAt}>{venueTime(ticket.event.startsAt, ticket.event.timeZone)}</time>
                  {ticket.event.status === "cancelled" && <span className="ml-2 rounded-full bg-red-100 px-2 py-0.5 text-sm font-semibold text-red-800">Cancelled</span>}
                </p>
                <p className="text-stone-700">{ticket.ticketTypeName}</p>
                <p className={ticket.usedAt ? "font-semibold text-stone-600" : "font-semibold text-emerald-800"}>
                  {ticket.usedAt ? (
                    <>
                      Used <time dateTime={ticket.usedAt}>{venueTime(ticket.usedAt, ticket.event.timeZone)}</time>
                    </>
                  ) : (
                    "Not used yet"
                  )}
                </p>
              </div>
              {/* Our own SVG from renderQrSvg: the code is base64url and the one piece of member text, the event title, is XML-escaped into its <title>. */}
              <div className="mx-auto w-full max-w-64 rounded-lg bg-white [&>svg]:h-auto [&>svg]:w-full" dangerouslySetInnerHTML={{ __html: ticket.qrSvg }} />
              <TicketCode code={ticket.code} />
            </li>
          ))}
        </ul>
      )}

      <nav aria-label="Pagination" className="mt-8 flex flex-wrap items-center justify-between gap-4">
        {paged ? (
          <a href="/my/tickets" className="font-semibold text-tango-700 hover:underline">
            ← Newest tickets
          </a>
        ) : (
          <span />
        )}
        {nextCursor && (
          <a href={`/my/tickets?cursor=${encodeURIComponent(nextCursor)}`} rel="next" className="rounded-full bg-tango-600 px-5 py-2.5 font-semibold text-white hover:bg-tango-700">
            Older tickets →
          </a>
        )}
      </nav>
    </>
  );
}

/** The code as text, for a door that types it in; a copy button once JavaScript runs. */
function TicketCode({ code }: { code: string }) {
  const [canCopy, setCanCopy] = useState(false);
  const [copied, setCopied] = useState(false);
  useEffect(() => setCanCopy(typeof navigator !== "undefined" && navigator.clipboard !== undefined), []);
  return (
    <div className="flex flex-col gap-2">
      <p className="text-sm font-medium text-stone-700">Ticket code</p>
      <code className="block select-all break-all rounded-lg bg-stone-100 p-2 font-mono text-xs text-stone-800">{code}</code>
      {canCopy && (
        <button
          type="button"
          onClick={() => void navigator.clipboard.writeText(code).then(() => setCopied(true))}
          className="min-h-11 self-start rounded-full border border-tango-600 px-4 text-sm font-semibold text-tango-700 hover:bg-tango-600 hover:text-white"
        >
          {copied ? "Copied" : "Copy code"}
        </button>
      )}
    </div>
  );
}
