import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { apiCall, journeyAccount } from "./api";
import { seriousViolations, signedInPage, useBrowser } from "./browser";

/**
 * Two members chat in two browser contexts (separate cookies, separate sockets): typing,
 * live delivery with "Sent", read receipts, presence; one of them drops offline while the other
 * writes, comes back and catches up in order without a reload; what they wrote while offline
 * is delivered after the reconnect. CHAT_SCREENSHOTS=1 also saves /tmp/chat-1280.png and /tmp/chat-390.png.
 */

const browser = useBrowser();

const status = (page: Page) => page.locator("[data-status]").getAttribute("data-status");
const log = (page: Page) => page.getByRole("log");
const logText = (page: Page) => log(page).textContent();
const receipt = (page: Page) => page.getByTestId("receipt").last().textContent({ timeout: 500 }).catch(() => null);
/** The bodies in the log, oldest first (pending ones included). */
const bodies = (page: Page) => log(page).locator("li p.whitespace-pre-wrap").allTextContents();

describe("two dancers chat live", () => {
  let ana: Awaited<ReturnType<typeof journeyAccount>>;
  let beto: Awaited<ReturnType<typeof journeyAccount>>;
  let conversationId = "";

  beforeAll(async () => {
    [ana, beto] = await Promise.all([journeyAccount("ana", "Ana Abrazo", { verified: true }), journeyAccount("beto", "Beto Boleo", { verified: true })]);
    const started = await apiCall<{ id: string }>("/conversations", { method: "POST", token: ana.accessToken, json: { type: "direct", with: beto.handle } });
    expect(started.status).toBeLessThan(300);
    conversationId = started.body.id;
  });

  it("types, sends, receives, reads, and catches up after being offline", async () => {
    const path = `/messages/${conversationId}`;
    const anaView = await signedInPage(browser(), ana.email, path);
    const betoView = await signedInPage(browser(), beto.email, path, 390);
    const a = anaView.page;
    const b = betoView.page;
    await expect.poll(() => status(a), { timeout: 15_000 }).toBe("live");
    await expect.poll(() => status(b), { timeout: 15_000 }).toBe("live");

    // Presence: each sees the other online.
    await expect.poll(() => a.locator("header").filter({ hasText: "Beto Boleo" }).textContent(), { timeout: 10_000 }).toContain("Online");

    // Typing: Beto sees Ana typing.
    const anaBox = a.getByLabel("Write a message");
    await anaBox.pressSequentially("¿Bailamos la ", { delay: 20 });
    await expect.poll(() => b.getByTestId("typing").textContent(), { timeout: 5_000 }).toContain("Ana Abrazo is typing…");

    // Ana sends with Enter: Beto sees it live, Ana sees it sent (and soon seen: Beto's page is open and visible).
    await anaBox.pressSequentially("tanda de <b>D'Arienzo</b>?", { delay: 5 });
    const sentAt = Date.now();
    await anaBox.press("Enter");
    await expect.poll(() => logText(b), { timeout: 10_000, interval: 50 }).toContain("¿Bailamos la tanda de <b>D'Arienzo</b>?");
    console.info(`message shown to the other member ${Date.now() - sentAt} ms after Enter`);
    expect(await anaBox.inputValue()).toBe("");
    await expect.poll(() => receipt(a), { timeout: 10_000 }).toMatch(/Sent|Seen/);
    await expect.poll(() => receipt(a), { timeout: 10_000 }).toContain("Seen");
    // The typing line clears once the message arrives.
    await expect.poll(() => b.getByTestId("typing").textContent(), { timeout: 6_000 }).toBe("");

    // Beto replies with the button; a Shift+Enter line break stays inside the message.
    const betoBox = b.getByLabel("Write a message");
    await betoBox.fill("¡Sí!");
    await betoBox.press("Shift+Enter");
    await betoBox.pressSequentially("Te espero", { delay: 5 });
    await b.getByRole("button", { name: "Send", exact: true }).click();
    await expect.poll(() => logText(a), { timeout: 10_000 }).toContain("Te espero");
    expect(await bodies(a)).toEqual(["¿Bailamos la tanda de <b>D'Arienzo</b>?", "¡Sí!\nTe espero"]);
    // The open conversation's inbox line follows along.
    await expect.poll(() => a.getByRole("list", { name: "Conversations" }).textContent(), { timeout: 5_000 }).toContain("Te espero");
    await expect.poll(() => receipt(b), { timeout: 10_000 }).toContain("Seen");

    // Beto drops offline; Ana writes twice meanwhile.
    await b.context().setOffline(true);
    await expect.poll(() => status(b), { timeout: 10_000 }).toMatch(/offline|waiting|connecting/);
    for (const text of ["Primero: salgo a las 21", "Segundo: llevo los zapatos"]) {
      await anaBox.fill(text);
      await anaBox.press("Enter");
    }
    await expect.poll(() => bodies(a), { timeout: 10_000 }).toContain("Segundo: llevo los zapatos");
    // Beto writes while offline: it waits in the outbox, shown as sending.
    await betoBox.fill("Escrito sin conexión");
    await betoBox.press("Enter");
    await expect.poll(() => b.getByTestId("pending-state").last().textContent()).toContain("Sending…");
    expect(await logText(b)).not.toContain("Primero");

    // Back online: no reload; the missed messages arrive in order, then Beto's own goes out.
    await b.context().setOffline(false);
    await expect.poll(() => status(b), { timeout: 20_000 }).toBe("live");
    await expect
      .poll(() => bodies(b), { timeout: 15_000 })
      .toEqual(["¿Bailamos la tanda de <b>D'Arienzo</b>?", "¡Sí!\nTe espero", "Primero: salgo a las 21", "Segundo: llevo los zapatos", "Escrito sin conexión"]);
    await expect.poll(() => b.getByTestId("pending-state").count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => bodies(a), { timeout: 10_000 }).toContain("Escrito sin conexión");
    expect(await bodies(a)).toEqual(await bodies(b));

    // Everything is stored once: the history API agrees with both screens.
    const history = await apiCall<{ data: { body: string }[] }>(`/conversations/${conversationId}/messages?limit=100`, { token: ana.accessToken });
    expect(history.body.data.map((m) => m.body)).toEqual(await bodies(a));

    expect(await seriousViolations(a)).toEqual([]);
    expect(await seriousViolations(b)).toEqual([]);
    if (process.env.CHAT_SCREENSHOTS) {
      await a.screenshot({ path: "/tmp/chat-1280.png", fullPage: false, caret: "initial" });
      await b.screenshot({ path: "/tmp/chat-390.png", fullPage: false, caret: "initial" });
      await b.goto("/messages");
      await b.screenshot({ path: "/tmp/chat-390-inbox.png", fullPage: false, caret: "initial" });
    }
    for (const view of [anaView, betoView]) {
      // The offline stretch makes the browser log failed requests; nothing else may go wrong.
      expect(view.errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED|WebSocket/.test(e))).toEqual([]);
      await view.page.context().close();
    }
  });
});

