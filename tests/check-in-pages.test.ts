import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { MyTicketDto as MyTicket, PurchaseDto as Purchase, TicketTypeDto as TicketType } from "../worker/schemas/tickets";
import { api, member } from "./accounts";
import { createEvent, verifiedMember, type Member } from "./event-factory";
import { seedWorld } from "./world";

beforeAll(seedWorld);

const ORIGIN = () => env.APP_ORIGIN;

/** The browser session of a member, as the login form would have set it. */
const cookieOf = (account: Member) => `mt_access=${account.accessToken}; mt_refresh=${account.refreshToken}`;

const page = (path: string, account?: Member) => SELF.fetch(`${ORIGIN()}${path}`, { headers: account ? { Cookie: cookieOf(account) } : {}, redirect: "manual" });

/** The door form as a browser without JavaScript posts it. */
function scan(eventId: string, code: string, account: Member, { origin = ORIGIN() }: { origin?: string } = {}) {
  return SELF.fetch(`${ORIGIN()}/events/${eventId}/check-in`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin, Cookie: cookieOf(account) },
    body: new URLSearchParams({ code }),
    redirect: "manual",
  });
}

/** An event with a free ticket type; `holder` (a new member by default) holds one ticket. */
async function ticketedEvent({ title = "Milonga de la Puerta", typeName = "General", holder }: { title?: string; typeName?: string; holder?: Member } = {}) {
  const { event, organizer } = await createEvent({ title });
  const typeRes = await api(`/events/${event.id}/ticket-types`, {
    method: "POST",
    token: organizer.accessToken,
    json: { name: typeName, price: { amountMinor: 0, currency: "EUR" }, quantity: 50 },
  });
  expect(typeRes.status, await typeRes.clone().text()).toBe(201);
  const type = await typeRes.json<TicketType>();
  const buyer = holder ?? (await member({ displayName: "Lucía Ferreyra" }));
  const buyRes = await api(`/events/${event.id}/tickets`, { method: "POST", token: buyer.accessToken, json: { ticketTypeId: type.id, quantity: 1 } });
  expect(buyRes.status, await buyRes.clone().text()).toBe(201);
  const ticketId = (await buyRes.json<Purchase>()).tickets[0]!.id;
  const code = (await myTickets(buyer)).find((t) => t.id === ticketId)!.code;
  return { event, organizer, buyer, ticketId, code };
}

async function myTickets(holder: Member): Promise<MyTicket[]> {
  const res = await api("/me/tickets?limit=100", { token: holder.accessToken });
  expect(res.status).toBe(200);
  return (await res.json<{ data: MyTicket[] }>()).data;
}

async function usedAt(ticketId: string): Promise<string | null> {
  return (await env.DB.prepare("SELECT used_at FROM tickets WHERE id = ?").bind(ticketId).first<{ used_at: string | null }>())!.used_at;
}

/** The text a reader sees, without tags; React splits text around expressions with comments. */
const visibleText = (html: string) => html.replace(/<!--.*?-->/g, "").replace(/<[^>]+>/g, "");

describe("the check-in page", () => {
  it("welcomes a guest by name and ticket type, and marks the ticket used", async () => {
    const { event, organizer, ticketId, code } = await ticketedEvent({ typeName: "Entrada general" });
    const res = await scan(event.id, code, organizer);
    expect(res.status).toBe(200);
    const text = visibleText(await res.text());
    expect(text).toContain("Welcome, Lucía Ferreyra — Entrada general");
    expect(text).toContain("1 checked in / 1 ticket");
    expect(await usedAt(ticketId)).not.toBeNull();
  });

  it("leaves the code field empty and focused for the next guest", async () => {
    const { event, organizer, code } = await ticketedEvent();
    const html = await (await scan(event.id, code, organizer)).text();
    const input = /<input[^>]*name="code"[^>]*>/.exec(html)![0];
    expect(input).toContain("autofocus");
    expect(input).not.toContain(code);
    expect(input).toMatch(/value=""|^(?!.*value=)/);
  });

  it("says when a ticket was already checked in, on the venue's clock", async () => {
    const { event, organizer, ticketId, code } = await ticketedEvent();
    await scan(event.id, code, organizer);
    const res = await scan(event.id, code, organizer);
    expect(res.status).toBe(409);
    const when = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: event.timeZone }).format(new Date((await usedAt(ticketId))!));
    expect(visibleText(await res.text())).toContain(`Already checked in at ${when}`);
  });

  it("refuses a forged code", async () => {
    const { event, organizer, code } = await ticketedEvent();
    const forged = `${code.slice(0, -4)}${code.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    const res = await scan(event.id, forged, organizer);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Not a valid ticket");
  });

  it("refuses a ticket for another event", async () => {
    const door = await ticketedEvent();
    const elsewhere = await ticketedEvent({ title: "Otra Milonga" });
    const res = await scan(door.event.id, elsewhere.code, door.organizer);
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Not a ticket for this event");
    expect(await usedAt(elsewhere.ticketId)).toBeNull();
  });

  it("asks for a code when the field is empty", async () => {
    const { event, organizer } = await ticketedEvent();
    const res = await scan(event.id, "   ", organizer);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Enter or scan a ticket code.");
  });

  it("gives the page the offline kit: the public key and every ticket with its use", async () => {
    const { event, organizer, ticketId } = await ticketedEvent();
    const keyRes = await api(`/events/${event.id}/check-in/key`, { token: organizer.accessToken });
    const { publicKey } = await keyRes.json<{ publicKey: string }>();
    const res = await page(`/events/${event.id}/check-in`, organizer);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(publicKey);
    expect(html).toContain(ticketId);
    expect(html).toMatch(/Camera scanning is not part of this page/);
  });

  it("is forbidden to members who do not organize the event", async () => {
    const { event, buyer, ticketId, code } = await ticketedEvent();
    const res = await page(`/events/${event.id}/check-in`, buyer);
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain("Only organizers can check people in");
    expect(html).not.toContain(ticketId);
    const post = await scan(event.id, code, buyer);
    expect(post.status).toBe(403);
    expect(await usedAt(ticketId)).toBeNull();
  });

  it("sends visitors to sign in and back", async () => {
    const { event } = await ticketedEvent();
    const res = await page(`/events/${event.id}/check-in`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(`/events/${event.id}/check-in`)}`);
  });

  it("refuses a check-in posted from another site", async () => {
    const { event, organizer, ticketId, code } = await ticketedEvent();
    const res = await scan(event.id, code, organizer, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(await usedAt(ticketId)).toBeNull();
  });

  it("escapes an event title that looks like HTML", async () => {
    const { event, organizer } = await ticketedEvent({ title: "<script>alert(1)</script> Milonga" });
    const html = await (await page(`/events/${event.id}/check-in`, organizer)).text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Milonga");
  });
});

