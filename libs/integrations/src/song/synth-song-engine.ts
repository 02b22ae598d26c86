import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '../ffmpeg/run-ffmpeg';
import { Usage } from '../lyrics/lyrics-engine';
import { planJingle, SAMPLE_RATE, synthesizeJingle } from './jingle-synth';
import { SongEngine, SongPoll, SongRequest } from './song-engine';

/**
 * The offline song engine: a synthesized instrumental jingle at a tempo from the mood,
 * 30-60 s, encoded to AAC with FFmpeg, with a start time for each lyric line. Free, so a
 * resubmission after a crash simply renders again (same key, same file).
 */
export class SynthSongEngine extends SongEngine {
  readonly name = 'synth';
  readonly dedupesByKey = true;

  constructor(
    private readonly workDir: string,
    private readonly timeoutMs = 60_000,
  ) {
    super();
  }

  async submit(
    req: SongRequest,
    idempotencyKey: string,
    signal?: AbortSignal,
  ): Promise<{ taskId: string; usage: Usage }> {
    const taskId = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
    const dir = join(this.workDir, 'synth');
    await mkdir(dir, { recursive: true });
    const lines = req.lyrics.sections.reduce((n, s) => n + s.lines.length, 0);
    const plan = planJingle(req.lengthSec, req.mood, lines);
    // two variations, like a provider's two clips: the owner picks one
    for (const v of [1, 2]) {
      const out = join(dir, `${taskId}-${v}.m4a`);
      await runFfmpeg(
        [
          '-y',
          '-hide_banner',
          '-loglevel',
          'error',
          '-f',
          's16le',
          '-ar',
          String(SAMPLE_RATE),
          '-ac',
          '1',
          '-i',
          'pipe:0',
          '-c:a',
          'aac',
          '-b:a',
          '128k',
          '-ac',
          '2',
          `${out}.tmp.m4a`,
        ],
        {
          timeoutMs: this.timeoutMs,
          stdin: synthesizeJingle(plan, parseInt(taskId.slice(0, 8), 16) + v),
          signal,
        },
      );
      await rename(`${out}.tmp.m4a`, out);
    }
    await writeFile(
      join(dir, `${taskId}.json`),
      JSON.stringify({
        durationSec: plan.durationSec,
        lineTimings: plan.lineTimings,
        bpm: plan.bpm,
      }),
    );
    return { taskId, usage: { unit: 'song', units: 0 } };
  }

  async poll(taskId: string): Promise<SongPoll> {
    const dir = join(this.workDir, 'synth');
    const meta = join(dir, `${taskId}.json`);
    if (!existsSync(meta))
      return {
        status: 'failed',
        reason: 'the synthesized jingle is missing (work folder cleared?)',
      };
    const { durationSec, lineTimings } = JSON.parse(await readFile(meta, 'utf8'));
    return {
      status: 'done',
      clips: [1, 2].map((v) => ({
        providerClipId: `synth-${taskId}-${v}`,
        durationSec,
        lineTimings,
        audio: {
          kind: 'file' as const,
          path: join(dir, `${taskId}-${v}.m4a`),
          contentType: 'audio/mp4',
        },
      })),
    };
  }
}