describe("a long group conversation", () => {
  let ana: Awaited<ReturnType<typeof journeyAccount>>;
  let beto: Awaited<ReturnType<typeof journeyAccount>>;
  let carla: Awaited<ReturnType<typeof journeyAccount>>;
  let conversationId = "";

  beforeAll(async () => {
    [ana, beto, carla] = await Promise.all([
      journeyAccount("ana", "Ana Abrazo", { verified: true }),
      journeyAccount("beto", "Beto Boleo", { verified: true }),
      journeyAccount("carla", "Carla Cabeceo", { verified: true }),
    ]);
    const started = await apiCall<{ id: string }>("/conversations", { method: "POST", token: ana.accessToken, json: { type: "group", title: "Historia larga", members: [beto.handle, carla.handle] } });
    expect(started.status).toBeLessThan(300);
    conversationId = started.body.id;
    // 60 messages, 20 each (the send limit is per member): more than the 50 a page shows.
    for (let i = 1; i <= 60; i += 1) {
      const who = [ana, beto, carla][i % 3]!;
      const sent = await apiCall(`/conversations/${conversationId}/messages`, { method: "POST", token: who.accessToken, json: { clientId: `seed-${i}`, body: `Mensaje ${i}` } });
      expect(sent.status).toBeLessThan(300);
    }
  });

  it("scrolls back through history, keeps the reader's place, shows a pill for new messages, and edits and deletes", async () => {
    const { page, errors } = await signedInPage(browser(), ana.email, `/messages/${conversationId}`);
    await expect.poll(() => status(page), { timeout: 15_000 }).toBe("live");
    const scroller = page.locator("[role=log]").locator("xpath=ancestor::div[contains(@class,'overflow-y-auto')]");
    const position = () => scroller.evaluate((el) => ({ fromBottom: Math.abs(el.scrollTop), fromTop: el.scrollHeight - el.clientHeight - Math.abs(el.scrollTop) }));
    // The newest 50, starting at the bottom.
    expect(await log(page).locator("li").count()).toBe(50);
    expect((await position()).fromBottom).toBeLessThan(5);

    // Scrolled to the top: the older ten load above, and the view stays where it was (not thrown to the top).
    await scroller.evaluate((el) => el.scrollTo({ top: -el.scrollHeight }));
    await expect.poll(() => log(page).locator("li").count(), { timeout: 10_000 }).toBe(60);
    await expect.poll(() => page.getByText("This is the beginning of the conversation.").isVisible()).toBe(true);
    expect((await bodies(page))[0]).toBe("Mensaje 1");
    expect((await position()).fromTop).toBeGreaterThan(200);

    // A new message while reading history: the view stays, a pill offers to jump down.
    const before = await position();
    expect((await apiCall(`/conversations/${conversationId}/messages`, { method: "POST", token: beto.accessToken, json: { clientId: "live-1", body: "¿Alguien tiene lugar en el auto?" } })).status).toBeLessThan(300);
    await expect.poll(() => logText(page), { timeout: 10_000 }).toContain("¿Alguien tiene lugar en el auto?");
    const pill = page.getByRole("button", { name: "New messages" });
    await expect.poll(() => pill.isVisible()).toBe(true);
    expect(Math.abs((await position()).fromTop - before.fromTop)).toBeLessThan(5);
    await pill.click();
    await expect.poll(async () => (await position()).fromBottom).toBeLessThan(5);
    expect(await pill.isVisible()).toBe(false);

    // Edit and delete my own message; the other members see both.
    const box = page.getByLabel("Write a message");
    await box.fill("Yo llevo a dos, salgo a las 21hs");
    await box.press("Enter");
    await expect.poll(() => receipt(page), { timeout: 10_000 }).toMatch(/Sent|Seen/);
    await page.getByRole("button", { name: "Edit your message" }).last().click();
    const editor = page.getByLabel("Edit your message");
    await editor.fill("Yo llevo a tres, salgo a las 21 h");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => bodies(page), { timeout: 10_000 }).toContain("Yo llevo a tres, salgo a las 21 h");
    expect(await logText(page)).toContain("edited");
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Delete your message" }).last().click();
    await expect.poll(() => logText(page), { timeout: 10_000 }).toContain("Message deleted");
    const history = await apiCall<{ data: { body: string | null; editedAt: string | null; deletedAt: string | null }[] }>(`/conversations/${conversationId}/messages?limit=3`, { token: carla.accessToken });
    expect(history.body.data.at(-1)).toMatchObject({ body: null });
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await page.context().close();
  });
});

