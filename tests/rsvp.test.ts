import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { AttendanceCounts, RsvpDto } from "../worker/schemas/events";
import { api, BASE, member } from "./accounts";
import { createEvent, verifiedMember, type Member } from "./event-factory";
import { seedWorld } from "./world";

beforeAll(async () => {
  await seedWorld();
});

async function rsvpAs(who: Member, eventId: string, body: Record<string, unknown>): Promise<Response> {
  return api(`/events/${eventId}/rsvp`, { method: "POST", token: who.accessToken, json: body });
}

async function going(who: Member, eventId: string, extra: Record<string, unknown> = {}): Promise<RsvpDto> {
  const res = await rsvpAs(who, eventId, { status: "going", ...extra });
  if (res.status !== 200) throw new Error(`rsvp failed: ${res.status} ${await res.text()}`);
  return res.json<RsvpDto>();
}

/** Distinct handles: handles derived from the same name at the same moment would collide. */
const members = (n: number) => Promise.all(Array.from({ length: n }, () => member({ handle: `d_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}` })));
const counts = async (eventId: string) => (await api(`/events/${eventId}/attendance`)).json<AttendanceCounts>();

describe("RSVP and waitlist", () => {
  it("lets a member without a confirmed email RSVP, and shows it back", async () => {
    const { event } = await createEvent();
    const dancer = await member();
    expect(await going(dancer, event.id)).toMatchObject({ status: "going", eventId: event.id });
    const mine = await (await api(`/events/${event.id}/rsvp`, { token: dancer.accessToken })).json<RsvpDto>();
    expect(mine.status).toBe("going");
  });

  it("refuses visitors with 401", async () => {
    const { event } = await createEvent();
    expect((await api(`/events/${event.id}/rsvp`, { method: "POST", json: { status: "going" } })).status).toBe(401);
  });

  it("waitlists `going` when the event is full, with a position", async () => {
    const { event } = await createEvent({ capacity: 1 });
    const [a, b, c] = await members(3);
    expect((await going(a!, event.id)).status).toBe("going");
    expect(await going(b!, event.id)).toMatchObject({ status: "waitlisted", waitlistPosition: 1 });
    expect(await going(c!, event.id)).toMatchObject({ status: "waitlisted", waitlistPosition: 2 });
  });

  it("promotes the first waitlisted dancer when someone cancels, and mails them", async () => {
    const { event } = await createEvent({ capacity: 1, title: "Milonga llena" });
    const [a, b, c] = await members(3);
    await going(a!, event.id);
    await going(b!, event.id);
    await going(c!, event.id);
    expect((await api(`/events/${event.id}/rsvp`, { method: "DELETE", token: a!.accessToken })).status).toBe(204);
    const bNow = await (await api(`/events/${event.id}/rsvp`, { token: b!.accessToken })).json<RsvpDto>();
    const cNow = await (await api(`/events/${event.id}/rsvp`, { token: c!.accessToken })).json<RsvpDto>();
    expect(bNow.status).toBe("going");
    expect(cNow).toMatchObject({ status: "waitlisted", waitlistPosition: 1 });
    await expect
      .poll(async () => (await (await SELF.fetch(`${BASE}/dev/mailbox.json?to=${encodeURIComponent(b!.email)}`)).json<{ subject: string }[]>()).map((m) => m.subject), { timeout: 15_000, interval: 200 })
      .toContainEqual(expect.stringMatching(/Milonga llena/));
  });

  it("frees a place when a going dancer switches to interested", async () => {
    const { event } = await createEvent({ capacity: 1 });
    const [a, b] = await members(2);
    await going(a!, event.id);
    await going(b!, event.id);
    expect((await (await rsvpAs(a!, event.id, { status: "interested" })).json<RsvpDto>()).status).toBe("interested");
    expect((await (await api(`/events/${event.id}/rsvp`, { token: b!.accessToken })).json<RsvpDto>()).status).toBe("going");
  });

  it("answers the same way to the same RSVP twice, without losing the place", async () => {
    const { event } = await createEvent({ capacity: 1 });
    const [a, b] = await members(2);
    await going(a!, event.id);
    await going(b!, event.id);
    expect((await going(a!, event.id)).status).toBe("going");
    expect((await going(b!, event.id)).waitlistPosition).toBe(1);
  });

  it("admits exactly `capacity` dancers when 50 RSVP at once", async () => {
    const { event } = await createEvent({ capacity: 10 });
    const dancers = await members(50);
    const answers = await Promise.all(dancers.map((d) => going(d, event.id)));
    expect(answers.filter((a) => a.status === "going")).toHaveLength(10);
    expect(answers.filter((a) => a.status === "waitlisted")).toHaveLength(40);
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM rsvps WHERE event_id = ? AND status = 'going'").bind(event.id).first<{ n: number }>();
    expect(stored?.n).toBe(10);
    expect((await counts(event.id)).spotsLeft).toBe(0);
  });

  it("refuses RSVPs to a cancelled event with 409", async () => {
    const { event, organizer } = await createEvent();
    await api(`/events/${event.id}`, { method: "DELETE", token: organizer.accessToken });
    const dancer = await member();
    expect((await rsvpAs(dancer, event.id, { status: "going" })).status).toBe(409);
  });

  it.each([
    ["an unknown status", { status: "maybe" }, "status"],
    ["an unknown role", { status: "going", role: "dj" }, "role"],
    ["an occurrence the event does not have", { status: "going", occurrence: "20300101T000000Z" }, "occurrence"],
    ["a malformed occurrence", { status: "going", occurrence: "tomorrow" }, "occurrence"],
    ["a partner who does not exist", { status: "going", role: "leader", partnerHandle: "no_such_dancer_x" }, "partnerHandle"],
  ])("refuses %s with 400 naming %s", async (_name, body, field) => {
    const { event } = await createEvent();
    const dancer = await member();
    const res = await rsvpAs(dancer, event.id, body);
    expect(res.status).toBe(400);
    expect((await res.json<{ errors: { path: string }[] }>()).errors.map((e) => e.path)).toContain(field);
  });
});

