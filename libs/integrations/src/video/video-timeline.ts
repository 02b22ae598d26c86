import { Caption } from './video-renderer';
import { ShotMove, VideoTemplate } from './video-template';

/** The end card holds the last seconds, fully shown (its transition ends as they start). */
export const END_CARD_SEC = 3;

/**
 * Where Shorts and Reels put nothing over the video, at 1080x1920: clear of the top bar, the
 * bottom 20% (title, description, music) and the right-hand action column (like, comment...).
 */
export const SAFE_AREA = { left: 64, right: 920, top: 200, bottom: 1536 } as const;

export interface Shot {
  /** which photo (or title card when there is no photo) */
  visual: number;
  /** when it starts coming in (its transition's start), output seconds */
  inSec: number;
  /** how long its input lasts: its time on screen plus both transitions */
  lengthSec: number;
  /** the beat at which it is the picture (the middle of its transition in) */
  cutSec: number;
  move: ShotMove;
  /** the transition that brings it in */
  transition: string;
}

export interface Timeline {
  shots: Shot[];
  /** when the end card starts coming in; it is fully shown from durationSec - END_CARD_SEC */
  endCardInSec: number;
  transitionSec: number;
}

/** The most photos a video of this length can show, each for a moment. */
export function maxVisuals(durationSec: number): number {
  return Math.max(1, Math.floor((durationSec - END_CARD_SEC) / 0.8));
}

/** Seconds between beats, from beat times (their median step), or null without any. */
export function beatPeriod(beats: number[] | undefined): number | null {
  if (!beats || beats.length < 4) return null;
  const steps = beats
    .slice(1)
    .map((b, i) => b - beats[i])
    .sort((a, b) => a - b);
  const p = steps[Math.floor(steps.length / 2)];
  return p > 0.2 && p < 1.5 ? p : null;
}

/**
 * Shots over the length before the end card: every visual at least once, cycling, each cut
 * on the beat nearest to an even split (a template's `shotBeats` apart), never shorter than
 * twice the transition.
 */
export function planTimeline(
  durationSec: number,
  visuals: number,
  beats: number[] | undefined,
  template: VideoTemplate,
): Timeline {
  const body = durationSec - END_CARD_SEC;
  // many photos in a short video: quicker transitions, so each still gets its moment
  const crowded = body / Math.max(1, visuals);
  const f = Math.max(0.2, Math.min(template.motion.transitionSec, (crowded - 0.3) / 2));
  const minShot = Math.min(Math.max(1, 2 * f + 0.2), crowded);
  const period = beatPeriod(beats) ?? 0.5;
  const target = template.motion.shotBeats * period;
  const n = Math.max(
    1,
    Math.min(Math.floor(body / minShot + 1e-9), Math.max(visuals, Math.round(body / target))),
  );
  const usable = (beats ?? []).filter((b) => b > 0 && b < body);
  const cuts = [0];
  for (let k = 1; k < n; k++) {
    const lo = cuts[k - 1] + minShot;
    const hi = body - (n - k) * minShot;
    const ideal = Math.min(hi, Math.max(lo, (k * body) / n));
    const onBeat = usable
      .filter((b) => b >= lo - 1e-6 && b <= hi + 1e-6)
      .sort((a, b) => Math.abs(a - ideal) - Math.abs(b - ideal))[0];
    cuts.push(onBeat ?? ideal);
  }
  const offsets = cuts.map((c, k) => (k === 0 ? 0 : c - f / 2));
  const endCardInSec = body - f;
  const shots = cuts.map((c, k) => {
    const next = k + 1 < n ? offsets[k + 1] : endCardInSec;
    return {
      visual: k % Math.max(1, visuals),
      inSec: offsets[k],
      lengthSec: next + f - offsets[k],
      cutSec: c,
      move: template.motion.moves[k % template.motion.moves.length],
      transition:
        template.motion.transitions[
          (k + template.motion.transitions.length - 1) % template.motion.transitions.length
        ],
    };
  });
  return { shots, endCardInSec, transitionSec: f };
}

/**
 * Captions as shown: within the song, ended before the end card comes in, none too short to
 * read; one line at a time (a line ends where the next starts).
 */
export function captionsShown(captions: Caption[], timeline: Timeline): Caption[] {
  const last = timeline.endCardInSec - 0.05;
  const sorted = [...captions].filter((c) => c.text.trim()).sort((a, b) => a.startSec - b.startSec);
  return sorted
    .map((c, i) => ({
      ...c,
      text: c.text.trim(),
      startSec: Math.max(0, c.startSec),
      endSec: Math.min(c.endSec, sorted[i + 1]?.startSec ?? Infinity, last),
    }))
    .filter((c) => c.endSec - c.startSec >= 0.4);
}

/**
 * A width estimate of text in Noto Sans CJK at a size (Hangul and Han are one em; Latin,
 * digits and punctuation narrower), for wrapping and karaoke alignment.
 */
export function textWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 0x20 || c === 0xa0) em += 0.23;
    else if (c >= 0x1100 && c <= 0xffdc) em += 1;
    else if (/[0-9]/.test(ch)) em += 0.57;
    else if (/[A-Z]/.test(ch)) em += 0.66;
    else if (/[a-z]/.test(ch)) em += 0.56;
    else em += 0.36;
  }
  return em * fontSize;
}

/**
 * Words into rows no wider than `maxWidth`, balanced (as few rows as the width allows, of
 * even lengths, rather than a full row and a lone word); a word longer than a row is split.
 */
export function wrapText(text: string, fontSize: number, maxWidth: number): string[] {
  const rows = greedyWrap(text, fontSize, maxWidth);
  if (rows.length < 2) return rows;
  let lo = maxWidth / rows.length;
  let hi = maxWidth;
  while (hi - lo > 2) {
    const mid = (lo + hi) / 2;
    if (greedyWrap(text, fontSize, mid).length > rows.length) lo = mid;
    else hi = mid;
  }
  return greedyWrap(text, fontSize, hi);
}

function greedyWrap(text: string, fontSize: number, maxWidth: number): string[] {
  const rows: string[] = [];
  let row = '';
  // breaks at plain spaces only: a no-break space keeps a phrase (a menu item) together
  const pieces = text
    .split(/[ \t\n]+/)
    .filter(Boolean)
    .flatMap((w) => {
      if (textWidth(w, fontSize) <= maxWidth) return [w];
      const parts: string[] = [];
      let part = '';
      for (const ch of w) {
        if (part && textWidth(part + ch, fontSize) > maxWidth) {
          parts.push(part);
          part = '';
        }
        part += ch;
      }
      return part ? [...parts, part] : parts;
    });
  for (const w of pieces) {
    const candidate = row ? `${row} ${w}` : w;
    if (row && textWidth(candidate, fontSize) > maxWidth) {
      rows.push(row);
      row = w;
    } else row = candidate;
  }
  if (row) rows.push(row);
  return rows;
}

/**
 * The size at which text fits `maxRows` rows of `maxWidth` (down to `minSize`), and its rows.
 */
export function fitText(
  text: string,
  size: number,
  minSize: number,
  maxWidth: number,
  maxRows: number,
): { size: number; rows: string[] } {
  for (let s = size; s > minSize; s -= 4) {
    const rows = wrapText(text, s, maxWidth);
    if (rows.length <= maxRows) return { size: s, rows };
  }
  return { size: minSize, rows: wrapText(text, minSize, maxWidth) };
}
