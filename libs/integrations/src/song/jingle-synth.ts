import { Readable } from 'node:stream';
import { SONG_LENGTH_SEC } from './song-engine';

export const SAMPLE_RATE = 44_100;

const TEMPO: Record<string, number> = { bright: 112, calm: 80, energetic: 128, emotional: 92 };

/** The length the synth composes to is what was asked, within what a song engine can make. */
export const JINGLE_MIN_SEC = SONG_LENGTH_SEC.min;
export const JINGLE_MAX_SEC = SONG_LENGTH_SEC.max;
/** The ending (a cadence, then the tonic ringing out) lasts at least this: the end card's time. */
export const JINGLE_ENDING_MIN_SEC = 3;

export function tempoFor(mood: string): number {
  const m = mood.toLowerCase();
  if (/calm|잔잔|차분|편안/.test(m)) return TEMPO.calm;
  if (/energ|신나|경쾌|활기/.test(m)) return TEMPO.energetic;
  if (/emo|감성|추억|따뜻/.test(m)) return TEMPO.emotional;
  return TEMPO.bright;
}

// I - V - vi - IV in C major, as MIDI notes
const PROGRESSION = [
  [48, 52, 55],
  [43, 47, 50],
  [45, 48, 52],
  [41, 45, 48],
];
const TONIC = PROGRESSION[0];
const DOMINANT = PROGRESSION[1];
const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);

export type BarRole = 'intro' | 'verse' | 'chorus' | 'ending' | 'final';

export interface JinglePlan {
  bpm: number;
  bars: number;
  /** exactly the length asked: a whole number of bars at a tempo nudged to fit */
  durationSec: number;
  /** what each bar plays */
  barRoles: BarRole[];
  /** every beat (quarter note) from 0 to the end */
  beatTimes: number[];
  /** start second of each lyric line, on beats, all before the ending */
  lineTimings: number[];
  /** start second of each lyric section, on bar lines where there is room */
  sectionTimings: number[];
  /** where the ending (cadence + final chord) starts */
  endingStartSec: number;
}

const round3 = (x: number) => Number(x.toFixed(3));

/**
 * Composes to length: the mood's tempo nudged so a whole number of bars lasts exactly
 * `lengthSec`; an intro, the lyric sections (each line starting on a beat, each section on a
 * bar line when there are enough bars), then an ending of at least 3 s (a V-I cadence, the
 * tonic ringing out) that the video's end card sits on.
 * `sectionLines` is how many lyric lines each section has.
 */
export function planJingle(lengthSec: number, mood: string, sectionLines: number[]): JinglePlan {
  const length = Math.min(JINGLE_MAX_SEC, Math.max(JINGLE_MIN_SEC, lengthSec));
  const baseBar = (4 * 60) / tempoFor(mood);
  const bars = Math.max(4, Math.round(length / baseBar));
  const barSec = length / bars;
  const bpm = (bars * 4 * 60) / length;
  const endingBars = Math.min(bars - 2, Math.ceil(JINGLE_ENDING_MIN_SEC / barSec - 1e-9));
  const introBars = length >= 40 ? 2 : 1;
  const lyricBars = Math.max(1, bars - endingBars - introBars);
  const roles: BarRole[] = Array.from({ length: bars }, (_, b) =>
    b < introBars
      ? 'intro'
      : b >= bars - endingBars
        ? b === bars - 1
          ? 'final'
          : 'ending'
        : 'verse',
  );
  const beatSec = barSec / 4;
  const beatTimes = Array.from({ length: bars * 4 }, (_, i) => round3(i * beatSec));
  const lines = sectionLines.reduce((a, b) => a + b, 0);
  const lineTimings: number[] = [];
  const sectionTimings: number[] = [];
  const sections = sectionLines.filter((n) => n > 0);
  if (lines > 0 && sections.length <= lyricBars) {
    // bars shared among sections by their line counts (largest remainder), at least one each
    const share = sections.map((n) => Math.max(1, Math.floor((n * lyricBars) / lines)));
    let spare = lyricBars - share.reduce((a, b) => a + b, 0);
    const byRemainder = sections
      .map((n, i) => ({ i, r: (n * lyricBars) / lines - Math.floor((n * lyricBars) / lines) }))
      .sort((a, b) => b.r - a.r);
    for (let k = 0; spare > 0; k = (k + 1) % byRemainder.length, spare--) share[byRemainder[k].i]++;
    while (spare < 0) {
      const biggest = share.indexOf(Math.max(...share));
      share[biggest]--;
      spare++;
    }
    let bar = introBars;
    let s = 0;
    for (const n of sectionLines) {
      if (n === 0) {
        sectionTimings.push(round3(bar * barSec));
        continue;
      }
      const sectionBeats = share[s] * 4;
      sectionTimings.push(round3(bar * barSec));
      for (let l = 0; l < n; l++)
        lineTimings.push(round3((bar * 4 + Math.floor((l * sectionBeats) / n)) * beatSec));
      bar += share[s++];
    }
  } else {
    // more sections than bars: lines spread evenly over the beats of the lyric bars
    const beats = lyricBars * 4;
    let l = 0;
    for (const n of sectionLines) {
      sectionTimings.push(
        round3((introBars * 4 + Math.floor((l * beats) / Math.max(1, lines))) * beatSec),
      );
      for (let k = 0; k < n; k++, l++)
        lineTimings.push(round3((introBars * 4 + Math.floor((l * beats) / lines)) * beatSec));
    }
  }
  return {
    bpm: Number(bpm.toFixed(3)),
    bars,
    durationSec: round3(length),
    barRoles: roles,
    beatTimes,
    lineTimings,
    sectionTimings,
    endingStartSec: round3((bars - endingBars) * barSec),
  };
}

