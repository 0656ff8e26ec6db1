import { beforeAll, describe, expect, it } from "vitest";
import { api } from "./accounts";
import { directConversation, groupConversation } from "./chat-fixtures";
import { createEvent, verifiedMember, type Member } from "./event-factory";
import { page, signIn, submit } from "./pages";
import { block } from "./post-factory";
import { seedWorld } from "./world";

/** The Messages pages, server-rendered through the Worker: inbox, conversation, the no-JavaScript forms, and the doors from profiles and events. */

beforeAll(seedWorld);

let n = 0;
const handle = (prefix: string) => `${prefix}${Date.now().toString(36)}${(n += 1)}`.slice(0, 30);

type Signed = Member & { cookie: string };

async function signedIn(displayName: string, prefix = displayName.toLowerCase()): Promise<Signed> {
  const account = await verifiedMember({ displayName, handle: handle(prefix) });
  return { ...account, cookie: await signIn(account) };
}

async function say(m: Member, conversationId: string, body: string, clientId = crypto.randomUUID()) {
  const res = await api(`/conversations/${conversationId}/messages`, { method: "POST", token: m.accessToken, json: { clientId, body } });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json<{ seq: number; duplicate: boolean }>();
}

async function history(m: Member, conversationId: string) {
  const res = await api(`/conversations/${conversationId}/messages?limit=100`, { token: m.accessToken });
  expect(res.status).toBe(200);
  return (await res.json<{ data: { seq: number; body: string | null; clientId: string }[] }>()).data;
}

async function unreadIn(m: Member, conversationId: string): Promise<number> {
  const res = await api(`/conversations/${conversationId}`, { token: m.accessToken });
  return (await res.json<{ unreadCount: number }>()).unreadCount;
}

/** The hidden clientId the page rendered into its composer. */
const renderedClientId = (html: string) => /name="clientId" value="([^"]+)"/.exec(html)?.[1];

describe("Messages pages for visitors", () => {
  it("send visitors to sign in first, and back afterwards", async () => {
    for (const path of ["/messages", "/messages/0198beef-0000-7000-8000-000000000001"]) {
      const res = await page(path);
      expect(res.status).toBe(302);
      expect(res.headers.get("Location")).toBe(`/login?redirectTo=${encodeURIComponent(path)}`);
    }
  });
});

