import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFfmpeg } from '../ffmpeg/run-ffmpeg';
import { MediaSource, SongBeats } from './song-engine';

const RATE = 11_025;
const HOP = 128;

/**
 * Finds a song's beats from its audio, for songs whose engine does not know them (a
 * provider's): FFmpeg decodes to mono PCM, onsets are the rises of short-time energy, the
 * tempo is the beat period (60-180 bpm) whose comb of onsets scores best, and the phase is
 * where that comb lands on the most onsets. Null when the audio has no clear pulse.
 */
export async function detectBeats(
  audio: MediaSource,
  opts: { timeoutMs: number; workDir?: string; signal?: AbortSignal },
): Promise<SongBeats | null> {
  const raw = join(opts.workDir ?? tmpdir(), `beats-${randomUUID()}.pcm`);
  try {
    await runFfmpeg(
      [
        '-y',
        '-hide_banner',
        '-loglevel',
        'error',
        '-i',
        audio.kind === 'file' ? audio.path : audio.url,
        '-vn',
        '-ac',
        '1',
        '-ar',
        String(RATE),
        '-f',
        's16le',
        raw,
      ],
      { timeoutMs: opts.timeoutMs, signal: opts.signal },
    );
    const pcm = await readFile(raw);
    return beatsFromPcm(
      new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2)),
      RATE,
    );
  } finally {
    await rm(raw, { force: true });
  }
}

/** The beat grid of mono 16-bit samples at `rate` (see detectBeats). */
export function beatsFromPcm(samples: Int16Array, rate: number): SongBeats | null {
  const frames = Math.floor(samples.length / HOP);
  if (frames < 64) return null;
  const hopSec = HOP / rate;
  const energy = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let e = 0;
    for (let n = f * HOP; n < (f + 1) * HOP; n++) e += samples[n] * samples[n];
    energy[f] = Math.log1p(e / HOP);
  }
  // onset strength: how much the energy rises, over its local mean
  const flux = new Float64Array(frames);
  for (let f = 1; f < frames; f++) flux[f] = Math.max(0, energy[f] - energy[f - 1]);
  const mean = flux.reduce((a, b) => a + b, 0) / frames;
  if (mean <= 0) return null;
  const at = (sec: number) => {
    const i = Math.round(sec / hopSec);
    return i >= 0 && i < frames ? flux[i] + 0.5 * (flux[i - 1] ?? 0) + 0.5 * (flux[i + 1] ?? 0) : 0;
  };
  const duration = frames * hopSec;
  const comb = (period: number, phase: number) => {
    let s = 0;
    let k = 0;
    for (let t = phase; t < duration; t += period, k++) s += at(t);
    return k ? s / k : 0;
  };
  let best = { score: 0, period: 0, phase: 0 };
  const search = (from: number, to: number, step: number) => {
    for (let period = from; period <= to; period += step)
      for (let phase = 0; phase < period; phase += hopSec) {
        // a mild preference for 90-130 bpm, where jingles live, against half/double tempo
        const bpm = 60 / period;
        const prior = Math.exp(-((Math.log2(bpm / 110) / 0.9) ** 2));
        const score = comb(period, phase) * (0.8 + 0.2 * prior);
        if (score > best.score) best = { score, period, phase };
      }
  };
  search(60 / 180, 60 / 60, 0.01);
  const coarse = best.period;
  search(coarse - 0.012, coarse + 0.012, 0.0005);
  if (best.score < 2 * mean) return null; // no pulse stands out of the noise
  const times: number[] = [];
  for (let t = best.phase; t < duration; t += best.period) times.push(Number(t.toFixed(3)));
  return { bpm: Number((60 / best.period).toFixed(2)), times, source: 'detected' };
}
