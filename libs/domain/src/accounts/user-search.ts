/**
 * Admin user search by part of a nickname or email, answered from an index at any volume.
 *
 * A B-tree answers no `LIKE '%term%'`, and MariaDB's FULLTEXT has no n-gram parser (nor does
 * SQLite's default build have FTS5 we could count on), so each user's nickname and email are cut
 * into their 2- and 3-character pieces ("grams", lower-cased), stored in `user_search_grams`
 * keyed (gram, created_at, user_id). A term of two characters is one gram: its rows are exactly
 * the users whose nickname or email contains it (Korean nicknames are 2-4 syllables, so a given
 * name is one gram). A longer term is narrowed to its rarest 3-character gram; that gram's rows
 * are walked newest first (the key's own order, so no sort) and each user is checked against
 * the whole term, until a page fills.
 */

/** Grams counted beyond this are "common": a cheap, bounded count picks the rarest. */
export const GRAM_COUNT_CAP = 200;
/** A long term is narrowed by at most this many of its grams (spread along it). */
const MAX_TERM_GRAMS = 8;

const normalise = (text: string) => text.trim().toLowerCase();

function piecesOf(text: string, n: number): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(''));
  return out;
}

/** Every gram a user is found by (their nickname's and email's 2- and 3-character pieces). */
export function userGrams(nickname: string, email: string | null): string[] {
  const grams = new Set<string>();
  for (const text of [nickname, email ?? ''].map(normalise))
    for (const n of [2, 3]) for (const g of piecesOf(text, n)) grams.add(g);
  return [...grams];
}

/**
 * The grams a term is looked up by: itself when it is two characters, else its distinct
 * 3-character pieces (at most MAX_TERM_GRAMS, spread along it). None for a single character.
 */
export function termGrams(term: string): string[] {
  const t = normalise(term);
  const length = [...t].length;
  if (length < 2) return [];
  if (length === 2) return [t];
  const all = [...new Set(piecesOf(t, 3))];
  if (all.length <= MAX_TERM_GRAMS) return all;
  const step = (all.length - 1) / (MAX_TERM_GRAMS - 1);
  return [...new Set(Array.from({ length: MAX_TERM_GRAMS }, (_, i) => all[Math.round(i * step)]))];
}
