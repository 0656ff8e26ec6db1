/**
 * The password lengths, apart from the policy itself: pages show them in hints, and must not
 * pull the 10,000-word common-password list into the browser to do so.
 */

/** Counted in Unicode code points after NFC, so "🐧" or "é" is one character whatever the keyboard sent. */
export const MIN_PASSWORD_LENGTH = 10;
/** Long passphrases are welcome; the bound only stops megabyte bodies from reaching the hasher. */
export const MAX_PASSWORD_LENGTH = 256;
