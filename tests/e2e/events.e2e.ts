import { AxeBuilder } from "@axe-core/playwright";
import ICAL from "ical.js";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { JOURNEY_PASSWORD as PASSWORD, journeyAccount } from "./api";
import { useBrowser } from "./browser";

const baseURL = inject("baseURL");
const browser = useBrowser();
async function newPage(options: { javaScriptEnabled?: boolean; width?: number; timezoneId?: string } = {}): Promise<{ page: Page; errors: string[] }> {
  const context = await browser().newContext({
    baseURL,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: options.width ?? 1280, height: 900 },
    timezoneId: options.timezoneId,
  });
  const page = await context.newPage();
  // CSP violations and hydration mismatches both surface as console errors.
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return { page, errors };
}

async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

/** "YYYY-MM-DD" in Montevideo, `days` from now. */
function montevideoDay(days: number): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/Montevideo" }).format(new Date(Date.now() + days * 86_400_000));
}

describe("a dancer finds a weekly milonga and RSVPs", () => {
  const title = `Milonga de los Miércoles ${Date.now().toString(36)}`;
  let eventId = "";

  beforeAll(async () => {
    // The organizer creates the weekly milonga through the form, as a person would.
    const organizer = await journeyAccount("organizer", "Lucía Organiza", { verified: true });
    const { page, errors } = await newPage();
    await page.goto("/login?redirectTo=/events/new?city=montevideo");
    await page.getByLabel("Email").fill(organizer.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/events/new");
    await page.getByLabel("Title").fill(title);
    await page.getByLabel("Type").selectOption("milonga");
    await page.getByLabel("Description").fill("Tandas clásicas, **cortinas** cortas.");
    await page.getByLabel("Venue name").fill("Club Atlético Test");
    await page.getByLabel("Address").fill("Calle Soriano 1000");
    await page.getByLabel("Latitude (optional)").fill("-34.906");
    await page.getByLabel("Longitude (optional)").fill("-56.19");
    await page.getByLabel("Starts").fill(`${montevideoDay(1)}T21:00`);
    await page.getByLabel("Ends").fill(`${montevideoDay(2)}T01:00`);
    await page.getByLabel("Repeats").selectOption("weekly");
    await page.getByLabel("Capacity (optional)").fill("60");
    await page.getByRole("button", { name: /Create|Publish/ }).click();
    await page.waitForURL((url) => /^\/events\/[0-9a-f-]{36}$/.test(url.pathname));
    eventId = new URL(page.url()).pathname.split("/")[2]!;
    // beforeAll cannot use expect.poll: wait for the event page's heading instead.
    await page.getByRole("heading", { level: 1, name: title }).waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`finds it on the city page, signs in, says they are going and gets the calendar file (${javaScriptEnabled ? "with" : "without"} JavaScript)`, async () => {
      const dancer = await journeyAccount(javaScriptEnabled ? "dancer-js" : "dancer-nojs", "Tomás Baila", { verified: true });
      const { page, errors } = await newPage({ javaScriptEnabled, width: 390, timezoneId: "Europe/Madrid" });

      await page.goto("/cities/montevideo?type=milonga");
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toContain("Montevideo");
      await page.getByRole("link", { name: title }).first().click();
      await page.waitForURL((url) => url.pathname === `/events/${eventId}`);
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(title);
      expect(await page.getByText("21:00–01:00").first().isVisible()).toBe(true);
      if (javaScriptEnabled) {
        // The reader is in Madrid: after hydration the page adds their own clock.
        await expect.poll(() => page.getByText("Your time:").isVisible()).toBe(true);
      }

      await page.getByRole("button", { name: "Going", exact: true }).click();
      await page.waitForURL(/\/login\?redirectTo=/);
      await page.getByLabel("Email").fill(dancer.email);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((url) => url.pathname === `/events/${eventId}`);

      await page.getByRole("button", { name: "Going", exact: true }).click();
      await expect.poll(() => page.getByText("See you on the dance floor!").isVisible()).toBe(true);
      await expect.poll(() => page.getByText("You're going").first().isVisible()).toBe(true);

      const ics = await (await page.request.get(`/events/${eventId}/calendar.ics`)).text();
      const vevent = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent("vevent")!;
      expect(vevent.getFirstPropertyValue("summary")).toBe(title);
      expect(String(vevent.getFirstPropertyValue("rrule"))).toContain("FREQ=WEEKLY");
      expect(vevent.getFirstProperty("dtstart")!.getParameter("tzid")).toBe("America/Montevideo");

      expect(errors).toEqual([]);
    });
  }

  it("shows it on its local day in the week and month views", async () => {
    const { page, errors } = await newPage();
    for (const view of ["week", "month"]) {
      await page.goto(`/cities/montevideo?view=${view}&date=${montevideoDay(1)}`);
      const day = page.locator("li", { has: page.locator(`time[datetime="${montevideoDay(1)}"]`) });
      await expect.poll(() => day.getByRole("link", { name: new RegExp(title) }).count()).toBe(1);
    }
    expect(errors).toEqual([]);
  });

  for (const width of [390, 1280]) {
    it(`has no serious accessibility violations on the city and event pages (${width}px)`, async () => {
      const { page } = await newPage({ width });
      for (const path of ["/cities/montevideo", "/cities/montevideo?view=week", "/cities/montevideo?view=month", `/events/${eventId}`]) {
        await page.goto(path);
        expect(await seriousViolations(page), path).toEqual([]);
      }
    });
  }
});