describe("a message the room refuses", () => {
  it("shows Failed with the reason, survives a reload, can be retried or discarded, and sends once allowed again", async () => {
    const [ana, carla] = await Promise.all([journeyAccount("ana", "Ana Abrazo", { verified: true }), journeyAccount("carla", "Carla Cabeceo", { verified: true })]);
    const started = await apiCall<{ id: string }>("/conversations", { method: "POST", token: ana.accessToken, json: { type: "direct", with: carla.handle } });
    expect(started.status).toBeLessThan(300);
    const { page, errors } = await signedInPage(browser(), ana.email, `/messages/${started.body.id}`, 390);
    await expect.poll(() => status(page), { timeout: 15_000 }).toBe("live");

    // Carla blocks Ana while Ana's page is open: the room refuses Ana's next message.
    expect((await apiCall(`/users/${ana.handle}/block`, { method: "POST", token: carla.accessToken })).status).toBeLessThan(300);
    const box = page.getByLabel("Write a message");
    await box.fill("¿Seguimos en pie para el sábado?");
    await box.press("Enter");
    const state = () => page.getByTestId("pending-state").last().textContent({ timeout: 1_000 }).catch(() => null);
    await expect.poll(state, { timeout: 10_000 }).toContain("Failed");
    expect(await state()).toContain("cannot be sent");
    await page.getByRole("button", { name: "Retry" }).click();
    await expect.poll(state, { timeout: 10_000 }).toContain("Failed");

    // Nothing written is lost on reload: the outbox comes back and is tried again.
    await page.reload();
    await expect.poll(() => status(page), { timeout: 15_000 }).toBe("live");
    await expect.poll(() => bodies(page), { timeout: 10_000 }).toEqual(["¿Seguimos en pie para el sábado?"]);
    await expect.poll(state, { timeout: 10_000 }).toContain("Failed");
    await page.getByRole("button", { name: "Discard" }).click();
    await expect.poll(() => page.getByTestId("pending-state").count()).toBe(0);

    // The reloaded page knows about the block: no composer, and it says why.
    expect(await page.getByText("You can't send messages in this conversation.").isVisible()).toBe(true);

    // Unblocked: the next message goes through.
    expect((await apiCall(`/users/${ana.handle}/block`, { method: "DELETE", token: carla.accessToken })).status).toBeLessThan(300);
    await page.reload();
    await expect.poll(() => status(page), { timeout: 15_000 }).toBe("live");
    await box.fill("Ahora sí");
    await box.press("Enter");
    await expect.poll(() => receipt(page), { timeout: 10_000 }).toBe("· Sent");
    expect(await bodies(page)).toEqual(["Ahora sí"]);
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await page.context().close();
  });
});


