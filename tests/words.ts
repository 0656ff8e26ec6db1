let words = 0;

/**
 * A made-up word no seeded row contains (consonants only, after `prefix`), so each test sees
 * only its own rows. Give each test file its own prefix.
 */
export function uniqueWord(prefix: string): string {
  words += 1;
  const letters = "bcdfghjklmnpqrstvwxz";
  let w = prefix;
  for (let n = Date.now() * 100 + words; n > 0; n = Math.floor(n / letters.length)) w += letters[n % letters.length];
  return w;
}
