import { Form, NavLink } from "react-router";
import { NotificationBell } from "./notification-bell";

export interface Viewer {
  handle: string;
  displayName: string;
}

const NAV = [
  { to: "/events", label: "Events" },
  { to: "/community", label: "Community" },
  { to: "/groups", label: "Groups" },
  { to: "/search", label: "Search" },
  { to: "/messages", label: "Messages" },
  { to: "/housing", label: "Housing" },
];

const linkClass = ({ isActive }: { isActive: boolean }) =>
  `whitespace-nowrap rounded-full px-3 py-2 text-sm font-medium transition-colors ${
    isActive ? "bg-tango-100 text-tango-700" : "text-stone-700 hover:bg-stone-100 hover:text-tango-700"
  }`;

/** `unreadCount` comes from the root loader (one bounded COUNT); the bell keeps it live. `messagesUnread`: conversations with unread messages. */
export function SiteHeader({ viewer, unreadCount = 0, messagesUnread = 0 }: { viewer: Viewer | null; unreadCount?: number; messagesUnread?: number }) {
  return (
    <header className="border-b border-stone-200 bg-white/90 backdrop-blur">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <a href="/" className="flex items-center gap-2 font-display text-xl font-bold text-tango-700">
          <span aria-hidden="true" className="grid h-8 w-8 place-items-center rounded-full bg-tango-600 text-base text-white">
            MT
          </span>
          Mundo Tango
        </a>
        <nav aria-label="Main" className="relative order-3 -mx-2 w-full overflow-x-auto sm:order-none sm:mx-0 sm:w-auto">
          <ul className="flex gap-1">
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} className={linkClass} prefetch="intent">
                  {item.label}
                  {item.to === "/messages" && viewer && messagesUnread > 0 && (
                    <span data-testid="messages-unread" className="ml-1.5 rounded-full bg-tango-600 px-1.5 text-xs font-bold leading-5 text-white">
                      {messagesUnread > 99 ? "99+" : messagesUnread}
                      <span className="sr-only"> unread</span>
                    </span>
                  )}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        {viewer ? (
          <div className="ml-auto flex min-w-0 flex-wrap items-center justify-end gap-x-2 gap-y-2 sm:gap-x-3">
            <NotificationBell unreadCount={unreadCount} />
            {/* `contents`: the links wrap together with the bell on narrow screens. */}
            <Form method="post" action="/logout" className="contents">
              <a href="/events/new" className="whitespace-nowrap rounded-full bg-tango-600 px-3 py-2 text-sm font-semibold text-white hover:bg-tango-700">
                New event
              </a>
              <NavLink to="/my/events" className={linkClass}>
                My events
              </NavLink>
              <NavLink to="/my/tickets" className={linkClass}>
                My tickets
              </NavLink>
              <a href="/settings/profile" className="max-w-40 truncate text-sm font-medium text-stone-700 hover:text-tango-700" title={`@${viewer.handle}: edit your profile`}>
                {viewer.displayName}
              </a>
              <button type="submit" className="whitespace-nowrap rounded-full border border-stone-300 px-4 py-2 text-sm font-semibold text-stone-700 hover:border-tango-600 hover:text-tango-700">
                Sign out
              </button>
            </Form>
          </div>
        ) : (
          <NavLink
            to="/login"
            className="ml-auto rounded-full border border-tango-600 px-4 py-2 text-sm font-semibold text-tango-700 hover:bg-tango-600 hover:text-white"
          >
            Sign in
          </NavLink>
        )}
      </div>
    </header>
  );
}
