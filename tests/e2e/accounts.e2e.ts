import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { useBrowser } from "./browser";

const baseURL = inject("baseURL");
const browser = useBrowser();

async function newPage(javaScriptEnabled = true): Promise<Page> {
  const context = await browser().newContext({ baseURL, javaScriptEnabled });
  return context.newPage();
}

/** Opens the dev mailbox and follows the newest link in a mail whose subject matches. */
async function followMailLink(page: Page, to: string, subject: RegExp): Promise<void> {
  await expect
    .poll(async () => {
      await page.goto(`/dev/mailbox.json?to=${encodeURIComponent(to)}`);
      const mails = JSON.parse((await page.locator("body").textContent()) ?? "[]") as { subject: string }[];
      return mails.some((m) => subject.test(m.subject));
    }, { timeout: 40_000 }) // a mail the queue retried once arrives after its backoff
    .toBe(true);
  await page.goto("/dev/mailbox");
  const mail = page.locator("article", { hasText: to }).filter({ hasText: subject }).first();
  await mail.locator("a").first().click();
}

describe("a dancer's account", () => {
  for (const javaScriptEnabled of [true, false]) {
    it(`signs up, confirms the email, edits the profile, signs out and resets the password (${javaScriptEnabled ? "with" : "without"} JavaScript)`, async () => {
      const page = await newPage(javaScriptEnabled);
      const email = `e2e.${Date.now()}.${javaScriptEnabled ? "js" : "nojs"}@example.test`;

      await page.goto("/");
      await page.getByRole("link", { name: "Sign in" }).click();
      await page.getByRole("link", { name: "Create an account" }).click();
      await page.getByLabel("Your name").fill("Camila Ortega");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("vals-cruzado-en-la-milonga");
      await page.getByRole("button", { name: "Create my account" }).click();
      await page.waitForURL((url) => url.pathname === "/");
      await expect.poll(() => page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
      await expect.poll(() => page.getByText("confirm your email").isVisible()).toBe(true);

      await followMailLink(page, email, /Confirm your email/);
      await page.getByRole("button", { name: "Confirm my email" }).click();
      await expect.poll(() => page.getByText("Your email is confirmed.").isVisible()).toBe(true);

      await page.goto("/settings/profile");
      await page.getByLabel("About you").fill("Tuesday milongas in Montevideo.");
      await page.getByLabel("Home city").selectOption("montevideo");
      await page.getByRole("button", { name: "Save my profile" }).click();
      await expect.poll(() => page.getByText("Saved.").isVisible()).toBe(true);
      await page.getByRole("link", { name: "See your public profile" }).click();
      await expect.poll(() => page.getByText("Tuesday milongas in Montevideo.").isVisible()).toBe(true);

      await page.goto("/");
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL((url) => url.pathname === "/");
      await expect.poll(() => page.getByRole("link", { name: "Sign in" }).isVisible()).toBe(true);

      await page.goto("/login");
      await page.getByRole("link", { name: "Forgot your password?" }).click();
      await page.getByLabel("Email").fill(email);
      await page.getByRole("button", { name: "Mail me a link" }).click();
      await expect.poll(() => page.getByText("is on its way").isVisible()).toBe(true);

      await followMailLink(page, email, /Reset your Mundo Tango password/);
      await page.getByLabel("New password").fill("ocho-cortado-bajo-la-luna");
      await page.getByRole("button", { name: "Save my new password" }).click();
      await page.waitForURL(/\/login\?reset=1/);

      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("ocho-cortado-bajo-la-luna");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL((url) => url.pathname === "/");
      await expect.poll(() => page.getByText("Camila Ortega").isVisible()).toBe(true);
    });
  }

  it("shows what is wrong next to each field", async () => {
    const page = await newPage();
    await page.goto("/signup");
    await page.getByLabel("Your name").fill("X");
    await page.getByLabel("Email").fill("x@example.test");
    await page.getByLabel("Password").fill("1234567890");
    await page.getByRole("button", { name: "Create my account" }).click();
    await expect.poll(() => page.getByText("among the 10,000 most common passwords").isVisible()).toBe(true);
    expect(await page.getByLabel("Password").getAttribute("aria-invalid")).toBe("true");
  });

  for (const path of ["/login", "/signup", "/forgot-password", "/reset-password", "/verify-email"]) {
    it(`has no serious accessibility violations on ${path}`, async () => {
      const page = await newPage();
      await page.goto(path);
      const { violations } = await new AxeBuilder({ page }).analyze();
      expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    });
  }
});
