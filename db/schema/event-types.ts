/** Kept free of drizzle imports so UI components can use it without shipping the ORM. */
export const eventTypes = ["milonga", "practica", "class", "workshop", "festival", "marathon", "concert"] as const;
export type EventType = (typeof eventTypes)[number];

/** How each type reads on pages, in feeds (CATEGORIES) and in mail. */
export const EVENT_TYPE_LABELS: Record<EventType, string> = {
  milonga: "Milonga",
  practica: "Práctica",
  class: "Class",
  workshop: "Workshop",
  festival: "Festival",
  marathon: "Marathon",
  concert: "Concert",
};

/** A cancelled event stays readable (its page says so) but leaves every listing. */
export const eventStatuses = ["scheduled", "cancelled"] as const;
export type EventStatus = (typeof eventStatuses)[number];

export const lineupRoles = ["dj", "teacher", "orchestra", "performer"] as const;
export type LineupRole = (typeof lineupRoles)[number];

export const rsvpStatuses = ["going", "waitlisted", "interested", "not_going"] as const;
export type RsvpStatus = (typeof rsvpStatuses)[number];

export const danceRoles = ["leader", "follower", "both"] as const;
export type DanceRole = (typeof danceRoles)[number];
