import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { useBrowser } from "./browser";

const baseURL = inject("baseURL");
const browser = useBrowser();

async function newPage(options: { javaScriptEnabled?: boolean; width?: number } = {}): Promise<Page> {
  const context = await browser().newContext({
    baseURL,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: options.width ?? 1280, height: 900 },
  });
  const page = await context.newPage();
  page.on("pageerror", (error) => {
    throw error;
  });
  return page;
}

async function eventTimes(page: Page): Promise<string[]> {
  return page.locator("article time").evaluateAll((nodes) => nodes.map((n) => n.getAttribute("datetime") ?? ""));
}

describe("a visitor finds events", () => {
  it("goes from the home page to a city and to page 2 of its events", async () => {
    const page = await newPage();
    // CSP violations and hydration mismatches both surface as console errors.
    const consoleErrors: string[] = [];
    page.on("console", (msg) => {
      if (msg.type() === "error") consoleErrors.push(msg.text());
    });

    await page.goto("/");
    await expect.poll(() => page.locator("h2#upcoming").textContent()).toContain("Buenos Aires");
    expect(await page.locator("article").count()).toBeGreaterThan(0);

    await page.getByLabel("City", { exact: true }).selectOption("berlin");
    await page.getByRole("button", { name: "Show events" }).click();
    await page.waitForURL(/\/\?city=berlin$/);
    await expect.poll(() => page.locator("h2#upcoming").textContent()).toContain("Berlin");

    await page.getByRole("link", { name: /events in Berlin/ }).click();
    await page.waitForURL(/\/events\?city=berlin$/);
    expect(await page.locator("h1").textContent()).toContain("Berlin");
    const firstPage = await eventTimes(page);
    expect(firstPage.length).toBe(12);

    await page.getByRole("link", { name: "Next page" }).click();
    await page.waitForURL(/cursor=/);
    const secondPage = await eventTimes(page);
    expect(secondPage.length).toBeGreaterThan(0);
    expect(secondPage[0]! >= firstPage.at(-1)!).toBe(true);
    expect(await page.getByRole("link", { name: /First page/ }).isVisible()).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it("works without JavaScript", async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await page.goto("/events");
    await page.getByLabel("City", { exact: true }).selectOption("tokyo");
    await page.getByLabel("Type", { exact: true }).selectOption("milonga");
    await page.getByRole("button", { name: "Show events" }).click();
    await page.waitForURL(/city=tokyo/);
    expect(await page.locator("h1").textContent()).toContain("Tokyo");
    const kinds = await page.locator("article span").first().textContent();
    expect(kinds).toBe("Milonga");
  });

  it("lets a keyboard user skip to the content", async () => {
    const page = await newPage();
    await page.goto("/");
    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to content" });
    expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    await page.waitForURL(/#main$/);
  });

  it("fits a phone screen without sideways scrolling", async () => {
    const page = await newPage({ width: 375 });
    await page.goto("/events?city=buenos-aires");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  for (const path of ["/", "/events?city=paris", "/events?type=disco", "/no-such-page", "/housing"]) {
    it(`has no serious accessibility violations on ${path}`, async () => {
      const page = await newPage();
      await page.goto(path);
      const { violations } = await new AxeBuilder({ page }).analyze();
      const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    });
  }
});
