/**
 * An occurrence is named by its ORIGINAL start instant in iCalendar's UTC form
 * (20270312T000000Z): it survives the occurrence being moved, reads the same in every
 * time zone, is safe in a URL and is a valid RECURRENCE-ID.
 */
export const OCCURRENCE_KEY_PATTERN = /^[0-9]{8}T[0-9]{6}Z$/;

export function occurrenceKeyOf(instant: string | Date): string {
  const iso = (typeof instant === "string" ? new Date(instant) : instant).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** The instant an occurrence key names, or undefined for anything that is not one. */
export function instantOfOccurrenceKey(key: string): Date | undefined {
  if (!OCCURRENCE_KEY_PATTERN.test(key)) return undefined;
  const iso = `${key.slice(0, 4)}-${key.slice(4, 6)}-${key.slice(6, 8)}T${key.slice(9, 11)}:${key.slice(11, 13)}:${key.slice(13, 15)}Z`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) || occurrenceKeyOf(date) !== key ? undefined : date;
}
