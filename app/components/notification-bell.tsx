import { useEffect, useRef, useState } from "react";
import { useRevalidator } from "react-router";
import type { NotificationDto } from "../../worker/schemas/notifications";
import { notificationText } from "../lib/notification-text";

type LiveMessage = { type: "notification"; item: NotificationDto; unreadCount: number } | { type: "read"; unreadCount: number };

const MAX_BACKOFF_MS = 30_000;
/** Keeps idle proxies from closing the line; the hub answers "pong" without waking up. */
const PING_EVERY_MS = 45_000;

/** Dispatched on window with the NotificationDto as detail whenever the live channel brings one. */
export const NOTIFICATION_EVENT = "mt:notification";

const countLabel = (n: number) => (n > 999 ? "999+" : String(n));

/**
 * The bell in the header: a plain link to /notifications with the unread count rendered on
 * the server, so it works without JavaScript. With JavaScript it opens the member's live
 * channel, updates the count and reads new notifications out through an aria-live region;
 * a dropped line reconnects with exponential backoff, after revalidating the page's data.
 */
export function NotificationBell({ unreadCount }: { unreadCount: number }) {
  const [count, setCount] = useState(unreadCount);
  const [announcement, setAnnouncement] = useState("");
  const backoff = useRef(1_000);
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;

  // A navigation re-runs the root loader: trust its fresh count.
  useEffect(() => setCount(unreadCount), [unreadCount]);

  useEffect(() => {
    let socket: WebSocket | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let ping: ReturnType<typeof setInterval> | undefined;
    let stopped = false;

    const connect = () => {
      const scheme = window.location.protocol === "https:" ? "wss" : "ws";
      socket = new WebSocket(`${scheme}://${window.location.host}/ws/notifications`);
      socket.addEventListener("open", () => {
        backoff.current = 1_000;
        ping = setInterval(() => socket?.readyState === WebSocket.OPEN && socket.send("ping"), PING_EVERY_MS);
      });
      socket.addEventListener("message", (event) => {
        if (typeof event.data !== "string" || event.data === "pong") return;
        let message: LiveMessage;
        try {
          message = JSON.parse(event.data) as LiveMessage;
        } catch {
          return;
        }
        setCount(message.unreadCount);
        if (message.type === "notification") {
          setAnnouncement(`New notification: ${notificationText(message.item)}.`);
          // Pages that show what the notification is about (the Messages inbox) may refresh.
          window.dispatchEvent(new CustomEvent<NotificationDto>(NOTIFICATION_EVENT, { detail: message.item }));
        }
      });
      socket.addEventListener("close", () => {
        clearInterval(ping);
        if (stopped) return;
        // Reload the page's data first: a page request renews an expired access cookie (the
        // socket's own upgrade cannot), and the count catches up on what arrived meanwhile.
        retry = setTimeout(() => {
          void Promise.resolve(revalidate.current())
            .catch(() => undefined)
            .finally(() => !stopped && connect());
        }, backoff.current);
        backoff.current = Math.min(MAX_BACKOFF_MS, backoff.current * 2);
      });
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      clearInterval(ping);
      socket?.close();
    };
  }, []);

  const label = count > 0 ? `Notifications, ${countLabel(count)} unread` : "Notifications";
  return (
    <>
      <a
        href="/notifications"
        aria-label={label}
        title={label}
        className="relative inline-flex h-10 w-10 items-center justify-center rounded-full text-stone-700 hover:bg-stone-100 hover:text-tango-700 focus-visible:outline focus-visible:outline-2 focus-visible:outline-tango-600"
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" className="h-6 w-6" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
          <path d="M18 8a6 6 0 1 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.73 21a2 2 0 0 1-3.46 0" />
        </svg>
        {count > 0 && (
          <span data-testid="unread-count" className="absolute -right-0.5 -top-0.5 min-w-5 rounded-full bg-tango-600 px-1.5 text-center text-xs font-bold leading-5 text-white">
            {countLabel(count)}
          </span>
        )}
      </a>
      <p aria-live="polite" role="status" className="sr-only">
        {announcement}
      </p>
    </>
  );
}
