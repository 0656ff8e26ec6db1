import { useEffect, useState } from "react";
import { formatEventDate, formatEventTimeRange } from "../lib/format";

/**
 * The same dates on the reader's own clock, when it differs from the venue's. The server
 * cannot know the reader's zone, so this renders nothing until after hydration: the first
 * client render matches the server's HTML exactly.
 */
export function EventViewerTime({ startsAt, endsAt, timeZone }: { startsAt: string; endsAt: string; timeZone: string }) {
  const [viewerZone, setViewerZone] = useState<string | null>(null);
  useEffect(() => {
    try {
      setViewerZone(Intl.DateTimeFormat().resolvedOptions().timeZone || null);
    } catch {
      setViewerZone(null);
    }
  }, []);
  if (!viewerZone) return null;
  const venue = `${formatEventDate(startsAt, timeZone)} ${formatEventTimeRange(startsAt, endsAt, timeZone)}`;
  let mine: string;
  try {
    mine = `${formatEventDate(startsAt, viewerZone)} ${formatEventTimeRange(startsAt, endsAt, viewerZone)}`;
  } catch {
    return null;
  }
  // Same wall clock and zone name: nothing to add.
  if (mine === venue) return null;
  return (
    <p className="text-sm text-stone-600">
      Your time: <time dateTime={startsAt}>{mine}</time>
    </p>
  );
}