describe("the inbox", () => {
  it("says what to do when there is nothing yet", async () => {
    const ana = await signedIn("Ana");
    const res = await page("/messages", ana.cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("No conversations yet");
    expect(html).toContain("Message someone from their profile");
    expect(html).toContain("New group");
  });

  it("lists conversations newest activity first, with previews, unread counts and the muted mark", async () => {
    const [ana, beto, carla] = await Promise.all([signedIn("Ana"), signedIn("Beto"), signedIn("Carla")]);
    const withBeto = await directConversation(ana, beto);
    const group = await groupConversation(carla, [ana], "Ride to <b>Sunday</b>");
    await say(beto, withBeto, "¿Bailamos la tanda de D'Arienzo?");
    await say(beto, withBeto, "Te espero en la entrada");
    await say(carla, group, "Salimos a las 21");
    const html = await (await page("/messages", ana.cookie)).text();
    // Newest activity first: the group's message came last.
    expect(html.indexOf("Ride to &lt;b&gt;Sunday&lt;/b&gt;")).toBeGreaterThan(-1);
    expect(html.indexOf("Ride to &lt;b&gt;Sunday&lt;/b&gt;")).toBeLessThan(html.indexOf("Beto"));
    expect(html).toContain("Te espero en la entrada");
    expect(html).toMatch(/data-testid="conversation-unread"[^>]*>2<span class="sr-only"> unread/);
    expect(html).toContain("2 unread conversations");
    expect(html).toContain(`href="/messages/${withBeto}"`);

    // Muting shows in the inbox line.
    expect((await submit(`/messages/${group}`, { intent: "mute" }, { cookie: ana.cookie })).status).toBe(302);
    expect(await (await page("/messages", ana.cookie)).text()).toContain('aria-label="Muted"');
  });

  it("puts the number of unread conversations on the header's Messages link, muted ones left out", async () => {
    const [ana, beto, carla] = await Promise.all([signedIn("Ana"), signedIn("Beto"), signedIn("Carla")]);
    const badge = async () => /data-testid="messages-unread"[^>]*>(\d+)</.exec(await (await page("/events", ana.cookie)).text())?.[1] ?? null;
    expect(await badge()).toBeNull();
    const withBeto = await directConversation(ana, beto);
    const withCarla = await directConversation(ana, carla);
    await say(beto, withBeto, "uno");
    await say(beto, withBeto, "dos");
    await say(carla, withCarla, "tres");
    expect(await badge()).toBe("2");
    expect((await submit(`/messages/${withCarla}`, { intent: "mute" }, { cookie: ana.cookie })).status).toBe(302);
    expect(await badge()).toBe("1");
    await page(`/messages/${withBeto}`, ana.cookie);
    expect(await badge()).toBeNull();
  });

  it("pages back with Load older, and starts over on a forged cursor", async () => {
    const ana = await signedIn("Ana");
    const others = await Promise.all(Array.from({ length: 21 }, (_, i) => verifiedMember({ handle: handle(`p${i}`) })));
    for (const other of others) await directConversation(ana, other);
    const first = await (await page("/messages", ana.cookie)).text();
    const older = /href="(\/messages\?cursor=[^"]+)"/.exec(first)?.[1];
    expect(older).toBeDefined();
    const second = await page(older!.replaceAll("&amp;", "&"), ana.cookie);
    expect(second.status).toBe(200);
    expect(await second.text()).toContain("Newest conversations");
    expect((await page("/messages?cursor=%27%20OR%201%3D1", ana.cookie)).status).toBe(200);
  });

  it("starts a group through the New group form and opens it", async () => {
    const [ana, beto, carla] = await Promise.all([signedIn("Ana"), signedIn("Beto"), signedIn("Carla")]);
    const res = await submit("/messages", { intent: "group", title: "Práctica del martes", members: `@${beto.user.handle}, ${carla.user.handle}` }, { cookie: ana.cookie });
    expect(res.status).toBe(302);
    const location = res.headers.get("Location")!;
    expect(location).toMatch(/^\/messages\/[0-9a-f-]{36}$/);
    const html = await (await page(location, beto.cookie)).text();
    expect(html).toContain("Práctica del martes");
    expect(html).toContain("3 members");
  });

  it("answers a New message form naming nobody with a message, not an error page", async () => {
    const ana = await signedIn("Ana");
    const res = await submit("/messages", { intent: "direct", handle: "nobody_here_at_all" }, { cookie: ana.cookie });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('value="nobody_here_at_all"');
  });
});