/** Marks the bars of chorus sections, so the synth plays them fuller. */
export function withChorusBars(
  plan: JinglePlan,
  sectionNames: string[],
  sectionLines: number[],
): JinglePlan {
  const barSec = plan.durationSec / plan.bars;
  const roles = [...plan.barRoles];
  plan.sectionTimings.forEach((start, i) => {
    if (!/chorus|후렴|hook/i.test(sectionNames[i] ?? '') || sectionLines[i] === 0) return;
    const end = plan.sectionTimings[i + 1] ?? plan.endingStartSec;
    for (let b = Math.round(start / barSec); b < Math.round(end / barSec); b++)
      if (roles[b] === 'verse') roles[b] = 'chorus';
  });
  return { ...plan, barRoles: roles };
}

/**
 * An instrumental jingle as 16-bit mono PCM: chords, a melody over chord tones, and drums
 * (kick, snare, hats) at the tempo; choruses play an octave up with open hats; the ending is
 * a V-I cadence and a final tonic chord that rings out to the last sample. Produced a bar at
 * a time so a long jingle never holds the event loop for long.
 */
export function synthesizeJingle(plan: JinglePlan, seed: number): Readable {
  const totalSamples = Math.round(plan.durationSec * SAMPLE_RATE);
  const barStart = (b: number) => Math.round(((b * plan.durationSec) / plan.bars) * SAMPLE_RATE);
  let rng = seed >>> 0 || 1;
  const rand = () => (rng = (rng * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  let bar = 0;
  return new Readable({
    read() {
      if (bar >= plan.bars) return this.push(null);
      const role = plan.barRoles[bar];
      const start = barStart(bar);
      const barSamples = (bar === plan.bars - 1 ? totalSamples : barStart(bar + 1)) - start;
      const beat = barSamples / 4;
      const chord = role === 'final' ? TONIC : role === 'ending' ? DOMINANT : PROGRESSION[bar % 4];
      const lift = role === 'chorus' ? 36 : 24;
      const melody = Array.from({ length: 8 }, (_, i) =>
        role === 'ending' && i >= 6 ? TONIC[0] + lift : chord[Math.floor(rand() * 3)] + lift,
      );
      const buf = Buffer.alloc(barSamples * 2);
      for (let n = 0; n < barSamples; n++) {
        const t = (start + n) / SAMPLE_RATE;
        const inBeat = n % beat;
        const beatNo = Math.floor(n / beat);
        const eighth = Math.floor(n / (beat / 2));
        const inEighth = n % (beat / 2);
        let s = 0;
        if (role === 'final') {
          // the last chord rings out, with a kick and a cymbal on its downbeat
          const decay = Math.exp((-3.2 * n) / barSamples) * (1 - n / barSamples);
          for (const note of [...chord, chord[0] + 12, chord[0] + 24])
            s += 0.09 * Math.sin(2 * Math.PI * hz(note) * t) * decay;
          s +=
            0.5 *
            Math.sin(2 * Math.PI * (60 + 60 * Math.exp(-n / 800)) * (n / SAMPLE_RATE)) *
            Math.exp(-n / 4000);
          s += 0.1 * (rand() * 2 - 1) * Math.exp(-n / (SAMPLE_RATE * 0.6));
        } else {
          for (const note of chord) s += 0.08 * Math.sin(2 * Math.PI * hz(note) * t);
          const melodyEnv = Math.exp(-inEighth / (SAMPLE_RATE * 0.15));
          const phase = (hz(melody[eighth]) * t) % 1;
          if (role !== 'intro') s += 0.12 * (4 * Math.abs(phase - 0.5) - 1) * melodyEnv; // lead
          if (beatNo % 2 === 0)
            s +=
              0.5 *
              Math.sin(2 * Math.PI * (60 + 60 * Math.exp(-inBeat / 800)) * (inBeat / SAMPLE_RATE)) *
              Math.exp(-inBeat / 4000); // kick
          if (beatNo % 2 === 1) s += 0.18 * (rand() * 2 - 1) * Math.exp(-inBeat / 2500); // snare
          const hatDecay = role === 'chorus' && eighth % 2 === 1 ? 1800 : 300; // open hats
          s += 0.04 * (rand() * 2 - 1) * Math.exp(-inEighth / hatDecay);
        }
        buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(s * 0.8 * 32767))), n * 2);
      }
      bar++;
      this.push(buf);
    },
  });
}
