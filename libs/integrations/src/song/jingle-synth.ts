import { Readable } from 'node:stream';

export const SAMPLE_RATE = 44_100;

const TEMPO: Record<string, number> = { bright: 112, calm: 80, energetic: 128, emotional: 92 };

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
const hz = (midi: number) => 440 * 2 ** ((midi - 69) / 12);

export interface JinglePlan {
  bpm: number;
  bars: number;
  durationSec: number;
  /** start second of each lyric line */
  lineTimings: number[];
}

/** Bars for the length asked (30-60 s), a two-bar intro, lyric lines spread over the body. */
export function planJingle(lengthSec: number, mood: string, lines: number): JinglePlan {
  const bpm = tempoFor(mood);
  const barSec = (4 * 60) / bpm;
  const bars = Math.max(8, Math.round(Math.min(60, Math.max(30, lengthSec)) / barSec));
  const durationSec = bars * barSec;
  const bodyStart = 2 * barSec;
  const bodyEnd = durationSec - barSec; // last bar is the outro
  const per = (bodyEnd - bodyStart) / Math.max(1, lines);
  return {
    bpm,
    bars,
    durationSec,
    lineTimings: Array.from({ length: lines }, (_, i) => Number((bodyStart + i * per).toFixed(3))),
  };
}

/**
 * An instrumental jingle as 16-bit mono PCM: chords, a melody over chord tones, and drums
 * (kick, snare, hats) at the tempo. Produced a bar at a time so a long jingle never holds
 * the event loop for long.
 */
export function synthesizeJingle(plan: JinglePlan, seed: number): Readable {
  const barSec = (4 * 60) / plan.bpm;
  const barSamples = Math.round(barSec * SAMPLE_RATE);
  const beat = barSamples / 4;
  let rng = seed >>> 0 || 1;
  const rand = () => (rng = (rng * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  let bar = 0;
  return new Readable({
    read() {
      if (bar >= plan.bars) return this.push(null);
      const chord = PROGRESSION[bar % 4];
      const melody = Array.from({ length: 8 }, () => chord[Math.floor(rand() * 3)] + 24);
      const buf = Buffer.alloc(barSamples * 2);
      const outro = bar === plan.bars - 1;
      for (let n = 0; n < barSamples; n++) {
        const t = n / SAMPLE_RATE;
        const inBeat = n % beat;
        const beatNo = Math.floor(n / beat);
        let s = 0;
        for (const note of chord)
          s += 0.08 * Math.sin(2 * Math.PI * hz(note) * t) * (outro ? 1 - n / barSamples : 1);
        const eighth = Math.floor(n / (beat / 2));
        const inEighth = n % (beat / 2);
        const melodyEnv = Math.exp(-inEighth / (SAMPLE_RATE * 0.15));
        const phase = (hz(melody[eighth]) * t) % 1;
        if (bar >= 2 && !outro) s += 0.12 * (4 * Math.abs(phase - 0.5) - 1) * melodyEnv; // triangle lead
        if (beatNo % 2 === 0)
          s +=
            0.5 *
            Math.sin(2 * Math.PI * (60 + 60 * Math.exp(-inBeat / 800)) * (inBeat / SAMPLE_RATE)) *
            Math.exp(-inBeat / 4000); // kick
        if (beatNo % 2 === 1) s += 0.18 * (rand() * 2 - 1) * Math.exp(-inBeat / 2500); // snare
        s += 0.04 * (rand() * 2 - 1) * Math.exp(-inEighth / 300); // hats
        buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(s * 0.8 * 32767))), n * 2);
      }
      bar++;
      this.push(buf);
    },
  });
}