describe("a conversation page", () => {
  it("renders messages as text, sender names, tombstones and edits, and reads them", async () => {
    const [ana, beto] = await Promise.all([signedIn("Ana"), signedIn("Beto")]);
    const id = await directConversation(ana, beto);
    await say(beto, id, "<script>alert('x')</script> & <b>hola</b>");
    await say(beto, id, "second line\nsecond paragraph");
    expect(await unreadIn(ana, id)).toBe(2);
    const res = await page(`/messages/${id}`, ana.cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain("<script>alert('x')</script>");
    expect(html).toContain("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;hola&lt;/b&gt;");
    expect(html).toContain('role="log"');
    expect(html).toContain('aria-live="polite"');
    expect(html).toContain("Beto");
    // Opening the newest messages reads them.
    expect(await unreadIn(ana, id)).toBe(0);
  });

  it("shows a member who left as a former member, and a deleted message as deleted", async () => {
    const [ana, beto, carla] = await Promise.all([signedIn("Ana"), signedIn("Beto"), signedIn("Carla")]);
    const id = await groupConversation(ana, [beto, carla], "Tanda club");
    await say(carla, id, "Me voy del grupo, chau");
    expect((await submit(`/messages/${id}`, { intent: "leave" }, { cookie: carla.cookie })).status).toBe(302);
    const html = await (await page(`/messages/${id}`, ana.cookie)).text();
    expect(html).toContain("Former member");
    expect(html).toContain("Me voy del grupo, chau");
  });

  it("answers 404 to a member who is not in it, and to ids that are not conversations", async () => {
    const [ana, beto, eve] = await Promise.all([signedIn("Ana"), signedIn("Beto"), signedIn("Eve")]);
    const id = await directConversation(ana, beto);
    await say(ana, id, "solo para Beto");
    for (const path of [`/messages/${id}`, "/messages/not-a-uuid", "/messages/0198beef-0000-7000-8000-000000000001"]) {
      const res = await page(path, eve.cookie);
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expect(html).toContain("Conversation not found");
      expect(html).not.toContain("solo para Beto");
    }
    // Nor can they post into it.
    const sent = await submit(`/messages/${id}`, { intent: "send", clientId: crypto.randomUUID(), body: "hola" }, { cookie: eve.cookie });
    expect(sent.status).toBe(404);
    expect((await history(ana, id)).length).toBe(1);
  });

  it("sends through the plain form once, even when the same form is submitted twice", async () => {
    const [ana, beto] = await Promise.all([signedIn("Ana"), signedIn("Beto")]);
    const id = await directConversation(ana, beto);
    const clientId = renderedClientId(await (await page(`/messages/${id}`, ana.cookie)).text());
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    const form = { intent: "send", clientId: clientId!, body: "Nos vemos en La Viruta <3" };
    const [first, second] = await Promise.all([submit(`/messages/${id}`, form, { cookie: ana.cookie }), submit(`/messages/${id}`, form, { cookie: ana.cookie })]);
    expect(first.status).toBe(302);
    expect(second.status).toBe(302);
    expect(first.headers.get("Location")).toBe(second.headers.get("Location"));
    expect(first.headers.get("Location")).toMatch(new RegExp(`^/messages/${id}#m-\\d+$`));
    const stored = await history(beto, id);
    expect(stored.map((m) => m.body)).toEqual(["Nos vemos en La Viruta <3"]);
    // Beto reads it on his page; a new render carries a new clientId.
    const html = await (await page(`/messages/${id}`, beto.cookie)).text();
    expect(html).toContain("Nos vemos en La Viruta &lt;3");
    expect(renderedClientId(html)).not.toBe(clientId);
  });

  it("keeps what was typed when the message is refused", async () => {
    const [ana, beto] = await Promise.all([signedIn("Ana"), signedIn("Beto")]);
    const id = await directConversation(ana, beto);
    const tooLong = "a".repeat(4001);
    const res = await submit(`/messages/${id}`, { intent: "send", clientId: crypto.randomUUID(), body: tooLong }, { cookie: ana.cookie });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("at most 4000 characters");
    expect(html).toContain(tooLong);
    const blank = await submit(`/messages/${id}`, { intent: "send", clientId: crypto.randomUUID(), body: "   " }, { cookie: ana.cookie });
    expect(blank.status).toBe(400);
    expect(await history(ana, id)).toEqual([]);
  });

  it("refuses a form posted from another site", async () => {
    const [ana, beto] = await Promise.all([signedIn("Ana"), signedIn("Beto")]);
    const id = await directConversation(ana, beto);
    const res = await submit(`/messages/${id}`, { intent: "send", clientId: crypto.randomUUID(), body: "forged" }, { cookie: ana.cookie, origin: "https://evil.example" });
    expect(res.status).toBeGreaterThanOrEqual(400);
    const group = await submit("/messages", { intent: "group", title: "forged", members: beto.user.handle }, { cookie: ana.cookie, origin: "https://evil.example" });
    expect(group.status).toBeGreaterThanOrEqual(400);
    expect(await history(ana, id)).toEqual([]);
  });

  it("pages back through history with Older messages (?before=) and offers the newest again", async () => {
    const [ana, beto] = await Promise.all([signedIn("Ana"), signedIn("Beto")]);
    const id = await directConversation(ana, beto);
    for (let i = 1; i <= 52; i += 1) await say(i % 2 ? ana : beto, id, `mensaje número ${i}.`);
    const newest = await (await page(`/messages/${id}`, ana.cookie)).text();
    expect(newest).toContain("mensaje número 52.");
    expect(newest).not.toContain("mensaje número 2.");
    const older = /href="(\/messages\/[^"?]+\?before=\d+)"/.exec(newest)?.[1];
    expect(older).toBeDefined();
    // The log only: the inbox beside it previews the newest message.
    const full = await (await page(older!, ana.cookie)).text();
    const html = full.slice(full.indexOf('role="log"'), full.indexOf("</ol>"));
    expect(html).toContain("mensaje número 1.");
    expect(html).toContain("mensaje número 2.");
    expect(html).not.toContain("mensaje número 52.");
    expect(full).toContain("Newest messages");
    expect((await page(`/messages/${id}?before=abc`, ana.cookie)).status).toBe(200);
  });

  it("lets a group admin rename, add and remove members, and a member leave, through plain forms", async () => {
    const [ana, beto, carla, dani] = await Promise.all([signedIn("Ana"), signedIn("Beto"), signedIn("Carla"), signedIn("Dani")]);
    const id = await groupConversation(ana, [beto, carla], "Before");
    const post = (m: Signed, fields: Record<string, string>) => submit(`/messages/${id}`, fields, { cookie: m.cookie });
    expect((await post(ana, { intent: "rename", title: "Milonga crew" })).headers.get("Location")).toBe(`/messages/${id}?done=renamed`);
    expect((await post(ana, { intent: "add", handles: `@${dani.user.handle}` })).status).toBe(302);
    expect((await post(ana, { intent: "remove", handle: carla.user.handle })).status).toBe(302);
    const html = await (await page(`/messages/${id}?done=added`, dani.cookie)).text();
    expect(html).toContain("Milonga crew");
    expect(html).toContain("3 members");
    expect((await page(`/messages/${id}`, carla.cookie)).status).toBe(404);
    // A plain member cannot rename; the page says why instead of failing.
    const refused = await post(beto, { intent: "rename", title: "Mine now" });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('role="alert"');
    expect((await post(beto, { intent: "leave" })).headers.get("Location")).toBe("/messages");
    expect((await page(`/messages/${id}`, beto.cookie)).status).toBe(404);
  });
});