describe("my tickets page", () => {
  it("lists my ticket with its event, type, QR code and code text", async () => {
    const { event, buyer, code } = await ticketedEvent({ title: "Milonga del Ticket", typeName: "Pase completo" });
    const res = await page("/my/tickets", buyer);
    expect(res.status).toBe(200);
    const html = await res.text();
    const text = visibleText(html);
    expect(text).toContain("Milonga del Ticket");
    expect(text).toContain("Pase completo");
    expect(text).toContain("Not used yet");
    expect(html).toContain(`href="/events/${event.id}"`);
    expect(html).toMatch(/<svg role="img"/);
    expect(html).toContain(code);
  });

  it("shows the ticket as used once it is checked in", async () => {
    const { event, organizer, buyer, code } = await ticketedEvent();
    await scan(event.id, code, organizer);
    const text = visibleText(await (await page("/my/tickets", buyer)).text());
    expect(text).toMatch(/Used \w{3} \d{1,2} \w{3}, \d{2}:\d{2}/);
  });

  it("shows nobody else's tickets", async () => {
    const mine = await ticketedEvent({ title: "Milonga Mía" });
    const theirs = await ticketedEvent({ title: "Milonga Ajena" });
    const html = await (await page("/my/tickets", mine.buyer)).text();
    expect(html).toContain(mine.code);
    expect(html).not.toContain(theirs.code);
    expect(html).not.toContain("Milonga Ajena");
  });

  it("pages through many tickets, newest first", async () => {
    const holder = await member();
    const first = await ticketedEvent({ title: "Primera Milonga", holder });
    for (let i = 0; i < 10; i += 1) await ticketedEvent({ title: `Milonga número ${i}`, holder });
    const newest = await (await page("/my/tickets", holder)).text();
    expect(newest).toContain("Milonga número 9");
    expect(newest).not.toContain(first.code);
    const next = /href="(\/my\/tickets\?cursor=[^"]+)"/.exec(newest)![1]!.replace(/&amp;/g, "&");
    const older = await (await page(next, holder)).text();
    expect(older).toContain(first.code);
    expect(older).toContain("Newest tickets");
  });

  it("invites a member with no tickets to find an event", async () => {
    const html = await (await page("/my/tickets", await member())).text();
    expect(html).toContain("You have no tickets yet.");
    expect(html).toContain('href="/events"');
  });

  it("sends visitors to sign in", async () => {
    const res = await page("/my/tickets");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=/my/tickets");
  });

  it("escapes an event title that looks like HTML, in the list and inside the QR image", async () => {
    const { buyer } = await ticketedEvent({ title: "<script>alert(1)</script> Milonga" });
    const html = await (await page("/my/tickets", buyer)).text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("<title>Ticket for &lt;script&gt;alert(1)&lt;/script&gt; Milonga</title>");
  });

  it("links to my tickets from the header", async () => {
    const html = await (await page("/", await member())).text();
    expect(html).toContain('href="/my/tickets"');
  });
});

describe("co-organizers", () => {
  it("check guests in like the event's creator", async () => {
    const coOrganizer = await verifiedMember({ displayName: "Co Org" });
    const { event, code } = await ticketedEvent();
    await env.DB.prepare("INSERT INTO event_organizers (event_id, user_id, role, added_at) VALUES (?, ?, 'co-organizer', ?)")
      .bind(event.id, coOrganizer.user.id, new Date().toISOString())
      .run();
    const res = await scan(event.id, code, coOrganizer);
    expect(res.status).toBe(200);
  });
});
