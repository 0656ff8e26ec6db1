import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { apiCall, journeyAccount } from "./api";
import { seriousViolations, signedInPage, useBrowser } from "./browser";

const browser = useBrowser();

const unread = (page: Page) => page.getByTestId("unread-count").textContent({ timeout: 1_000 }).catch(() => null);

describe("a dancer follows someone, reacts and comments, and the author sees it live", () => {
  // A word nobody else writes, so search results are this journey's own.
  const marker = `zq${Date.now().toString(36)}`;
  let author: Awaited<ReturnType<typeof journeyAccount>>;
  let reader: Awaited<ReturnType<typeof journeyAccount>>;
  let postId = "";

  beforeAll(async () => {
    [author, reader] = await Promise.all([journeyAccount("beto", "Beto Bailarín", { verified: true }), journeyAccount("ana", "Ana Abrazo", { verified: true })]);
    const created = await apiCall<{ id: string }>("/posts", {
      method: "POST",
      token: author.accessToken,
      json: { body: `La **Canción** de anoche en la milonga ${marker}, ¡qué abrazo! #tango`, visibility: "public" },
    });
    expect(created.status).toBe(201);
    postId = created.body.id;
  });

  it("follows, reacts and comments through the pages; the author's bell counts up without a reload", async () => {
    const authorView = await signedInPage(browser(), author.email, "/community");
    // The bell's live channel is open before anything happens.
    await authorView.page.waitForEvent("websocket", { timeout: 10_000 }).catch(() => undefined);
    await expect.poll(() => authorView.page.evaluate(() => document.readyState)).toBe("complete");
    expect(await unread(authorView.page)).toBeNull();

    const readerView = await signedInPage(browser(), reader.email, `/people/${author.handle}`, 390);
    const follow = readerView.page.getByRole("button", { name: `Follow @${author.handle}` });
    await follow.click();
    await expect.poll(() => readerView.page.getByRole("button", { name: `Following @${author.handle}` }).getAttribute("aria-pressed")).toBe("true");

    // Live: the count appears on the author's open page, which was never reloaded.
    const followedAt = Date.now();
    await expect.poll(() => unread(authorView.page), { timeout: 10_000, interval: 50 }).toBe("1");
    const liveMs = Date.now() - followedAt;
    await expect.poll(() => authorView.page.getByRole("status").filter({ hasText: "New notification" }).textContent()).toContain("Ana Abrazo");
    console.info(`live notification shown ${liveMs} ms after the follow was answered`);

    await readerView.page.goto(`/posts/${postId}`);
    await readerView.page.getByRole("button", { name: "Love (0)" }).click();
    await expect.poll(() => readerView.page.getByRole("button", { name: "Love (1)" }).getAttribute("aria-pressed")).toBe("true");
    await readerView.page.getByLabel("Add a comment").fill("¡Qué linda tanda de Di Sarli!");
    await readerView.page.getByRole("button", { name: "Comment", exact: true }).click();
    await expect.poll(() => readerView.page.getByRole("article", { name: "Comment by Ana Abrazo" }).textContent()).toContain("Di Sarli");

    await expect.poll(() => unread(authorView.page), { timeout: 10_000, interval: 50 }).toBe("3");

    // The notifications page names who did what and links to it.
    await authorView.page.goto("/notifications");
    const main = authorView.page.getByRole("main");
    await expect.poll(() => main.textContent()).toContain("Ana Abrazo");
    expect(await main.getByRole("link", { name: /commented|reacted/ }).count()).toBeGreaterThan(0);
    expect(await seriousViolations(authorView.page)).toEqual([]);

    for (const view of [authorView, readerView]) {
      expect(view.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
      await view.page.context().close();
    }
  });

  it("finds the post by searching with and without accents", async () => {
    const { page, errors } = await signedInPage(browser(), reader.email, "/search");
    for (const query of [`cancion ${marker}`, `CANCIÓN ${marker}`]) {
      await page.getByLabel("Search for").fill(query);
      await page.getByRole("button", { name: "Search", exact: true }).click();
      await page.getByRole("link", { name: "Posts", exact: true }).click();
      await expect.poll(() => page.getByRole("list", { name: "Posts" }).textContent()).toContain(marker);
    }
    await page.getByLabel("Search for").fill("Abrazo");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.getByRole("link", { name: "People", exact: true }).click();
    await expect.poll(() => page.getByRole("list", { name: "People" }).textContent()).toContain("Ana Abrazo");
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    await page.context().close();
  });

  it("community pages pass axe on a phone-sized screen", async () => {
    const { page } = await signedInPage(browser(), reader.email, "/community", 390);
    for (const path of ["/community", `/posts/${postId}`, `/people/${author.handle}`, "/groups", "/stories", "/settings/notifications"]) {
      await page.goto(path);
      expect(await seriousViolations(page), path).toEqual([]);
    }
    await page.context().close();
  });
});
