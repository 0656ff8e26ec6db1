import { micromark } from "micromark";

/** Callers validate a smaller limit; this only bounds the work a hostile input can cause. */
export const MAX_MARKDOWN_CHARS = 20_000;

export const MEMBER_LINK_REL = "nofollow ugc noopener noreferrer";

/** Member headings start at h3, so they never compete with the page's own h1/h2. */
const HEADING_SHIFT = 2;

const SAFE_HREF = /^(?:https?:\/\/|mailto:)/i;
const SAFE_IMAGE_SRC = /^https?:\/\//i;
// micromark writes every attribute value encoded (& " < >), so a tag never contains ">"
// before its end and this pattern finds exactly the tags micromark emitted.
const TAG = /<[^>]*>/g;
const BLOCK_TAG = /<\/?(?:p|h[1-6]|li|ul|ol|blockquote|pre|hr|br)\b[^>]*>/g;

/**
 * Member-written CommonMark as HTML safe for dangerouslySetInnerHTML: raw HTML is shown as
 * text, links are http(s)/mailto only and carry rel="nofollow ugc noopener noreferrer",
 * images become links to the image (inline images would leak readers' IPs, and our CSP
 * blocks them), and headings are demoted by two levels (# → h3, ## → h4, ### → h5, deeper → h6).
 */
export function renderMarkdown(source: string): string {
  return rewriteTags(compile(source));
}

/**
 * The text a reader sees, on one line: for meta descriptions, Open Graph and iCalendar.
 * Cut at a word boundary with "…" when longer than maxLength characters.
 */
export function markdownToPlainText(source: string, maxLength = Infinity): string {
  const text = decodeEntities(
    renderMarkdown(source)
      .replace(BLOCK_TAG, " ")
      .replace(TAG, ""),
  )
    .replace(/\s+/g, " ")
    .trim();
  return truncateAtWord(text, maxLength);
}

function compile(source: string): string {
  let capped = source.length > MAX_MARKDOWN_CHARS ? source.slice(0, MAX_MARKDOWN_CHARS) : source;
  if (/[\ud800-\udbff]$/.test(capped)) capped = capped.slice(0, -1);
  // Both options are micromark's defaults; spelled out because safety depends on them.
  return micromark(capped, { allowDangerousHtml: false, allowDangerousProtocol: false });
}

function rewriteTags(html: string): string {
  // One entry per open <a>: whether it was kept, so its </a> is kept or dropped with it.
  const openLinks: boolean[] = [];
  return html.replace(TAG, (tag) => {
    const heading = /^<(\/?)h([1-6])>$/.exec(tag);
    if (heading) return `<${heading[1]}h${Math.min(6, Number(heading[2]) + HEADING_SHIFT)}>`;

    if (tag.startsWith("<a ")) {
      const href = attribute(tag, "href");
      const kept = href !== undefined && SAFE_HREF.test(decodeEntities(href));
      openLinks.push(kept);
      if (!kept) return "";
      const title = attribute(tag, "title");
      return `<a href="${href}"${title ? ` title="${title}"` : ""} rel="${MEMBER_LINK_REL}">`;
    }
    if (tag === "</a>") return openLinks.pop() ? tag : "";

    if (tag.startsWith("<img ")) {
      const alt = attribute(tag, "alt") ?? "";
      const src = attribute(tag, "src");
      // An image inside a link can only be its text: links do not nest.
      if (openLinks.length > 0 || src === undefined || !SAFE_IMAGE_SRC.test(decodeEntities(src))) return alt;
      return `<a href="${src}" rel="${MEMBER_LINK_REL}">${alt || src}</a>`;
    }
    return tag;
  });
}

/** The still-encoded value of an attribute in a tag written by micromark. */
function attribute(tag: string, name: string): string | undefined {
  return new RegExp(` ${name}="([^"]*)"`).exec(tag)?.[1];
}

/** micromark encodes only these four in its output; everything else is already a character. */
function decodeEntities(html: string): string {
  return html.replace(/&(amp|lt|gt|quot);/g, (_, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"' })[name] ?? "");
}

function truncateAtWord(text: string, maxLength: number): string {
  const characters = Array.from(text);
  if (characters.length <= maxLength) return text;
  const room = Math.max(0, Math.floor(maxLength) - 1);
  const cut = characters.slice(0, room).join("");
  const lastSpace = cut.lastIndexOf(" ");
  // Prefer a word boundary unless that would throw away most of the room (one long word).
  const kept = lastSpace >= room / 2 ? cut.slice(0, lastSpace) : cut;
  return `${kept.replace(/[\s,;:.\u2013\u2014-]+$/, "")}…`;
}
