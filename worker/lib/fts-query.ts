/**
 * Turns whatever a member typed into a safe FTS5 MATCH expression.
 *
 * FTS5 has its own query language (quotes, `*`, `^`, `:` column filters, `NEAR`, `AND`/`OR`/
 * `NOT`, parentheses, `-`), and a malformed expression is an SQL error. So nothing the member
 * typed is ever passed through as syntax: the text is cut into words the way the `unicode61`
 * tokenizer cuts it (letters, digits and combining marks; everything else separates), and each
 * word becomes a double-quoted prefix term, `"cancion"*`, implicitly ANDed with the others.
 * Quoted, `NEAR` or `OR` are plain words; `#tango` searches the word "tango"; `bio:x` two words.
 * Case and accents are folded by the tokenizer itself (`remove_diacritics 2`), so they are kept
 * here and `cancion`, `Canción` and `CANCIÓN` all match the same rows.
 */

/** More words than this narrow nothing and only cost work: the rest are ignored. */
export const MAX_TERMS = 8;
/** Longer "words" are noise (a pasted hash, a run of letters); cut to a prefix that still matches. */
export const MAX_TERM_LENGTH = 48;

// Letters, numbers, combining marks (a decomposed accent belongs to its word) and private-use
// characters: the unicode61 tokenizer's token characters. Lone surrogates match none of these.
const WORD = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

/** The words of `input` as the index sees them, at most MAX_TERMS, duplicates dropped. */
export function searchTerms(input: string): string[] {
  const terms: string[] = [];
  const seen = new Set<string>();
  for (const match of input.normalize("NFC").matchAll(WORD)) {
    const term = [...match[0]].slice(0, MAX_TERM_LENGTH).join("");
    const key = term.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase();
    // A combining mark alone is no word: the tokenizer drops it, and `""*` would match nothing.
    if (key === "" || seen.has(key)) continue;
    seen.add(key);
    terms.push(term);
    if (terms.length === MAX_TERMS) break;
  }
  return terms;
}

/**
 * The MATCH expression for `input`, or null when it holds no searchable word (only emoji or
 * punctuation): callers answer "no results" without asking the database.
 */
export function ftsMatchExpression(input: string): string | null {
  const terms = searchTerms(input);
  if (terms.length === 0) return null;
  // Token characters never include `"`, so quoting needs no escaping; doubling is defence in depth.
  return terms.map((term) => `"${term.replace(/"/g, '""')}"*`).join(" ");
}
