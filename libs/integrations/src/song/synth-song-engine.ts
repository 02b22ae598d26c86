import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '../ffmpeg/run-ffmpeg';
import { Usage } from '../lyrics/lyrics-engine';
import { planJingle, SAMPLE_RATE, synthesizeJingle, withChorusBars } from './jingle-synth';
import { SongBeats, SongEngine, SongPoll, SongRequest } from './song-engine';

interface SynthMeta {
  durationSec: number;
  lineTimings: number[];
  beats: SongBeats;
}

/**
 * The offline song engine: a synthesized instrumental jingle at a tempo from the mood,
 * composed to exactly the length asked (with an ending), encoded to AAC with FFmpeg, with a
 * start time for each lyric line and every beat. Free, so a
 * resubmission after a crash simply renders again (same key, same file).
 */
export class SynthSongEngine extends SongEngine {
  readonly name = 'synth';
  readonly readyWhenSubmitted = true;
  readonly dedupesByKey = true;

  constructor(
    private readonly workDir: string,
    /** catches a hung FFmpeg, not a busy machine: the apps pass FFMPEG_TIMEOUT_MS */
    private readonly timeoutMs = 600_000,
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
    try {
      await this.synthesize(dir, taskId, req, signal);
    } catch (err) {
      // a failed or stopped synthesis leaves nothing behind
      await this.discard(taskId);
      throw err;
    }
    return { taskId, usage: this.recoveredUsage() };
  }

  /** Ours: free. */
  recoveredUsage(): Usage {
    return { unit: 'song', units: 0 };
  }

  /** The jingle's files go once its clips are stored (or the song given up on). */
  override async discard(taskId: string): Promise<void> {
    if (!/^[0-9a-f]{32}$/.test(taskId)) return;
    const dir = join(this.workDir, 'synth');
    for (const name of [
      `${taskId}.json`,
      ...[1, 2].flatMap((v) => [`${taskId}-${v}.m4a`, `${taskId}-${v}.m4a.tmp.m4a`]),
    ])
      await rm(join(dir, name), { force: true });
  }

  private async synthesize(
    dir: string,
    taskId: string,
    req: SongRequest,
    signal?: AbortSignal,
  ): Promise<void> {
    const sectionLines = req.lyrics.sections.map((s) => s.lines.length);
    const plan = withChorusBars(
      planJingle(req.lengthSec, req.mood, sectionLines),
      req.lyrics.sections.map((s) => s.name),
      sectionLines,
    );
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
          '-aac_coder',
          'fast',
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
        beats: { bpm: plan.bpm, times: plan.beatTimes, source: 'composed' },
      } satisfies SynthMeta),
    );
  }

  async poll(taskId: string): Promise<SongPoll> {
    const dir = join(this.workDir, 'synth');
    const meta = join(dir, `${taskId}.json`);
    if (!existsSync(meta))
      return {
        status: 'failed',
        reason: 'the synthesized jingle is missing (work folder cleared?)',
      };
    const { durationSec, lineTimings, beats }: SynthMeta = JSON.parse(await readFile(meta, 'utf8'));
    return {
      status: 'done',
      clips: [1, 2].map((v) => ({
        providerClipId: `synth-${taskId}-${v}`,
        durationSec,
        lineTimings,
        beats,
        // an instrumental: nobody sings the lyrics, so no caption follows a voice
        vocals: false,
        audio: {
          kind: 'file' as const,
          path: join(dir, `${taskId}-${v}.m4a`),
          contentType: 'audio/mp4',
        },
      })),
    };
  }
}