describe("reading a conversation", () => {
  it("links http(s) addresses (nofollow ugc, escaped) and nothing else, and separates days", async () => {
    const [ana, beto] = await Promise.all([signedIn("Ana"), signedIn("Beto")]);
    const id = await directConversation(ana, beto);
    await say(beto, id, 'Mirá https://example.com/milonga?a=1&b=2, y "javascript:alert(1)" o www.laviruta.com.');
    const html = await (await page(`/messages/${id}`, ana.cookie)).text();
    expect(html).toMatch(/<a href="https:\/\/example\.com\/milonga\?a=1&amp;b=2" rel="nofollow ugc noopener" target="_blank"[^>]*>https:\/\/example\.com\/milonga\?a=1&amp;b=2<\/a>, y &quot;javascript:alert\(1\)&quot; o <a href="https:\/\/www\.laviruta\.com" rel="nofollow ugc noopener"/);
    expect(html).not.toMatch(/href="javascript/i);
    // The first message of the day has its separator (the page renders in UTC before it knows the reader's zone).
    expect(html).toMatch(/data-testid="day-separator"[^>]*><span>Today<\/span>/);
  });

  it("marks where the unread messages begin when the page opens, and not once they are read", async () => {
    const [ana, beto] = await Promise.all([signedIn("Ana"), signedIn("Beto")]);
    const id = await directConversation(ana, beto);
    await say(ana, id, "¿Vamos el jueves?");
    await say(beto, id, "Primer mensaje nuevo");
    await say(beto, id, "Segundo mensaje nuevo");
    const html = await (await page(`/messages/${id}`, ana.cookie)).text();
    const divider = html.indexOf('data-testid="unread-divider"');
    expect(divider).toBeGreaterThan(html.indexOf("¿Vamos el jueves?"));
    expect(divider).toBeLessThan(html.indexOf("Primer mensaje nuevo"));
    expect(html.match(/data-testid="unread-divider"/g)).toHaveLength(1);
    // In Beto's run the time is said once a minute: under the last message of each minute (still there for screen readers).
    const sent = (await history(ana, id)).slice(1) as unknown as { sentAt: string }[];
    const sameMinute = sent[0]!.sentAt.slice(0, 16) === sent[1]!.sentAt.slice(0, 16);
    const times = [...html.matchAll(/<time dateTime="([^"]+)"[^>]*?( class="sr-only")?>/g)].slice(-2).map((m) => Boolean(m[2]));
    expect(times).toEqual([sameMinute, false]);
    // That visit read them; Beto read Ana's message when he answered it.
    expect(await (await page(`/messages/${id}`, ana.cookie)).text()).not.toContain('data-testid="unread-divider"');
    expect(await (await page(`/messages/${id}`, beto.cookie)).text()).not.toContain('data-testid="unread-divider"');
  });
});

describe("editing and deleting your messages without JavaScript", () => {
  const messageAt = async (m: Member, id: string, seq: number) => (await history(m, id)).find((x) => x.seq === seq);

  it("edits through ?edit=<seq> and its form, for your own messages only", async () => {
    const [ana, beto] = await Promise.all([signedIn("Ana"), signedIn("Beto")]);
    const id = await directConversation(ana, beto);
    const { seq } = await say(ana, id, "Lleg a las 22");
    const theirs = await say(beto, id, "Dale");
    const html = await (await page(`/messages/${id}`, ana.cookie)).text();
    // Edit and Delete are links on her own message, not on Beto's.
    expect(html).toContain(`href="/messages/${id}?edit=${seq}#m-${seq}"`);
    expect(html).toContain(`href="/messages/${id}?delete=${seq}#m-${seq}"`);
    expect(html).not.toContain(`?edit=${theirs.seq}`);
    expect(await (await page(`/messages/${id}`, beto.cookie)).text()).not.toContain(`?edit=${seq}`);

    const form = await (await page(`/messages/${id}?edit=${seq}`, ana.cookie)).text();
    expect(form).toContain('name="intent" value="edit"');
    expect(form).toMatch(/<textarea[^>]*name="body"[^>]*>Lleg a las 22<\/textarea>/);
    const clientId = /name="intent" value="edit"\/><input type="hidden" name="seq" value="\d+"\/><input type="hidden" name="clientId" value="([^"]+)"/.exec(form)?.[1];
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    // Beto's page at ?edit= of Ana's message shows no form.
    expect(await (await page(`/messages/${id}?edit=${seq}`, beto.cookie)).text()).not.toContain('name="intent" value="edit"');

    // A blank edit is refused with the form still open and why.
    const blank = await submit(`/messages/${id}?edit=${seq}`, { intent: "edit", seq: String(seq), clientId: clientId!, body: "  " }, { cookie: ana.cookie });
    expect(blank.status).toBe(400);
    const blankHtml = await blank.text();
    expect(blankHtml).toContain('role="alert"');
    expect(blankHtml).toContain('name="intent" value="edit"');

    const saved = await submit(`/messages/${id}?edit=${seq}`, { intent: "edit", seq: String(seq), clientId: clientId!, body: "Llego a las 22 <3" }, { cookie: ana.cookie });
    expect(saved.status).toBe(302);
    expect(saved.headers.get("Location")).toBe(`/messages/${id}#m-${seq}`);
    expect((await messageAt(beto, id, seq))?.body).toBe("Llego a las 22 <3");
    const after = await (await page(`/messages/${id}`, beto.cookie)).text();
    expect(after).toContain("Llego a las 22 &lt;3");
    expect(after).toContain("· edited");

    // Beto cannot edit Ana's message, nor Ana a seq that is not a message: a message on the page, nothing changes.
    const forged = await submit(`/messages/${id}`, { intent: "edit", seq: String(seq), clientId: crypto.randomUUID(), body: "hackeado" }, { cookie: beto.cookie });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('role="alert"');
    const missing = await submit(`/messages/${id}`, { intent: "edit", seq: "999", clientId: crypto.randomUUID(), body: "x" }, { cookie: ana.cookie });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('role="alert"');
    expect((await submit(`/messages/${id}`, { intent: "edit", seq: "-1", clientId: crypto.randomUUID(), body: "x" }, { cookie: ana.cookie })).status).toBe(400);
    expect((await messageAt(ana, id, seq))?.body).toBe("Llego a las 22 <3");
  });

  it("deletes after a confirmation (?delete=<seq>), never someone else's, never from another site or outside the conversation", async () => {
    const [ana, beto, eve] = await Promise.all([signedIn("Ana"), signedIn("Beto"), signedIn("Eve")]);
    const id = await directConversation(ana, beto);
    const { seq } = await say(ana, id, "Oops, wrong chat");
    const confirm = await (await page(`/messages/${id}?delete=${seq}`, ana.cookie)).text();
    expect(confirm).toContain("Delete this message for everyone?");
    expect(confirm).toContain('name="intent" value="delete"');
    expect(confirm).toContain(`href="/messages/${id}#m-${seq}"`);
    const fields = { intent: "delete", seq: String(seq), clientId: crypto.randomUUID() };

    expect((await submit(`/messages/${id}`, fields, { cookie: ana.cookie, origin: "https://evil.example" })).status).toBeGreaterThanOrEqual(400);
    expect((await submit(`/messages/${id}`, fields, { cookie: eve.cookie })).status).toBe(404);
    expect((await submit(`/messages/${id}`, fields, { cookie: beto.cookie })).status).toBe(403);
    expect((await messageAt(ana, id, seq))?.body).toBe("Oops, wrong chat");

    const deleted = await submit(`/messages/${id}`, fields, { cookie: ana.cookie });
    expect(deleted.status).toBe(302);
    expect(deleted.headers.get("Location")).toBe(`/messages/${id}#m-${seq}`);
    expect((await messageAt(beto, id, seq))?.body).toBeNull();
    const html = await (await page(`/messages/${id}`, beto.cookie)).text();
    expect(html).toContain("Message deleted");
    expect(html).not.toContain("Oops, wrong chat");
    // A deleted message offers no Edit or Delete.
    expect(await (await page(`/messages/${id}`, ana.cookie)).text()).not.toContain(`?delete=${seq}`);
  });
});

