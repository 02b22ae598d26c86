import { runFfmpeg } from '../ffmpeg/run-ffmpeg';

/**
 * The loudness Shorts, Reels and TikTok play at (EBU R128 integrated, LUFS) and the true peak
 * a video's sound may reach: a quieter video sounds weak beside every other one, a louder one
 * is turned down by the platform and a peak above -1 dBTP clips once re-encoded. The peak is
 * aimed lower than the limit: the AAC encode after it overshoots by up to about 1 dB.
 */
export const LOUDNESS = { integratedLufs: -14, truePeakDbtp: -1, aimedPeakDbtp: -2.5 } as const;

/** What loudnorm's first pass measured of the song as the video plays it. */
export interface SongLoudness {
  input_i: string;
  input_tp: string;
  input_lra: string;
  input_thresh: string;
  target_offset: string;
}

const num = (x: number) => x.toFixed(3);

/** The song as the video plays it: 48 kHz, padded or cut to `D` s, faded out over its end. */
function songAsPlayed(D: number): string {
  return (
    `aresample=48000,apad,atrim=0:${num(D)},asetpts=N/SR/TB,` +
    `afade=t=out:st=${num(D - 0.6)}:d=0.6`
  );
}

const loudnormTarget = () =>
  `loudnorm=I=${LOUDNESS.integratedLufs}:TP=${LOUDNESS.aimedPeakDbtp}:LRA=11`;

/**
 * loudnorm's first pass over the song alone (a few hundred ms of CPU: the song is decoded,
 * not the video), so the render's single pass normalises with the song's own measure.
 * Null when FFmpeg printed no measure: the render then normalises in one pass.
 */
export async function measureSongLoudness(
  audioPath: string,
  D: number,
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<SongLoudness | null> {
  const { stderr } = await runFfmpeg(
    [
      '-hide_banner',
      '-nostats',
      '-i',
      audioPath,
      '-vn',
      '-af',
      `${songAsPlayed(D)},${loudnormTarget()}:print_format=json`,
      '-f',
      'null',
      '-',
    ],
    opts,
  );
  const json = /\{[^{}]*"input_i"[^{}]*\}/.exec(stderr)?.[0];
  if (!json) return null;
  const m = JSON.parse(json) as SongLoudness;
  // silence measures as -inf: nothing to normalise against
  return [m.input_i, m.input_tp, m.input_thresh].every((v) => Number.isFinite(Number(v)))
    ? m
    : null;
}

/**
 * The sound track `[aout]` from input `audioIndex`: the song as played, normalised to the
 * platforms' loudness with the first pass's measure (loudnorm's second pass: linear when the
 * song's peaks allow it, else its true-peak limiter), back at 48 kHz.
 */
export function soundTrack(audioIndex: number, D: number, measured: SongLoudness | null): string {
  const second = measured
    ? `:measured_I=${measured.input_i}:measured_TP=${measured.input_tp}` +
      `:measured_LRA=${measured.input_lra}:measured_thresh=${measured.input_thresh}` +
      `:offset=${measured.target_offset}:linear=true`
    : '';
  return `[${audioIndex}:a]${songAsPlayed(D)},${loudnormTarget()}${second},aresample=48000[aout]`;
}
