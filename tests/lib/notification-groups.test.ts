import { describe, expect, it } from "vitest";
import { groupNotifications, notificationText } from "../../app/lib/notification-text";
import type { NotificationDto } from "../../worker/schemas/notifications";

let seq = 0;
function item(type: NotificationDto["type"], actor: string | null, subjectId: string, readAt: string | null = null, data: NotificationDto["data"] = {}): NotificationDto {
  seq += 1;
  return {
    id: `id-${seq}`,
    type,
    actor: actor ? { handle: actor.toLowerCase(), displayName: actor, avatarUrl: null } : null,
    subject: { type: type === "follow" ? "user" : type.startsWith("event") || type === "rsvp_promotion" ? "event" : "post", id: subjectId, url: `/x/${subjectId}` },
    data,
    createdAt: "2026-11-23T20:00:00.000Z",
    readAt,
  };
}

describe("grouping notifications on the page", () => {
  it("groups consecutive reactions to the same post into one line", () => {
    const groups = groupNotifications([item("reaction", "Eva", "p1"), item("reaction", "Dani", "p1"), item("reaction", "Carla", "p1"), item("reaction", "Beto", "p1"), item("reaction", "Ana", "p1")]);
    expect(groups).toHaveLength(1);
    expect(notificationText(groups[0]!.items[0]!, groups[0]!.actorNames, groups[0]!.actorNames.length)).toBe("Eva and 4 others reacted to your post");
  });

  it("names two actors, and counts one actor acting twice once", () => {
    const [two] = groupNotifications([item("comment", "Ana", "p1"), item("comment", "Beto", "p1")]);
    expect(notificationText(two!.items[0]!, two!.actorNames, two!.actorNames.length)).toBe("Ana and Beto commented on your post");
    const [same] = groupNotifications([item("comment", "Ana", "p2"), item("comment", "Ana", "p2")]);
    expect(same!.items).toHaveLength(2);
    expect(notificationText(same!.items[0]!, same!.actorNames, same!.actorNames.length)).toBe("Ana commented on your post");
  });

  it("keeps different posts, kinds, and read from unread apart", () => {
    const groups = groupNotifications([
      item("reaction", "Ana", "p1"),
      item("reaction", "Beto", "p2"),
      item("comment", "Carla", "p2"),
      item("comment", "Dani", "p2", "2026-11-23T21:00:00.000Z"),
    ]);
    expect(groups.map((g) => g.items.length)).toEqual([1, 1, 1, 1]);
  });

  it("groups alike items across the page, where the newest of them is", () => {
    const groups = groupNotifications([
      item("reaction", "Ana", "p1"),
      item("follow", "Beto", "u2"),
      item("reaction", "Carla", "p1"),
      item("follow", "Dani", "u4"),
      item("reaction", "Eva", "p1"),
    ]);
    expect(groups.map((g) => [g.key, g.actorNames])).toEqual([
      ["reaction:post:p1", ["Ana", "Carla", "Eva"]],
      ["follow", ["Beto", "Dani"]],
    ]);
    expect(notificationText(groups[0]!.items[0]!, groups[0]!.actorNames, 3)).toBe("Ana and 2 others reacted to your post");
  });

  it("groups consecutive follows, each about its own follower", () => {
    const groups = groupNotifications([item("follow", "Ana", "u1"), item("follow", "Beto", "u2"), item("follow", "Carla", "u3")]);
    expect(groups).toHaveLength(1);
    expect(notificationText(groups[0]!.items[0]!, groups[0]!.actorNames, 3)).toBe("Ana and 2 others started following you");
  });

  it("never groups news from Mundo Tango itself", () => {
    const groups = groupNotifications([item("event_change", null, "e1", null, { title: "Milonga" }), item("event_change", null, "e1", null, { title: "Milonga" })]);
    expect(groups).toHaveLength(2);
    expect(notificationText(groups[0]!.items[0]!)).toBe("Milonga changed: check the new date, time or place");
  });

  it("says where a chat message was sent: to you directly, or in a group or event room", () => {
    expect(notificationText(item("message", "Ana", "r1", null, { title: "Ana", conversation: "direct" }))).toBe("Ana sent you a message");
    const groups = groupNotifications([item("message", "Ana", "r2", null, { title: "Ride to Tango Marathon", conversation: "group" }), item("message", "Beto", "r2", null, { title: "Ride to Tango Marathon", conversation: "group" })]);
    expect(groups).toHaveLength(1);
    expect(notificationText(groups[0]!.items[0]!, groups[0]!.actorNames, 2)).toBe("Ana and Beto sent a message in Ride to Tango Marathon");
    expect(notificationText(item("message", "Eva", "r3", null, { title: "Milonga del Sol", conversation: "event" }))).toBe("Eva sent a message in Milonga del Sol");
  });
});
