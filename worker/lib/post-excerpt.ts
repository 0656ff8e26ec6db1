/**
 * The start of a post or comment as plain words: link text without its address, no emphasis
 * asterisks, whitespace folded, cut at `maxLength` characters (code points, so an emoji is never
 * split) with an ellipsis. Used by search results, notifications and the post page's title;
 * pure and dependency-free so pages can import it.
 */
export function postExcerpt(body: string, maxLength = 160): string {
  const plain = body
    .slice(0, maxLength * 8)
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    // Asterisks only: underscores belong to @handles and #tags as often as to emphasis.
    .replace(/\*+|`/g, "")
    .replace(/\s+/g, " ")
    .trim();
  const chars = [...plain];
  return chars.length > maxLength ? `${chars.slice(0, maxLength - 1).join("")}…` : plain;
}
