import type { CaptionWord, SungWord } from '@app/integrations';

type Timed = { text: string; startSec: number; endSec: number };

/**
 * The words with a time each: a word the provider could not place gets one between its
 * placed neighbours (the run of unplaced words shares the gap evenly). Null when no word
 * was placed: nothing to follow.
 */
export function placeAll(words: SungWord[]): Timed[] | null {
  if (!words.some((w) => w.placed)) return null;
  const out: Timed[] = words.map((w) => ({ text: w.text, startSec: w.startSec, endSec: w.endSec }));
  const guess = 0.4;
  for (let i = 0; i < words.length;) {
    if (words[i].placed) {
      i++;
      continue;
    }
    let j = i;
    while (j < words.length && !words[j].placed) j++;
    const n = j - i;
    const from = i > 0 ? out[i - 1].endSec : Math.max(0, out[j].startSec - guess * n);
    const to = j < words.length ? out[j].startSec : from + guess * n;
    const step = Math.max(0, to - from) / n;
    for (let k = 0; k < n; k++) {
      out[i + k].startSec = from + step * k;
      out[i + k].endSec = from + step * (k + 1);
    }
    i = j;
  }
  return out;
}

/** letters and digits only: what a lyric and its sung words have in common */
const letters = (s: string) => [...s.normalize('NFC')].filter((ch) => /[\p{L}\p{N}]/u.test(ch));

/**
 * When each word of each lyric line is sung. The lyrics and the provider's words are matched
 * letter by letter (the provider may split words, drop punctuation or tag sections), so a
 * lyric word starts when its first letter is sung; when the provider sang a different number
 * of letters (it changed a word), the match is proportional. Null when nothing can be followed.
 */
export function sungLineWords(lines: string[], words: SungWord[]): CaptionWord[][] | null {
  const timed = placeAll(words);
  if (!timed) return null;
  // the time of each sung letter: its word's start, plus its share of the word's length
  const sung: number[] = [];
  for (const w of timed) {
    const n = letters(w.text).length;
    for (let k = 0; k < n; k++) sung.push(w.startSec + ((w.endSec - w.startSec) * k) / n);
  }
  const total = lines.reduce((n, l) => n + letters(l).length, 0);
  if (!sung.length || !total) return null;
  let pos = 0;
  let last = 0;
  return lines.map((line) =>
    line
      .split(/\s+/)
      .filter(Boolean)
      .map((text) => {
        const at = Math.min(sung.length - 1, Math.floor((pos * sung.length) / total));
        pos += letters(text).length;
        last = Math.max(last, sung[at]);
        return { text, startSec: last };
      }),
  );
}
