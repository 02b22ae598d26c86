/*
 * bench:render-scale — renders per minute through the stage 3 deployment (scheduler, Bull on
 * Redis, MariaDB, Azurite, FFmpeg renders handed over through the blob store) with one render
 * worker pinned to one core, against two workers pinned to one core each, in the same run
 * (goal: two workers >= 1.8x the renders per minute of one). Each phase renders the same number
 * of 15 s 1080x1920 projects (title cards, a sung-less song), queued while the video queue is
 * paused, then timed from its resumption to the last project DONE. The scheduler leaves the
 * video queue to the workers. BENCH_RENDERS sets the renders per phase (default 6).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import Queue from 'bull';
import { stepQueueName } from '@app/domain';
import type { AppProcess } from '../test/harness/app-process';
import { bullStage3Env, RedisServer } from '../test/harness/redis';
import { StagedStack } from '../test/harness/staged-stack';
import { waitFor } from '../test/harness/ports';
import { report } from './common';

const RENDERS = Number(process.env.BENCH_RENDERS ?? 6);
const LENGTH_SEC = 15;

/** CPU seconds of a process and of the children it waited for (its FFmpeg runs), from /proc */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return [11, 12, 13, 14].reduce((s, i) => s + Number(f[i]), 0) / 100;
}

interface Phase {
  workers: number;
  renders: number;
  seconds: number;
  rendersPerMinute: number;
  /** the workers' CPU (theirs and their FFmpeg runs') per render */
  cpuSecPerRender: number;
}

async function phase(stack: StagedStack, video: Queue.Queue, cores: number[]): Promise<Phase> {
  await video.pause();
  const workers: AppProcess[] = [];
  try {
    for (const core of cores) {
      const { proc } = await stack.startWorker({ WORK_QUEUES: 'video', WORK_CONCURRENCY: '1' });
      // the worker and every FFmpeg it starts run on this core only
      execFileSync('taskset', ['-a', '-cp', String(core), String(proc.child!.pid)]);
      workers.push(proc);
    }
    const ids = await stack.createProjects(RENDERS);
    // the songs made (the scheduler's work); the renders queued behind the pause
    await stack.waitAll(ids, (s) => s === 'SONG_READY', 300_000);
    const cpu0 = workers.map((w) => cpuSeconds(w.child!.pid!));
    const t0 = Date.now();
    await video.resume();
    const final = await stack.waitAll(ids, (s) => s === 'DONE' || s === 'FAILED', 900_000);
    const seconds = (Date.now() - t0) / 1000;
    const failed = Object.values(final).filter((x) => x.state !== 'DONE');
    if (failed.length) throw new Error(`renders failed: ${JSON.stringify(failed)}`);
    const cpu = workers.reduce((s, w, i) => s + cpuSeconds(w.child!.pid!) - cpu0[i], 0);
    return {
      workers: cores.length,
      renders: RENDERS,
      seconds: Number(seconds.toFixed(1)),
      rendersPerMinute: Number(((RENDERS * 60) / seconds).toFixed(2)),
      cpuSecPerRender: Number((cpu / RENDERS).toFixed(1)),
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

async function main(): Promise<void> {
  const redis = new RedisServer();
  await redis.start();
  const env = {
    ...bullStage3Env(redis.url),
    VIDEO_ENGINE: 'ffmpeg',
    SUNO_DEDUPES_IDEMPOTENCY_KEY: 'true',
    PROVIDER_TIMEOUT_MS: '10000',
    // jobs queued behind the pause keep their claims until it ends
    PIPELINE_LEASE_MS: '600000',
    PIPELINE_CONCURRENCY_VIDEO: '4',
    PROJECTS_PER_DAY: '100000',
    LOG_LEVEL: 'warn',
  };
  const stack = new StagedStack(env);
  const video = new Queue(stepQueueName('video'), redis.url);
  // a reconnect as Redis stops at the end is no failure of the bench
  video.on('error', () => undefined);
  try {
    await stack.start();
    stack.suno.audioBytes = execFileSync('ffmpeg', [
      ...['-v', 'error', '-f', 'lavfi', '-i', `sine=frequency=440:duration=${LENGTH_SEC}`],
      ...['-f', 'mp3', 'pipe:1'],
    ]);
    stack.suno.clipSeconds = LENGTH_SEC;
    // the scheduler makes the songs and leaves the renders to the workers
    await stack.startScheduler({ WORK_QUEUES: 'store,lyrics,song,publish' });
    await waitFor('the video queue', async () => (await video.isReady(), true), 10_000, 100);
    const loadBefore = loadavg()[0];
    const one = await phase(stack, video, [0]);
    const two = await phase(stack, video, [0, 1]);
    const ratio = Number((two.rendersPerMinute / one.rendersPerMinute).toFixed(2));
    const busy = loadBefore > cpus().length * 0.75;
    report('render-scale', [one, two], {
      goal: '2 render workers (one core each) >= 1.8x the renders per minute of 1',
      met: ratio >= 1.8,
      headline:
        `${RENDERS} renders of a ${LENGTH_SEC} s 1080x1920 video per phase through Bull workers: ` +
        `1 worker ${one.rendersPerMinute}/min, 2 workers ${two.rendersPerMinute}/min = ${ratio}x ` +
        `(CPU per render ${one.cpuSecPerRender} / ${two.cpuSecPerRender} s)` +
        (busy ? `, measured under load (load average ${loadBefore.toFixed(1)})` : ''),
      ratio,
      loadAverage: Number(loadBefore.toFixed(2)),
      cores: cpus().length,
      conditions: busy
        ? `MEASURED UNDER LOAD: load average ${loadBefore.toFixed(1)} on ${cpus().length} cores: the workers' cores are shared with other work, so the second worker's core is not its own`
        : 'measured on a quiet machine',
    });
  } finally {
    await video.close().catch(() => undefined);
    await stack.destroy();
    await redis.destroy();
  }
}

void main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
