import { micromark } from "micromark";
import { gfmAutolinkLiteral, gfmAutolinkLiteralHtml } from "micromark-extension-gfm-autolink-literal";

/** Posts and comments are capped at 5,000 characters by validation; this only bounds hostile work. */
const MAX_SOURCE_CHARS = 20_000;

export const POST_LINK_REL = "nofollow ugc noopener";

/**
 * Markdown-lite keeps links and emphasis only. Every other CommonMark construct is switched off
 * in micromark itself, so "# x", "- x", "> x", code and raw HTML stay literal text (escaped).
 */
const DISABLED_CONSTRUCTS = [
  "blockQuote",
  "codeFenced",
  "codeIndented",
  "codeText",
  "definition",
  "headingAtx",
  "htmlFlow",
  "htmlText",
  "labelStartImage",
  "list",
  "setextUnderline",
  "thematicBreak",
];

const SAFE_HREF = /^https?:\/\//i;
// micromark encodes & " < > in everything it writes, so a tag never contains ">" before its end.
const TAG = /<[^>]*>/g;
/** Same alphabet as handles (worker/schemas/auth.ts); not preceded by a word character (emails). */
const MENTION = /(^|[^\p{L}\p{N}_@/])@([a-z0-9_]{3,30})(?![a-z0-9_])/giu;
const HASHTAG = /(^|[^\p{L}\p{N}_&#/])#([\p{L}\p{N}_]{1,50})(?![\p{L}\p{N}_])/gu;

/**
 * A post or comment body as HTML safe for dangerouslySetInnerHTML: paragraphs, line breaks,
 * emphasis, http(s) links with rel="nofollow ugc noopener", `@handle` linked to the profile and
 * `#tag` linked to the post search; bare http(s) and www. addresses are linked too (GFM autolink
 * literals; emails stay text). Everything else is escaped text.
 */
export function renderPostText(source: string): string {
  let capped = source.length > MAX_SOURCE_CHARS ? source.slice(0, MAX_SOURCE_CHARS) : source;
  if (/[\ud800-\udbff]$/.test(capped)) capped = capped.slice(0, -1);
  const html = micromark(capped, {
    allowDangerousHtml: false,
    allowDangerousProtocol: false,
    // Bare addresses ("https://…", "www.…") become links too, as members expect.
    extensions: [{ disable: { null: DISABLED_CONSTRUCTS } }, gfmAutolinkLiteral()],
    htmlExtensions: [gfmAutolinkLiteralHtml()],
  });
  return linkTextOutsideLinks(keepSafeLinks(html));
}

/** The handles mentioned (lower-cased, unique, in order), ignoring those inside link text. */
export function mentionedHandles(source: string): string[] {
  const html = renderPostText(source);
  const handles = new Set<string>();
  for (const match of html.matchAll(/<a href="\/people\/([a-z0-9_]+)" class="mention">/g)) handles.add(match[1]!);
  return [...handles];
}

/** Hashtags in the body, lower-cased, for search and tests. */
export function hashtagsIn(source: string): string[] {
  const tags = new Set<string>();
  for (const match of source.matchAll(HASHTAG)) tags.add(match[2]!.toLowerCase());
  return [...tags];
}

function keepSafeLinks(html: string): string {
  const openLinks: boolean[] = [];
  return html.replace(TAG, (tag) => {
    if (tag.startsWith("<a ")) {
      const href = / href="([^"]*)"/.exec(tag)?.[1];
      const kept = href !== undefined && SAFE_HREF.test(decodeEntities(href));
      openLinks.push(kept);
      return kept ? `<a href="${href}" rel="${POST_LINK_REL}">` : "";
    }
    if (tag === "</a>") return openLinks.pop() ? tag : "";
    return tag;
  });
}

/** Mentions and hashtags in text outside tags and outside links (links do not nest). */
function linkTextOutsideLinks(html: string): string {
  let depth = 0;
  return html
    .split(/(<[^>]*>)/g)
    .map((part) => {
      if (part.startsWith("<")) {
        if (part.startsWith("<a ")) depth += 1;
        else if (part === "</a>") depth = Math.max(0, depth - 1);
        return part;
      }
      if (depth > 0 || part === "") return part;
      return part
        .replace(MENTION, (_, before: string, handle: string) => `${before}<a href="/people/${handle.toLowerCase()}" class="mention">@${handle}</a>`)
        .replace(HASHTAG, (_, before: string, tag: string) => `${before}<a href="/search?type=posts&amp;q=%23${encodeURIComponent(tag)}" class="hashtag">#${tag}</a>`);
    })
    .join("");
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot);/g, (_, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"' })[name] ?? "");
}