describe("role balance", () => {
  it("asks for a role on a balanced event when the profile has none", async () => {
    const { event } = await createEvent({ type: "marathon", capacity: 20, roleBalance: { tolerance: 1 } });
    const dancer = await member();
    const res = await rsvpAs(dancer, event.id, { status: "going" });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/leader, follower or both/);
  });

  it("waitlists leaders beyond the tolerance and admits them as followers arrive", async () => {
    const { event } = await createEvent({ type: "marathon", capacity: 20, roleBalance: { tolerance: 1 } });
    const [l1, l2, l3, f1] = await members(4);
    expect((await going(l1!, event.id, { role: "leader" })).status).toBe("going");
    expect(await going(l2!, event.id, { role: "leader" })).toMatchObject({ status: "waitlisted", waitlistPosition: 1 });
    expect(await going(l3!, event.id, { role: "leader" })).toMatchObject({ status: "waitlisted", waitlistPosition: 2 });
    expect((await going(f1!, event.id, { role: "follower" })).status).toBe("going");
    // The follower evened the floor (1–1), so the first waiting leader came in (2–1); the second still waits.
    expect((await (await api(`/events/${event.id}/rsvp`, { token: l2!.accessToken })).json<RsvpDto>()).status).toBe("going");
    expect((await (await api(`/events/${event.id}/rsvp`, { token: l3!.accessToken })).json<RsvpDto>()).status).toBe("waitlisted");
    expect(await counts(event.id)).toMatchObject({ going: 3, leaders: 2, followers: 1, waitlistedLeaders: 1 });
  });

  it("seats a `both` dancer on the short side", async () => {
    const { event } = await createEvent({ type: "marathon", capacity: 20, roleBalance: { tolerance: 0 } });
    const [couple1, couple2, flexible] = await members(3);
    await going(couple1!, event.id, { role: "leader", partnerHandle: couple2!.user.handle });
    const both = await going(flexible!, event.id, { role: "both" });
    // 1–1 with tolerance 0: a single `both` dancer cannot come alone, so waits.
    expect(both.status).toBe("waitlisted");
    const leader = await member();
    await going(leader, event.id, { role: "leader" });
    // The new leader and the waiting `both` dancer come in together, the latter as follower.
    const after = await (await api(`/events/${event.id}/rsvp`, { token: flexible!.accessToken })).json<RsvpDto>();
    expect(after).toMatchObject({ status: "going", seatedRole: "follower" });
  });

  it("admits a couple together, registering the partner in the other role", async () => {
    const { event } = await createEvent({ type: "marathon", capacity: 20, roleBalance: { tolerance: 0 } });
    const [lead, follow] = await members(2);
    const mine = await going(lead!, event.id, { role: "leader", partnerHandle: follow!.user.handle });
    expect(mine).toMatchObject({ status: "going", seatedRole: "leader", partner: { handle: follow!.user.handle } });
    const theirs = await (await api(`/events/${event.id}/rsvp`, { token: follow!.accessToken })).json<RsvpDto>();
    expect(theirs).toMatchObject({ status: "going", seatedRole: "follower", role: "follower", partner: { handle: lead!.user.handle } });
  });

  it("waitlists a couple as a pair when only one place is left", async () => {
    const { event } = await createEvent({ type: "workshop", capacity: 3, roleBalance: { tolerance: 2 } });
    const [a, b, c, d] = await members(4);
    await going(a!, event.id, { role: "leader", partnerHandle: b!.user.handle });
    const pair = await going(c!, event.id, { role: "follower", partnerHandle: d!.user.handle });
    expect(pair.status).toBe("waitlisted");
    expect((await (await api(`/events/${event.id}/rsvp`, { token: d!.accessToken })).json<RsvpDto>()).status).toBe("waitlisted");
  });

  it("refuses to register someone as a partner who is already registered with 409", async () => {
    const { event } = await createEvent({ type: "marathon", capacity: 20, roleBalance: { tolerance: 2 } });
    const [a, b] = await members(2);
    await going(b!, event.id, { role: "follower" });
    const res = await rsvpAs(a!, event.id, { status: "going", role: "leader", partnerHandle: b!.user.handle });
    expect(res.status).toBe(409);
  });

  it("refuses a couple where the registering dancer dances both roles", async () => {
    const { event } = await createEvent({ type: "marathon", capacity: 20, roleBalance: { tolerance: 2 } });
    const [a, b] = await members(2);
    expect((await rsvpAs(a!, event.id, { status: "going", role: "both", partnerHandle: b!.user.handle })).status).toBe(400);
  });

  it("keeps the balance rule under 40 simultaneous leaders and followers", async () => {
    const { event } = await createEvent({ type: "marathon", capacity: 30, roleBalance: { tolerance: 2 } });
    const dancers = await members(40);
    await Promise.all(dancers.map((d, i) => going(d, event.id, { role: i % 4 === 0 ? "follower" : "leader" })));
    const now = await counts(event.id);
    expect(now.going).toBeLessThanOrEqual(30);
    expect(Math.abs(now.leaders - now.followers)).toBeLessThanOrEqual(2);
    expect(now.followers).toBe(10);
    expect(now.leaders).toBe(12);
  });
});

