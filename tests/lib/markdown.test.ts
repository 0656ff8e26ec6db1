import { describe, expect, it } from "vitest";
import { MAX_MARKDOWN_CHARS, markdownToPlainText, renderMarkdown } from "../../worker/lib/markdown";

const rel = 'rel="nofollow ugc noopener noreferrer"';

/** Every tag in the output, so assertions can say "no tag but these". */
const tags = (html: string) => html.match(/<[^>]*>/g) ?? [];

describe("renderMarkdown: what members can write", () => {
  it("renders paragraphs, emphasis and inline code", () => {
    expect(renderMarkdown("Cabeceo *first*, then **dance**.\n\nBring `shoes`.")).toBe(
      "<p>Cabeceo <em>first</em>, then <strong>dance</strong>.</p>\n<p>Bring <code>shoes</code>.</p>",
    );
  });

  it("renders nested emphasis", () => {
    expect(renderMarkdown("***tango _nuevo_ night***")).toBe("<p><em><strong>tango <em>nuevo</em> night</strong></em></p>");
  });

  it("renders bulleted and numbered lists", () => {
    expect(renderMarkdown("- vals\n- milonga\n\n1. warm up\n2. dance")).toBe(
      "<ul>\n<li>vals</li>\n<li>milonga</li>\n</ul>\n<ol>\n<li>warm up</li>\n<li>dance</li>\n</ol>",
    );
  });

  it("demotes headings so member content never emits h1 or h2", () => {
    expect(renderMarkdown("# Milonga\n## Lineup\n### DJ\n#### Notes\n###### Fine print\n\nSetext\n===")).toBe(
      "<h3>Milonga</h3>\n<h4>Lineup</h4>\n<h5>DJ</h5>\n<h6>Notes</h6>\n<h6>Fine print</h6>\n<h3>Setext</h3>",
    );
  });

  it("links to http(s) with rel nofollow ugc noopener noreferrer and no target", () => {
    const html = renderMarkdown("[Tickets](https://tickets.example/milonga?a=1&b=2 \"Buy\")");
    expect(html).toBe(`<p><a href="https://tickets.example/milonga?a=1&amp;b=2" title="Buy" ${rel}>Tickets</a></p>`);
    expect(html).not.toContain("target");
  });

  it("links autolinks and mailto addresses the same way", () => {
    expect(renderMarkdown("<https://mundotango.life> or <ana@example.com>")).toBe(
      `<p><a href="https://mundotango.life" ${rel}>https://mundotango.life</a> or <a href="mailto:ana@example.com" ${rel}>ana@example.com</a></p>`,
    );
  });

  it("leaves bare URLs as text (no autolink-literal extension)", () => {
    expect(renderMarkdown("See https://mundotango.life")).toBe("<p>See https://mundotango.life</p>");
  });

  it("shows a code block's HTML as text", () => {
    expect(renderMarkdown("```html\n<script>alert(1)</script>\n```")).toBe(
      '<pre><code class="language-html">&lt;script&gt;alert(1)&lt;/script&gt;\n</code></pre>',
    );
  });

  it("renders empty input as nothing", () => {
    expect(renderMarkdown("")).toBe("");
    expect(renderMarkdown("   \n\n ")).toBe("");
  });

  it(`stops reading after ${MAX_MARKDOWN_CHARS} characters`, () => {
    const html = renderMarkdown("a".repeat(MAX_MARKDOWN_CHARS) + "TAIL");
    expect(html).toBe(`<p>${"a".repeat(MAX_MARKDOWN_CHARS)}</p>`);
  });

  it("does not split an emoji at the length cap", () => {
    const html = renderMarkdown("a".repeat(MAX_MARKDOWN_CHARS - 1) + "💃");
    expect(html).toBe(`<p>${"a".repeat(MAX_MARKDOWN_CHARS - 1)}</p>`);
  });

  it("renders long pathological input in bounded time", () => {
    const started = Date.now();
    for (const hostile of ["[".repeat(50_000), "> ".repeat(50_000), "*a ".repeat(50_000), "[a](".repeat(50_000)]) {
      expect(renderMarkdown(hostile).length).toBeLessThan(300_000);
    }
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe("renderMarkdown: hostile input", () => {
  it("shows a <script> tag as text", () => {
    expect(renderMarkdown("<script>alert(1)</script>")).toBe("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("shows an <img onerror> tag as text", () => {
    expect(renderMarkdown("<img src=x onerror=alert(1)>")).toBe("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("shows inline HTML inside a paragraph as text", () => {
    expect(renderMarkdown('Hello <a href="javascript:alert(1)">there</a>')).toBe(
      "<p>Hello &lt;a href=&quot;javascript:alert(1)&quot;&gt;there&lt;/a&gt;</p>",
    );
  });

  it("drops a javascript: link, keeping its text", () => {
    expect(renderMarkdown("[x](javascript:alert(1))")).toBe("<p>x</p>");
  });

  it("drops a mixed-case JaVaScRiPt: link", () => {
    expect(renderMarkdown("[x](JaVaScRiPt:alert(1))")).toBe("<p>x</p>");
  });

  it("drops a javascript: link hidden behind an entity or whitespace", () => {
    expect(renderMarkdown("[x](&#106;avascript:alert(1))")).toBe("<p>x</p>");
    expect(renderMarkdown("[x](<java\tscript:alert(1)>)")).toBe("<p>x</p>");
  });

  it("drops a data: link", () => {
    expect(renderMarkdown("[x](data:text/html,<script>alert(1)</script>)")).toBe("<p>x</p>");
  });

  it("drops a javascript: link given by reference definition", () => {
    expect(renderMarkdown("[x]\n\n[x]: javascript:alert(1)")).toBe("<p>x</p>\n");
  });

  it("drops relative, protocol-relative and other-scheme links", () => {
    expect(renderMarkdown("[a](/logout) [b](//evil.example) [c](irc://evil) [d](vbscript:x)")).toBe("<p>a b c d</p>");
  });

  it("turns an image into a link instead of loading it", () => {
    expect(renderMarkdown("![a](https://evil/x.png)")).toBe(`<p><a href="https://evil/x.png" ${rel}>a</a></p>`);
  });

  it("shows only the alt text of an image with a dangerous source", () => {
    expect(renderMarkdown("![poster](javascript:alert(1))")).toBe("<p>poster</p>");
  });

  it("shows an image inside a link as the link's text", () => {
    expect(renderMarkdown("[![poster](https://evil/x.png)](https://tickets.example)")).toBe(
      `<p><a href="https://tickets.example" ${rel}>poster</a></p>`,
    );
  });

  it("keeps quotes in a link title inside the attribute", () => {
    const html = renderMarkdown('[x](https://a.example "t\\" onmouseover=\\"alert(1)")');
    expect(html).toBe(`<p><a href="https://a.example" title="t&quot; onmouseover=&quot;alert(1)" ${rel}>x</a></p>`);
    expect(tags(html)).toEqual([`<p>`, `<a href="https://a.example" title="t&quot; onmouseover=&quot;alert(1)" ${rel}>`, "</a>", "</p>"]);
  });

  it("keeps quotes in a link URL inside the attribute", () => {
    const html = renderMarkdown('[x](<https://a.example/" onmouseover="alert(1)>)');
    expect(html).toBe(`<p><a href="https://a.example/%22%20onmouseover=%22alert(1)" ${rel}>x</a></p>`);
  });

  it("keeps quotes in image alt text inside the link text", () => {
    expect(renderMarkdown('![a" onerror="alert(1)](https://evil/x.png)')).toBe(
      `<p><a href="https://evil/x.png" ${rel}>a&quot; onerror=&quot;alert(1)</a></p>`,
    );
  });

  it("never emits a tag outside the safe set, whatever the input", () => {
    const hostile = [
      "<script>x</script>",
      "<iframe src=//evil>",
      "<svg onload=alert(1)>",
      "[x](javascript:alert(1))",
      "![x](https://evil/x.png)",
      "<style>*{}</style>",
      "# h1",
      "<h1>raw</h1>",
    ].join("\n\n");
    for (const tag of tags(renderMarkdown(hostile))) {
      expect(tag).toMatch(/^<\/?(p|h[3-6]|a|em|strong|code|pre|ul|ol|li|blockquote|br ?\/?|hr ?\/?)( [^>]*)?>$/);
      expect(tag).not.toMatch(/^<(script|iframe|svg|img|style|h1|h2)/);
    }
  });
});

describe("markdownToPlainText", () => {
  it("strips formatting and collapses whitespace", () => {
    expect(markdownToPlainText("# Milonga\n\nLive *orchestra*   and **DJ**.\n\n- vals\n- [tickets](https://x.example)")).toBe(
      "Milonga Live orchestra and DJ. vals tickets",
    );
  });

  it("turns character references and escaped markup back into plain characters", () => {
    expect(markdownToPlainText("Fish &amp; chips &copy; \\*not emphasis\\* <b>")).toBe("Fish & chips © *not emphasis* <b>");
  });

  it("keeps an image's alt text and drops its address", () => {
    expect(markdownToPlainText("Poster: ![Milonga poster](https://evil/x.png)")).toBe("Poster: Milonga poster");
  });

  it("returns text as is when it fits", () => {
    expect(markdownToPlainText("Short and sweet.", 16)).toBe("Short and sweet.");
  });

  it("truncates on a word boundary with an ellipsis", () => {
    const text = markdownToPlainText("Every Thursday the best milonga in Berlin, with live music.", 30);
    expect(text).toBe("Every Thursday the best…");
    expect(Array.from(text).length).toBeLessThanOrEqual(30);
  });

  it("cuts a single very long word rather than returning nothing", () => {
    expect(markdownToPlainText("a".repeat(100), 10)).toBe(`${"a".repeat(9)}…`);
  });

  it("counts emoji as one character and never splits one", () => {
    expect(markdownToPlainText("💃💃💃💃💃 🕺🕺🕺🕺🕺", 8)).toBe("💃💃💃💃💃…");
  });

  it("is empty for empty input", () => {
    expect(markdownToPlainText("")).toBe("");
    expect(markdownToPlainText("", 10)).toBe("");
  });
});
