/** Kept free of drizzle imports so UI components can use it without shipping the ORM. */
export const eventTypes = ["milonga", "practica", "class", "workshop", "festival", "marathon"] as const;
export type EventType = (typeof eventTypes)[number];