describe("attendees (organizers)", () => {
  it("lists attendees with their roles for organizers and refuses everyone else", async () => {
    const { event, organizer } = await createEvent({ type: "marathon", capacity: 20, roleBalance: { tolerance: 2 } });
    const [a] = await members(1);
    await going(a!, event.id, { role: "leader" });
    const res = await api(`/events/${event.id}/attendees`, { token: organizer.accessToken });
    expect(res.status).toBe(200);
    const body = await res.json<{ data: { member: { handle: string }; status: string; seatedRole: string }[]; counts: AttendanceCounts }>();
    expect(body.data).toEqual([expect.objectContaining({ member: expect.objectContaining({ handle: a!.user.handle }), status: "going", seatedRole: "leader" })]);
    expect(body.counts.leaders).toBe(1);
    const stranger = await verifiedMember();
    expect((await api(`/events/${event.id}/attendees`, { token: stranger.accessToken })).status).toBe(403);
    expect((await api(`/events/${event.id}/attendees`)).status).toBe(401);
  });

  it("exports CSV with formula-looking names defused", async () => {
    const { event, organizer } = await createEvent();
    const sneaky = await member({ displayName: "=HYPERLINK(\"http://evil\",\"x\")" });
    await going(sneaky, event.id);
    const res = await api(`/events/${event.id}/attendees?format=csv`, { token: organizer.accessToken });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/csv/);
    expect(res.headers.get("Content-Disposition")).toMatch(/attachment/);
    const csv = await res.text();
    expect(csv.split("\r\n")[0]).toBe("handle,display_name,status,role,seated_role,partner,waitlist_order,registered_at");
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
  });
});

