import { execFileSync } from 'node:child_process';
import { describeWithServers } from '../harness/binaries';
import type { AppProcess } from '../harness/app-process';
import { waitFor } from '../harness/ports';
import { bullStage3Env, RedisServer } from '../harness/redis';
import { StagedStack } from '../harness/staged-stack';

jest.setTimeout(400_000);

/** the process rendering now (the parent of an FFmpeg writing a video), if any */
function renderingPid(): number | undefined {
  const ps = execFileSync('ps', ['-eo', 'ppid=,args='], { encoding: 'utf8' });
  const line = ps.split('\n').find((l) => l.includes('video.mp4.tmp.mp4'));
  return line ? Number(line.trim().split(/\s+/)[0]) : undefined;
}

/** a counter of a process's /metrics, by its labels as written there */
async function counter(healthPort: number, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return Number(line?.split(' ').pop() ?? 0);
}

/**
 * Stage 3's render hosts: the scheduler app started as Bull workers of the video queue
 * (`--worker`), sharing Redis, MariaDB and the blob store (Azurite) with the one scheduler,
 * which leaves renders to them. A render hands its files to whichever worker polls it through
 * the blob store.
 */
describeWithServers(
  ['mariadbd', 'mariadb-install-db', 'redis-server', 'ffmpeg', 'ffprobe'],
  'render workers on a real Redis and MariaDB',
  () => {
    const redis = new RedisServer();
    const stack = new StagedStack();
    const bull = () => ({
      ...bullStage3Env(redis.url),
      VIDEO_ENGINE: 'ffmpeg',
      SUNO_DEDUPES_IDEMPOTENCY_KEY: 'true',
      PROVIDER_TIMEOUT_MS: '10000',
    });
    const procs: AppProcess[] = [];
    /** the workers alive after the first test */
    let alive: { proc: AppProcess; healthPort: number }[] = [];
    const worker = async () => {
      const w = await stack.startWorker({ ...bull(), WORK_QUEUES: 'video', WORK_CONCURRENCY: '1' });
      procs.push(w.proc);
      return w;
    };

    beforeAll(async () => {
      await redis.start();
      await stack.start();
      // the song the renders read: a real MP3 (the fake's default bytes are a stand-in)
      stack.suno.audioBytes = execFileSync('ffmpeg', [
        ...['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=15'],
        ...['-f', 'mp3', 'pipe:1'],
      ]);
      stack.suno.clipSeconds = 15;
    });
    afterAll(async () => {
      await Promise.all(procs.map((p) => p.stop()));
      await stack.destroy();
      await redis.destroy();
    });

    it('renders on two workers; one killed mid-render: every project DONE with one video, rendered and paid once', async () => {
      const scheduler = await stack.startScheduler({
        ...bull(),
        // renders are the workers' work
        WORK_QUEUES: 'store,lyrics,song,publish',
      });
      procs.push(scheduler.proc);
      const [w1, w2] = [await worker(), await worker()];
      const ids = await stack.createProjects(4);
      // a worker killed while its FFmpeg renders (its lease is heartbeated; nobody releases it)
      const victim = await waitFor(
        'a worker to render',
        async () => [w1, w2].find((w) => w.proc.child?.pid === renderingPid()),
        180_000,
        100,
      );
      victim.proc.signal('SIGKILL');
      await victim.proc.exitCode();
      const survivor = victim === w1 ? w2 : w1;
      alive = [survivor];

      const final = await stack.waitAll(ids, (s) => s === 'DONE' || s === 'FAILED', 300_000);
      expect(Object.values(final).map((x) => `${x.state} ${x.lastError ?? ''}`.trim())).toEqual(
        ids.map(() => 'DONE'),
      );
      const inList = ids.map(() => '?').join(',');
      // one video per project, at the project's own key
      const videos = await stack.db.primary.query<{ project_id: string; blob_key: string }[]>(
        `SELECT project_id, blob_key FROM castad.videos WHERE project_id IN (${inList})`,
        ids,
      );
      expect(videos.map((v) => v.project_id).sort()).toEqual([...ids].sort());
      for (const v of videos) expect(v.blob_key).toBe(`projects/${v.project_id}/video.mp4`);
      // each render metered once (the one taken over was sent under the same key)
      const metered = await stack.db.primary.query<{ project_id: string; n: number }[]>(
        `SELECT project_id, COUNT(*) AS n FROM castad.usage_records WHERE provider = 'ffmpeg' AND project_id IN (${inList}) GROUP BY project_id`,
        ids,
      );
      expect(Object.fromEntries(metered.map((m) => [m.project_id, Number(m.n)]))).toEqual(
        Object.fromEntries(ids.map((id) => [id, 1])),
      );
      // renders ran on the workers only, and the survivor took over the killed one's
      const renders = (port: number) =>
        counter(
          port,
          'castad_pipeline_step_duration_seconds_count',
          'step="submit_video",provider="video",outcome="advanced"',
        );
      expect(await renders(scheduler.healthPort)).toBe(0);
      expect(await renders(survivor.healthPort)).toBeGreaterThan(0);
      // a worker reports itself as one, and never leads
      const ready = await (
        await fetch(`http://127.0.0.1:${survivor.healthPort}/health/ready`)
      ).json();
      expect(ready).toMatchObject({ status: 'ok', role: 'worker', leader: false });
    });

    it('stops a worker cleanly mid-render: its project goes back at once and another worker renders it', async () => {
      const workers = [...alive, await worker()];
      const rendered = (w: { healthPort: number }) =>
        counter(
          w.healthPort,
          'castad_pipeline_step_duration_seconds_count',
          'step="submit_video",provider="video",outcome="advanced"',
        );
      const before = await Promise.all(workers.map(rendered));
      const [id] = await stack.createProjects(1);
      const rendering = await waitFor(
        'a worker to render',
        async () => workers.find((w) => w.proc.child?.pid === renderingPid()),
        180_000,
        100,
      );
      await rendering.proc.stop();
      const other = workers.find((w) => w !== rendering)!;
      await stack.waitAll([id], (s) => s === 'DONE' || s === 'FAILED', 300_000);
      expect(await stack.states([id])).toEqual({ [id]: { state: 'DONE', lastError: null } });
      expect(rendering.proc.tail(400)).toMatch(/stopped by shutdown; released for the next run/);
      // rendered by the other worker
      expect(await rendered(other)).toBe(before[workers.indexOf(other)] + 1);
    });
  },
);
