/** Lower-case without accents, so "cancion" finds "Canción" in a plain LIKE. */
export function foldForSearch(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** The searchable text of an event: every name a dancer might type, folded once at write time. */
export function eventSearchText(parts: readonly (string | null | undefined)[]): string {
  return foldForSearch(parts.filter(Boolean).join(" | ")).slice(0, 2000);
}

/** A LIKE pattern that matches `query` literally: %, _ and the escape character lose their meaning. */
export function likeContains(query: string): string {
  return `%${foldForSearch(query).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
