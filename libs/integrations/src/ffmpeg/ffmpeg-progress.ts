import { runFfmpeg } from './run-ffmpeg';

type RunOptions = Parameters<typeof runFfmpeg>[1];

/**
 * Runs ffmpeg with `-progress pipe:1` and turns its reports (twice a second: `out_time_us=`,
 * then `progress=continue|end`) into a share of the expected output length, 0..1.
 */
export function runFfmpegWithProgress(
  args: string[],
  opts: Omit<RunOptions, 'onStdout'> & {
    /** the output's expected length, what out_time is measured against */
    durationSec: number;
    onProgress?: (fraction: number) => void;
  },
): Promise<{ stdout: string; stderr: string }> {
  const { onProgress, durationSec, ...run } = opts;
  if (!onProgress) return runFfmpeg(args, run);
  let pending = '';
  let outTimeUs = 0;
  return runFfmpeg(['-progress', 'pipe:1', '-nostats', ...args], {
    ...run,
    onStdout: (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [key, value] = line.trim().split('=');
        // out_time_ms is in microseconds too (an old ffmpeg misnomer)
        if (key === 'out_time_us' || key === 'out_time_ms') {
          const us = Number(value);
          if (Number.isFinite(us) && us >= 0) outTimeUs = us;
        } else if (key === 'progress') {
          const fraction = value === 'end' ? 1 : outTimeUs / 1e6 / Math.max(durationSec, 0.1);
          onProgress(Math.min(1, Math.max(0, fraction)));
        }
      }
    },
  });
}
