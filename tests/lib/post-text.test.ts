import { describe, expect, it } from "vitest";
import { hashtagsIn, mentionedHandles, renderPostText } from "../../worker/lib/post-text";

const rel = 'rel="nofollow ugc noopener"';
const tags = (html: string) => html.match(/<[^>]*>/g) ?? [];

describe("renderPostText: what members can write", () => {
  it("renders emphasis and strong emphasis", () => {
    expect(renderPostText("What a *tanda*, **wow**")).toBe("<p>What a <em>tanda</em>, <strong>wow</strong></p>");
  });

  it("links http(s) with rel nofollow ugc noopener", () => {
    expect(renderPostText("[Photos](https://photos.example/a?b=1&c=2)")).toBe(`<p><a href="https://photos.example/a?b=1&amp;c=2" ${rel}>Photos</a></p>`);
    expect(renderPostText("<http://milonga.example>")).toBe(`<p><a href="http://milonga.example" ${rel}>http://milonga.example</a></p>`);
  });

  it("links bare http(s) and www addresses, but never other schemes, and leaves emails as text", () => {
    expect(renderPostText("Photos at https://photos.example/a?b=1&c=2 tonight")).toBe(
      `<p>Photos at <a href="https://photos.example/a?b=1&amp;c=2" ${rel}>https://photos.example/a?b=1&amp;c=2</a> tonight</p>`,
    );
    expect(renderPostText("www.milonga.example")).toBe(`<p><a href="http://www.milonga.example" ${rel}>www.milonga.example</a></p>`);
    const hostile = renderPostText('javascript:alert(1) ana@example.com https://x.example/"><script>alert(1)</script>');
    expect(tags(hostile).filter((t) => !/^<\/?p>$/.test(t))).toEqual([`<a href="https://x.example/%22%3E" ${rel}>`, "</a>"]);
    expect(hostile).toContain("ana@example.com");
    expect(hostile).toContain("&lt;script&gt;");
  });

  it("keeps headings, lists, quotes and code as plain text, and shows an image as a link", () => {
    const html = renderPostText("# Title\n\n- one\n\n> quote\n\n`code`\n\n![img](https://x.example/a.png)\n\n---");
    expect(tags(html).filter((t) => !/^<\/?p>$/.test(t))).toEqual([`<a href="https://x.example/a.png" ${rel}>`, "</a>"]);
    expect(html).not.toContain("<img");
    expect(html).toContain("# Title");
    expect(html).toContain("- one");
    expect(html).toContain("&gt; quote");
    expect(html).toContain("`code`");
  });

  it("turns @handle into a profile link and collects the handles once", () => {
    const html = renderPostText("Thanks @ana_baila and @Pedro_99, see you @ana_baila");
    expect(html).toContain('<a href="/people/ana_baila" class="mention">@ana_baila</a>');
    expect(html).toContain('<a href="/people/pedro_99" class="mention">@Pedro_99</a>');
    expect(mentionedHandles("Thanks @ana_baila and @Pedro_99, see you @ana_baila")).toEqual(["ana_baila", "pedro_99"]);
  });

  it("does not treat email addresses or too-short names as mentions", () => {
    expect(mentionedHandles("write to ana@example.com or @ab")).toEqual([]);
  });

  it("does not mention inside link text", () => {
    expect(mentionedHandles("[@ana_baila](https://x.example)")).toEqual([]);
  });

  it("links #hashtags to post search, accents included", () => {
    const html = renderPostText("Noche de #milonga y #canción");
    expect(html).toContain('<a href="/search?type=posts&amp;q=%23milonga" class="hashtag">#milonga</a>');
    expect(html).toContain(`<a href="/search?type=posts&amp;q=%23${encodeURIComponent("canción")}" class="hashtag">#canción</a>`);
    expect(hashtagsIn("Noche de #Milonga y #canción #milonga")).toEqual(["milonga", "canción"]);
  });

  it("does not take a URL fragment for a hashtag", () => {
    expect(renderPostText("<https://x.example/page#section>")).not.toContain("hashtag");
  });
});

describe("renderPostText: hostile input", () => {
  it("shows HTML tags as text", () => {
    expect(renderPostText("<script>alert(1)</script>")).toBe("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
    expect(renderPostText('hi <img src=x onerror="alert(1)">')).toBe("<p>hi &lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>");
  });

  it("drops javascript:, data: and other-scheme links, keeping the text", () => {
    expect(renderPostText("[x](javascript:alert(1))")).toBe("<p>x</p>");
    expect(renderPostText("[x](JaVaScRiPt:alert(1))")).toBe("<p>x</p>");
    expect(renderPostText("[x](&#106;avascript:alert(1))")).toBe("<p>x</p>");
    expect(renderPostText("[x](data:text/html,hi)")).toBe("<p>x</p>");
    expect(renderPostText("[a](/logout) [b](//evil.example) [c](mailto:a@b.example)")).toBe("<p>a b c</p>");
  });

  it("keeps quotes in a URL inside the attribute", () => {
    const html = renderPostText('[x](<https://a.example/" onmouseover="alert(1)>)');
    expect(tags(html)).toEqual(["<p>", `<a href="https://a.example/%22%20onmouseover=%22alert(1)" ${rel}>`, "</a>", "</p>"]);
  });

  it("drops a link title that could carry attributes", () => {
    const html = renderPostText('[x](https://a.example "t\\" onmouseover=\\"alert(1)")');
    expect(html).toBe(`<p><a href="https://a.example" ${rel}>x</a></p>`);
  });

  it("cannot smuggle markup through a mention or a hashtag", () => {
    const html = renderPostText('@ana_baila"><script> #tag"onclick=1');
    expect(tags(html)).toEqual(["<p>", '<a href="/people/ana_baila" class="mention">', "</a>", '<a href="/search?type=posts&amp;q=%23tag" class="hashtag">', "</a>", "</p>"]);
  });

  it("renders long pathological input in bounded time", () => {
    const started = Date.now();
    for (const hostile of ["[".repeat(20_000), "*a ".repeat(20_000), "@aaa ".repeat(5_000), "#a".repeat(10_000)]) renderPostText(hostile);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