describe("couples without consent", () => {
  it("takes a partner out again when the member who registered them withdraws", async () => {
    const { event } = await createEvent({ type: "marathon", capacity: 20, roleBalance: { tolerance: 2 } });
    const [a, b] = await members(2);
    await going(a!, event.id, { role: "leader", partnerHandle: b!.user.handle });
    expect((await api(`/events/${event.id}/rsvp`, { method: "DELETE", token: a!.accessToken })).status).toBe(204);
    expect(await (await api(`/events/${event.id}/rsvp`, { token: b!.accessToken })).json()).toBeNull();
  });

  it("keeps a partner who confirmed the registration themselves", async () => {
    const { event } = await createEvent({ type: "marathon", capacity: 20, roleBalance: { tolerance: 2 } });
    const [a, b] = await members(2);
    await going(a!, event.id, { role: "leader", partnerHandle: b!.user.handle });
    await going(b!, event.id, { role: "follower", partnerHandle: a!.user.handle });
    await api(`/events/${event.id}/rsvp`, { method: "DELETE", token: a!.accessToken });
    expect((await (await api(`/events/${event.id}/rsvp`, { token: b!.accessToken })).json<RsvpDto>()).status).toBe("going");
  });

  it("never overwrites someone's own answer by naming them as a partner", async () => {
    const { event } = await createEvent({ type: "marathon", capacity: 20, roleBalance: { tolerance: 2 } });
    const [a, b] = await members(2);
    await rsvpAs(b!, event.id, { status: "not_going" });
    const res = await rsvpAs(a!, event.id, { status: "going", role: "leader", partnerHandle: b!.user.handle });
    expect(res.status).toBe(409);
    expect((await (await api(`/events/${event.id}/rsvp`, { token: b!.accessToken })).json<RsvpDto>()).status).toBe("not_going");
  });
});

describe("organizers changing the floor", () => {
  it("admits waiting dancers at once when the capacity grows", async () => {
    const { event, organizer } = await createEvent({ capacity: 1 });
    const [a, b] = await members(2);
    await going(a!, event.id);
    expect((await going(b!, event.id)).status).toBe("waitlisted");
    expect((await api(`/events/${event.id}`, { method: "PATCH", token: organizer.accessToken, json: { capacity: 2 } })).status).toBe(200);
    expect((await (await api(`/events/${event.id}/rsvp`, { token: b!.accessToken })).json<RsvpDto>()).status).toBe("going");
  });

  it("keeps every RSVP when the organizers move the event to another time", async () => {
    const { event, organizer } = await createEvent({ start: "2030-05-01T21:00", end: "2030-05-02T01:00" });
    const [a] = await members(1);
    await going(a!, event.id);
    const moved = await api(`/events/${event.id}`, { method: "PATCH", token: organizer.accessToken, json: { start: "2030-05-01T21:30", end: "2030-05-02T02:00" } });
    expect(moved.status).toBe(200);
    expect((await (await api(`/events/${event.id}/rsvp`, { token: a!.accessToken })).json<RsvpDto>()).status).toBe("going");
    expect((await counts(event.id)).going).toBe(1);
  });

  it("keeps RSVPs and cancelled dates on their day when a series changes its hour", async () => {
    const { event, organizer } = await createEvent({ start: "2030-05-01T21:00", end: "2030-05-02T01:00", recurrence: { rrule: "FREQ=WEEKLY;COUNT=3" } });
    const dates = (await (await api(`/events/${event.id}/occurrences`)).json<{ data: { occurrenceKey: string }[] }>()).data;
    const [a] = await members(1);
    await going(a!, event.id, { occurrence: dates[1]!.occurrenceKey });
    await api(`/events/${event.id}/occurrences/${dates[2]!.occurrenceKey}`, { method: "PATCH", token: organizer.accessToken, json: { cancelled: true } });
    await api(`/events/${event.id}`, { method: "PATCH", token: organizer.accessToken, json: { start: "2030-05-01T22:00", end: "2030-05-02T02:00" } });
    const after = (await (await api(`/events/${event.id}/occurrences`)).json<{ data: { occurrenceKey: string; startLocal: string; status: string }[] }>()).data;
    expect(after.map((d) => d.startLocal)).toEqual(["2030-05-01T22:00", "2030-05-08T22:00", "2030-05-15T22:00"]);
    expect(after[2]!.status).toBe("cancelled");
    const mine = await (await api(`/events/${event.id}/rsvp?occurrence=${after[1]!.occurrenceKey}`, { token: a!.accessToken })).json<RsvpDto>();
    expect(mine.status).toBe("going");
  });
});
