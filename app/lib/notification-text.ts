// Pure text and grouping for notifications, shared by the bell, the page and their tests.
import type { NotificationDto } from "../../worker/schemas/notifications";

function actorsText(names: string[], total: number): string {
  const [first, second] = names;
  if (!first) return "Someone";
  if (total <= 1) return first;
  if (total === 2 && second) return `${first} and ${second}`;
  return `${first} and ${total - 1} others`;
}

function titleOf(data: NotificationDto["data"], fallback: string): string {
  const title = data.title ?? data.groupName ?? data.eventTitle;
  return typeof title === "string" && title.trim() ? title : fallback;
}

/**
 * One line for one notification or a group of alike ones ("Ana and 4 others reacted to
 * your post"). Plain text: React escapes it wherever it is rendered.
 */
export function notificationText(item: Pick<NotificationDto, "type" | "data" | "actor">, actorNames: string[] = item.actor ? [item.actor.displayName] : [], actorCount = actorNames.length): string {
  const who = actorsText(actorNames, actorCount);
  switch (item.type) {
    case "follow":
      return `${who} started following you`;
    case "comment":
      return `${who} commented on your post`;
    case "reply":
      return `${who} replied to your comment`;
    case "reaction":
      return `${who} reacted to your post`;
    case "mention":
      return `${who} mentioned you`;
    case "rsvp_promotion":
      return `A place opened up: you're going to ${titleOf(item.data, "an event")}`;
    case "event_change":
      return `${titleOf(item.data, "An event you registered for")} changed: check the new date, time or place`;
    case "event_cancellation":
      return `${titleOf(item.data, "An event you registered for")} was cancelled`;
    case "group_join_approved":
      return `You're now a member of ${titleOf(item.data, "a group")}`;
    case "group_join_request":
      return `${who} asked to join ${titleOf(item.data, "your group")}`;
    case "message":
      // Group and event rooms say where; a direct message is simply to you.
      return item.data.conversation === "group" || item.data.conversation === "event" ? `${who} sent a message in ${titleOf(item.data, "a conversation")}` : `${who} sent you a message`;
    case "moderation_outcome":
      return "We reviewed a report: see the outcome";
  }
}

export interface NotificationGroup {
  key: string;
  items: NotificationDto[];
  /** Distinct actors, newest first. */
  actorNames: string[];
  unread: boolean;
}

/**
 * Notifications of the same kind about the same thing (and equally read or unread) within one
 * page become one line, placed where the newest of them is: "Ana and 4 others reacted to your
 * post", even when a follow or a comment arrived in between. Follows are about each follower,
 * so follows group by kind alone. News from Mundo Tango itself (no actor) is never grouped.
 */
export function groupNotifications(items: NotificationDto[]): NotificationGroup[] {
  const groups: NotificationGroup[] = [];
  const open = new Map<string, NotificationGroup>();
  for (const item of items) {
    const key = item.type === "follow" ? "follow" : `${item.type}:${item.subject.type}:${item.subject.id}`;
    const unread = item.readAt === null;
    const groupable = item.actor !== null && !["rsvp_promotion", "event_change", "event_cancellation"].includes(item.type);
    const same = groupable ? open.get(`${key}:${unread}`) : undefined;
    if (same) {
      same.items.push(item);
      if (item.actor && !same.actorNames.includes(item.actor.displayName)) same.actorNames.push(item.actor.displayName);
      continue;
    }
    const group: NotificationGroup = { key, items: [item], actorNames: item.actor ? [item.actor.displayName] : [], unread };
    groups.push(group);
    if (groupable) open.set(`${key}:${unread}`, group);
  }
  return groups;
}