describe("the Message button on profiles", () => {
  it("opens the one direct conversation, from either side, without JavaScript", async () => {
    const [ana, beto] = await Promise.all([signedIn("Ana"), signedIn("Beto")]);
    const profile = await (await page(`/people/${beto.user.handle}`, ana.cookie)).text();
    expect(profile).toMatch(/<input type="hidden" name="intent" value="message"\/>/);
    const res = await submit(`/people/${beto.user.handle}`, { intent: "message" }, { cookie: ana.cookie });
    expect(res.status).toBe(302);
    const location = res.headers.get("Location")!;
    expect(location).toMatch(/^\/messages\/[0-9a-f-]{36}$/);
    const again = await submit(`/people/${ana.user.handle}`, { intent: "message" }, { cookie: beto.cookie });
    expect(again.headers.get("Location")).toBe(location);
    expect((await page(location, beto.cookie)).status).toBe(200);
  });

  it("is not on your own profile, not for visitors, and not across a block either way", async () => {
    const [ana, beto, carla] = await Promise.all([signedIn("Ana"), signedIn("Beto"), signedIn("Carla")]);
    const hasButton = (html: string) => html.includes('name="intent" value="message"');
    expect(hasButton(await (await page(`/people/${ana.user.handle}`, ana.cookie)).text())).toBe(false);
    expect(hasButton(await (await page(`/people/${ana.user.handle}`)).text())).toBe(false);
    await block(beto, ana);
    await block(ana, carla);
    expect(hasButton(await (await page(`/people/${beto.user.handle}`, ana.cookie)).text())).toBe(false);
    expect(hasButton(await (await page(`/people/${carla.user.handle}`, ana.cookie)).text())).toBe(false);
    // A forged form is refused by the service too, with no conversation made.
    const res = await submit(`/people/${beto.user.handle}`, { intent: "message" }, { cookie: ana.cookie });
    expect(res.status).toBe(403);
    const inbox = await (await page("/messages", ana.cookie)).text();
    expect(inbox).toContain("No conversations yet");
  });
});

