import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { dancer, follow, post } from "./post-factory";
import { page, signIn } from "./pages";
import { seedWorld } from "./world";
import { uniqueWord } from "./words";

beforeAll(async () => {
  await seedWorld();
});

const word = () => uniqueWord("zv");

const html = async (path: string, cookie?: string) => {
  const res = await page(path, cookie);
  expect(res.status, path).toBe(200);
  return res.text();
};
const visible = (markup: string) => markup.replace(/<!-- -->/g, "");

describe("/search", () => {
  it("offers a labelled search form that works without JavaScript", async () => {
    const markup = await html("/search");
    const form = /<form[^>]*role="search"[^>]*>/.exec(markup)?.[0] ?? "";
    expect(form).toContain('method="get"');
    expect(form).toContain('action="/search"');
    expect(markup).toMatch(/<label for="search-q"[^>]*>Search for<\/label>/);
    const input = /<input[^>]*id="search-q"[^>]*>/.exec(markup)?.[0] ?? "";
    expect(input).toContain('name="q"');
    expect(input).toContain('type="search"');
    expect(markup).toContain("Type a few letters above");
    expect(markup).not.toContain('aria-label="What to search"');
  });

  it("shows people by default, with tabs that keep the query", async () => {
    const w = word();
    const ana = await dancer("ana");
    await env.DB.prepare("UPDATE users SET display_name = ? WHERE id = ?").bind(`Inés ${w}`, ana.user.id).run();
    const markup = visible(await html(`/search?q=ines+${w}`));
    expect(markup).toContain(`href="/people/${ana.user.handle}"`);
    expect(markup).toContain(`Inés ${w}`);
    expect(markup).toContain(`value="ines ${w}"`);
    for (const type of ["people", "events", "posts", "groups"]) expect(markup).toContain(`href="/search?q=ines+${w}&amp;type=${type}"`);
    expect(markup).toMatch(/aria-current="page"[^>]*>People<\/a>/);
  });

  it("finds posts without accents and links to them", async () => {
    const w = word();
    const author = await dancer("au");
    const p = await post(author, { body: `¡Qué noche en la milonga ${w}! #tango` });
    const markup = visible(await html(`/search?q=que+noche+${w}&type=posts`));
    expect(markup).toContain(`href="/posts/${p.id}"`);
    expect(markup).toContain(`¡Qué noche en la milonga ${w}! #tango`);
    expect(markup).toMatch(/aria-current="page"[^>]*>Posts<\/a>/);
  });

  it("shows followers-only posts to followers and not to visitors", async () => {
    const w = word();
    const [author, fan] = await Promise.all([dancer("au"), dancer("fan")]);
    await follow(fan, author);
    const p = await post(author, { body: `Only for followers ${w}`, visibility: "followers" });
    expect(await html(`/search?q=${w}&type=posts`)).not.toContain(p.id);
    const cookie = await signIn(fan);
    expect(await html(`/search?q=${w}&type=posts`, cookie)).toContain(`href="/posts/${p.id}"`);
  });

  it("says what to try when nothing matches, with the query escaped", async () => {
    const q = `<img src=x onerror=alert(1)>"${word()}`;
    const markup = visible(await html(`/search?q=${encodeURIComponent(q)}&type=events`));
    expect(markup).toContain("No results for “&lt;img src=x onerror=alert(1)&gt;&quot;");
    expect(markup).toContain("Try fewer letters or another tab.");
    expect(markup).not.toContain("<img src=x");
  });

  it("explains an over-long query beside the field instead of failing", async () => {
    const markup = await html(`/search?q=${"milonga ".repeat(1250)}`);
    expect(markup).toContain('id="search-q-error"');
    expect(markup).toContain("q must be at most 200 characters");
    expect(markup).toContain('aria-invalid="true"');
  });

  it("pages with a More results link, and starts over on a stale cursor", async () => {
    const w = word();
    const author = await dancer("pg");
    for (let i = 0; i < 22; i++) await post(author, { body: `Tanda ${i} ${w}` });
    const first = visible(await html(`/search?q=${w}&type=posts`));
    const more = /href="(\/search\?q=[^"]*cursor=[^"]*)"[^>]*>More results/.exec(first)?.[1];
    expect(more).toBeDefined();
    const second = visible(await html(more!.replace(/&amp;/g, "&")));
    expect((second.match(/href="\/posts\//g) ?? []).length).toBe(2);
    expect(second).not.toContain("More results");
    const stale = visible(await html(`/search?q=${w}&type=posts&cursor=garbage`));
    expect((stale.match(/href="\/posts\//g) ?? []).length).toBe(20);
  });

  it.each([['"'], ["*"], ["NEAR(a b)"], ["bio:x"], ["' OR 1=1 --"], ["💃"], ["%ED%A0%BD"], ["%FF"], ["a&type=nonsense"]])("never fails on %s", async (q) => {
    const res = await page(`/search?q=${q.startsWith("%") ? q : encodeURIComponent(q)}&type=posts`);
    expect(res.status).toBe(200);
  });

  it("falls back to people for an unknown type", async () => {
    const markup = await html("/search?q=lucia&type=venues");
    expect(visible(markup)).toMatch(/aria-current="page"[^>]*>People<\/a>/);
  });
});
