import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteLoaderData } from "react-router";
import type { Route } from "./+types/root";
import { SiteFooter } from "./components/site-footer";
import { SiteHeader } from "./components/site-header";
import { serverContext } from "./server-context";
import { unreadCountFor } from "../worker/services/notifications";
import { unreadConversationCount } from "../worker/services/conversations";
import stylesheet from "./app.css?url";

export const links: Route.LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ context }: Route.LoaderArgs) {
  const { nonce, ctx } = context.get(serverContext);
  const viewer = ctx.user ? { handle: ctx.user.handle, displayName: ctx.user.displayName, emailVerified: ctx.user.emailVerified } : null;
  // The bell's number: one bounded COUNT on notifications_unread_idx; a failure never breaks a page.
  // The Messages badge: conversations with unread messages (one COUNT over the member's own index range).
  const [unreadCount, messagesUnread] = ctx.user ? await Promise.all([unreadCountFor(ctx, ctx.user.id).catch(() => 0), unreadConversationCount(ctx, ctx.user.id).catch(() => 0)]) : [0, 0];
  return { nonce, viewer, unreadCount, messagesUnread };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const root = useRouteLoaderData<typeof loader>("root");
  const nonce = root?.nonce;
  const viewer = root?.viewer ?? null;
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, interactive-widget=resizes-content" />
        <meta name="theme-color" content="#861233" />
        <Meta />
        <Links nonce={nonce} />
      </head>
      <body className="flex min-h-screen flex-col bg-stone-50 text-ink antialiased">
        <a
          href="#main"
          className="sr-only z-50 rounded bg-white px-4 py-2 font-semibold text-tango-700 focus:not-sr-only focus:absolute focus:left-4 focus:top-4"
        >
          Skip to content
        </a>
        <SiteHeader viewer={viewer} unreadCount={root?.unreadCount ?? 0} messagesUnread={root?.messagesUnread ?? 0} />
        {viewer && !viewer.emailVerified && (
          <p role="status" className="bg-amber-50 px-4 py-2 text-center text-sm text-amber-900">
            Check your inbox and confirm your email to post, host events and list a place to stay.
          </p>
        )}
        <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-6">
          {children}
        </main>
        <SiteFooter />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <section className="mx-auto max-w-xl py-16 text-center">
      <title>{notFound ? "Page not found — Mundo Tango" : "Something went wrong — Mundo Tango"}</title>
      <h1 className="font-display text-4xl text-tango-900">{notFound ? "Page not found" : "Something went wrong"}</h1>
      <p className="mt-4 text-stone-600">
        {notFound
          ? "That page has left the dance floor. Try the events listing instead."
          : "We could not show this page. Please try again in a moment."}
      </p>
      <a href="/events" className="mt-8 inline-block rounded-full bg-tango-600 px-6 py-3 font-semibold text-white hover:bg-tango-700">
        Browse events
      </a>
    </section>
  );
}