describe("the inbox beside a conversation", () => {
  it("follows messages in other conversations, opens at the New messages line, links addresses, and keeps the keyboard in place", async () => {
    const [ana, beto, carla] = await Promise.all([
      journeyAccount("ana", "Ana Abrazo", { verified: true }),
      journeyAccount("beto", "Beto Boleo", { verified: true }),
      journeyAccount("carla", "Carla Cabeceo", { verified: true }),
    ]);
    const direct = await apiCall<{ id: string }>("/conversations", { method: "POST", token: ana.accessToken, json: { type: "direct", with: beto.handle } });
    const group = await apiCall<{ id: string }>("/conversations", { method: "POST", token: carla.accessToken, json: { type: "group", title: "Práctica del jueves", members: [ana.handle] } });
    expect(direct.status).toBeLessThan(300);
    expect(group.status).toBeLessThan(300);
    const say = async (who: { accessToken: string }, id: string, body: string) =>
      expect((await apiCall(`/conversations/${id}/messages`, { method: "POST", token: who.accessToken, json: { clientId: crypto.randomUUID(), body } })).status).toBeLessThan(300);
    await say(ana, direct.body.id, "¿Vas a la práctica?");
    // More unread than fit: the page opens at the New messages line, not at the newest message.
    for (let i = 1; i <= 18; i += 1) await say(beto, direct.body.id, i === 1 ? "Mirá https://example.com/practica, te cuento" : `Línea ${i}`);

    const { page, errors } = await signedInPage(browser(), ana.email, `/messages/${direct.body.id}`);
    await expect.poll(() => status(page), { timeout: 15_000 }).toBe("live");
    const divider = page.getByTestId("unread-divider");
    await expect.poll(() => divider.isVisible()).toBe(true);
    const inView = () =>
      divider.evaluate((el) => {
        const scroller = el.closest(".overflow-y-auto")!.getBoundingClientRect();
        const box = el.getBoundingClientRect();
        return box.top >= scroller.top && box.bottom <= scroller.bottom;
      });
    await expect.poll(inView).toBe(true);
    const link = log(page).getByRole("link", { name: "https://example.com/practica" });
    expect(await link.getAttribute("href")).toBe("https://example.com/practica");
    expect(await link.getAttribute("rel")).toBe("nofollow ugc noopener");

    // Carla writes in the group, which is not open: Ana's inbox shows it without a reload (the bell's live channel).
    const inbox = page.getByRole("list", { name: "Conversations" });
    expect(await inbox.textContent()).not.toContain("Nos vemos a las 20");
    await say(carla, group.body.id, "Nos vemos a las 20");
    await expect.poll(() => inbox.textContent(), { timeout: 30_000, interval: 250 }).toContain("Nos vemos a las 20");
    // The open conversation kept its live state (no reload of its loader): the line is still there.
    expect(await divider.isVisible()).toBe(true);
    // Her next message is in the same unread streak (no second notification): the inbox catches up when the tab is visible again.
    await say(carla, group.body.id, "Traigo las zapatillas");
    await page.waitForTimeout(6_000);
    expect(await inbox.textContent()).not.toContain("Traigo las zapatillas");
    await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
    await expect.poll(() => inbox.textContent(), { timeout: 10_000 }).toContain("Traigo las zapatillas");

    // Keyboard: sending keeps focus in the composer; Escape cancels an edit and returns to its Edit button.
    const box = page.getByLabel("Write a message");
    await box.fill("Voy");
    await box.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("TEXTAREA");
    await expect.poll(() => receipt(page), { timeout: 10_000 }).toMatch(/Sent|Seen/);
    const edit = page.getByRole("button", { name: "Edit your message" }).last();
    await edit.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByLabel("Edit your message").isVisible()).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Edit your message");
    expect(await bodies(page)).toContain("Voy");

    expect(await seriousViolations(page)).toEqual([]);
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await page.context().close();
  });
});