describe("the event chat on event pages", () => {
  it("is offered to going attendees and organizers only, and joining opens it", async () => {
    const [dancer, curious] = await Promise.all([signedIn("Dancer"), signedIn("Curious")]);
    const { event, organizer } = await createEvent();
    const organizerCookie = await signIn(organizer);
    expect((await api(`/events/${event.id}/rsvp`, { method: "POST", token: dancer.accessToken, json: { status: "going" } })).status).toBeLessThan(300);
    expect((await api(`/events/${event.id}/rsvp`, { method: "POST", token: curious.accessToken, json: { status: "interested" } })).status).toBeLessThan(300);

    const forCurious = await (await page(`/events/${event.id}`, curious.cookie)).text();
    expect(forCurious).not.toContain("Event chat");
    expect(await (await page(`/events/${event.id}`)).text()).not.toContain("Event chat");
    const forbidden = await submit(`/events/${event.id}`, { intent: "join-chat" }, { cookie: curious.cookie });
    expect(forbidden.status).toBe(403);

    const forDancer = await (await page(`/events/${event.id}`, dancer.cookie)).text();
    expect(forDancer).toContain("Join the event chat");
    const joined = await submit(`/events/${event.id}`, { intent: "join-chat" }, { cookie: dancer.cookie });
    expect(joined.status).toBe(302);
    const room = joined.headers.get("Location")!;
    expect(room).toMatch(/^\/messages\/[0-9a-f-]{36}$/);
    expect(await (await page(`/events/${event.id}`, dancer.cookie)).text()).toContain(`href="${room}"`);
    expect(await (await page(room, dancer.cookie)).text()).toContain("Milonga de Prueba");

    expect(await (await page(`/events/${event.id}`, organizerCookie)).text()).toContain("Join the event chat");
    // An event room the member has not joined says how to join, rather than pretending it does not exist.
    const notJoined = await page(room, curious.cookie);
    expect(notJoined.status).toBe(403);
    expect(await notJoined.text()).toContain("Join this chat first");
  });
});
