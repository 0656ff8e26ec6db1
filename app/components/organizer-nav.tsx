const PAGES = [
  { page: "edit", label: "Edit the event" },
  { page: "attendees", label: "Attendees" },
  { page: "check-in", label: "Check-in" },
] as const;

/** Links from one organizer page of an event to its others, and back to My events. */
export function OrganizerNav({ eventId, current }: { eventId: string; current: (typeof PAGES)[number]["page"] }) {
  return (
    <nav aria-label="Organizer pages" className="mt-2 flex flex-wrap gap-4 text-sm">
      {PAGES.filter(({ page }) => page !== current).map(({ page, label }) => (
        <a key={page} href={`/events/${eventId}/${page}`} className="font-semibold text-tango-700 underline">
          {label}
        </a>
      ))}
      <a href="/my/events" className="font-semibold text-tango-700 underline">
        My events
      </a>
    </nav>
  );
}
