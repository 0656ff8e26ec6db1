import { AxeBuilder } from "@axe-core/playwright";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { apiCall, JOURNEY_PASSWORD as PASSWORD, journeyAccount as account } from "./api";
import { useBrowser } from "./browser";

const baseURL = inject("baseURL");
const browser = useBrowser();

/** "YYYY-MM-DDTHH:mm" in the venue's zone, `days` from now. */
function localDay(days: number, time: string): string {
  return `${new Intl.DateTimeFormat("en-CA", { timeZone: "America/Montevideo" }).format(new Date(Date.now() + days * 86_400_000))}T${time}`;
}

describe("the door keeps admitting guests without a connection", () => {
  let organizer: { email: string; accessToken: string };
  let guest: { email: string; accessToken: string };
  let eventId = "";
  let codes: { id: string; code: string }[] = [];

  beforeAll(async () => {
    organizer = await account("door", "Lucía Organiza", { verified: true });
    const created = await apiCall<{ id: string }>("/events", {
      method: "POST",
      token: organizer.accessToken,
      json: {
        title: `Milonga de la Puerta ${Date.now().toString(36)}`,
        type: "milonga",
        description: "Entrada con código.",
        venue: { name: "Club Atlético Test", address: "Calle Soriano 1000", city: "montevideo", lat: -34.906, lng: -56.19 },
        start: localDay(7, "21:00"),
        end: localDay(8, "02:00"),
        lineup: [],
        coOrganizers: [],
      },
    });
    expect(created.status).toBe(201);
    eventId = created.body.id;
    const type = await apiCall<{ id: string }>(`/events/${eventId}/ticket-types`, {
      method: "POST",
      token: organizer.accessToken,
      json: { name: "General", price: { amountMinor: 0, currency: "EUR" }, quantity: 20 },
    });
    expect(type.status).toBe(201);
    guest = await account("guest", "Tomás Baila");
    expect((await apiCall(`/events/${eventId}/tickets`, { method: "POST", token: guest.accessToken, json: { ticketTypeId: type.body.id, quantity: 2 } })).status).toBe(201);
    const mine = await apiCall<{ data: { id: string; code: string }[] }>("/me/tickets", { token: guest.accessToken });
    codes = mine.body.data.map(({ id, code }) => ({ id, code }));
    expect(codes).toHaveLength(2);
  });

  it("checks a guest in offline, refuses the same code again, and syncs when back online", async () => {
    const context = await browser().newContext({ baseURL, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));

    await page.goto(`/login?redirectTo=${encodeURIComponent(`/events/${eventId}/check-in`)}`);
    await page.getByLabel("Email").fill(organizer.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === `/events/${eventId}/check-in`);
    await page.locator("form[data-hydrated]").waitFor();
    await expect.poll(() => page.getByText("0 checked in / 2 tickets").isVisible()).toBe(true);

    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

    const code = page.getByLabel("Ticket code");
    await code.fill(codes[0]!.code);
    await code.press("Enter");
    await expect.poll(() => page.getByText("Welcome, Tomás Baila — General").isVisible()).toBe(true);
    await expect.poll(() => code.inputValue()).toBe("");
    await expect.poll(async () => (await apiCall<{ tickets: { id: string; usedAt: string | null }[] }>(`/events/${eventId}/check-in/key`, { token: organizer.accessToken })).body.tickets.find((t) => t.id === codes[0]!.id)?.usedAt).not.toBeNull();

    await context.setOffline(true);
    await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(false);
    await code.fill(codes[1]!.code);
    await code.press("Enter");
    await expect.poll(() => page.getByText("Checked in (offline — will sync)").isVisible()).toBe(true);
    await expect.poll(() => page.getByText("2 checked in / 2 tickets").isVisible()).toBe(true);
    await expect.poll(() => page.getByText("1 check-in waiting to sync.").isVisible()).toBe(true);
    await expect.poll(() => page.getByRole("region", { name: "Latest check-ins" }).getByText("not yet synced").count()).toBe(1);
    expect(await code.evaluate((el) => el === document.activeElement)).toBe(true);

    await code.fill(codes[1]!.code);
    await code.press("Enter");
    await expect.poll(() => page.getByText(/Already checked in at \d{2}:\d{2}/).isVisible()).toBe(true);

    const usedAt = async () => (await apiCall<{ tickets: { id: string; usedAt: string | null }[] }>(`/events/${eventId}/check-in/key`, { token: organizer.accessToken })).body.tickets.find((t) => t.id === codes[1]!.id)?.usedAt ?? null;
    expect(await usedAt()).toBeNull();

    await context.setOffline(false);
    await expect.poll(usedAt, { timeout: 15_000 }).not.toBeNull();
    await expect.poll(() => page.getByText("waiting to sync").count()).toBe(0);
    const latest = page.getByRole("region", { name: "Latest check-ins" });
    await expect.poll(() => latest.getByText("Tomás Baila").count()).toBe(2);
    await expect.poll(() => latest.getByText("not yet synced").count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("works as a plain form without JavaScript", async () => {
    const context = await browser().newContext({ baseURL, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`/login?redirectTo=${encodeURIComponent(`/events/${eventId}/check-in`)}`);
    await page.getByLabel("Email").fill(organizer.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === `/events/${eventId}/check-in`);
    await page.getByLabel("Ticket code").fill(codes[0]!.code);
    await page.getByRole("button", { name: "Check in" }).click();
    await expect.poll(() => page.getByText(/Already checked in at \d{2}:\d{2}/).isVisible()).toBe(true);
    await context.close();
  });

  it("shows the guest their used tickets with QR codes, accessibly", async () => {
    const context = await browser().newContext({ baseURL, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto("/login?redirectTo=/my/tickets");
    await page.getByLabel("Email").fill(guest.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/my/tickets");
    await expect.poll(() => page.getByRole("img", { name: /^Ticket for Milonga de la Puerta/ }).count()).toBe(2);
    await expect.poll(() => page.getByText(/^Used /).count()).toBe(2);
    expect(await page.getByText(codes[0]!.code).isVisible()).toBe(true);
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await context.close();
  });
});
