import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithServers } from '../harness/binaries';
import { StagedStack } from '../harness/staged-stack';
import { waitFor } from '../harness/ports';

jest.setTimeout(300_000);

const DEDUPES = {
  SUNO_DEDUPES_IDEMPOTENCY_KEY: 'true',
  CREATOMATE_DEDUPES_IDEMPOTENCY_KEY: 'true',
};

/**
 * The scheduler's faults on real MariaDB with the fake providers, at the production lease
 * lengths (SCHEDULER_LEASE_MS 4 s, PIPELINE_LEASE_MS 30 s): a restarted leader, a leader that
 * dies beside a standby, and work held by a dead worker.
 */
describeWithServers(
  ['mariadbd', 'mariadb-install-db', 'ffmpeg'],
  'scheduler faults at production lease lengths',
  () => {
    const stack = new StagedStack({ PIPELINE_LEASE_MS: '30000', SCHEDULER_LEASE_MS: '4000' });
    beforeAll(() => stack.start());
    afterAll(() => stack.destroy());

    /** ms from now until one of the schedulers on these health ports leads */
    const untilLeader = async (healthPorts: number[], timeoutMs = 30_000) => {
      const started = Date.now();
      await waitFor(
        'a leader',
        async () => (await Promise.all(healthPorts.map((p) => stack.isLeader(p)))).some(Boolean),
        timeoutMs,
        50,
      );
      return Date.now() - started;
    };

    /** the longest time any of these projects went without an event, in ms */
    const longestStall = async (ids: string[]) => {
      const rows = await stack.db.primary.query<{ project_id: string; at: Date }[]>(
        `SELECT project_id, at FROM castad.project_events WHERE project_id IN (${ids.map(() => '?').join(',')}) ORDER BY project_id, at`,
        ids,
      );
      let worst = 0;
      for (let i = 1; i < rows.length; i++)
        if (rows[i].project_id === rows[i - 1].project_id)
          worst = Math.max(
            worst,
            new Date(rows[i].at).getTime() - new Date(rows[i - 1].at).getTime(),
          );
      return worst;
    };

    it('a leader killed -9 and restarted on the same host leads again at once and picks up its steps: no stall, no double payment', async () => {
      stack.suno.knobs.latencyMs = 300;
      stack.creatomate.knobs.latencyMs = 300;
      let { proc, healthPort } = await stack.startScheduler(DEDUPES, { defaultIdentity: true });
      try {
        await untilLeader([healthPort]);
        const ids = await stack.createProjects(10);
        await stack.waitAll(ids, (s) => s !== 'DRAFT', 30_000);
        const killedAt = Date.now();
        proc.signal('SIGKILL');
        await proc.exitCode();
        ({ proc, healthPort } = await stack.startScheduler(DEDUPES, { defaultIdentity: true }));
        await untilLeader([healthPort]);
        // from the kill: the new process's start-up plus taking the lease back
        expect(Date.now() - killedAt).toBeLessThan(5000);
        const log = readFileSync(join(stack.dir, `scheduler-${2}.log`), 'utf8');
        // its lease taken back (a start-up inside the 4 s lease) or found expired (a start-up
        // slower than it on a busy machine): either way its dead predecessor's runs are freed
        expect(log).toMatch(
          /took the lease back from \S+, this process before a restart|runs claimed by \S+, dead before this start, released/,
        );
        const final = await stack.waitAll(ids, (s) => s === 'DONE' || s === 'FAILED', 120_000);
        expect(Object.values(final).map((x) => x.state)).toEqual(ids.map(() => 'DONE'));
        expect(stack.paidCounts(ids)).toEqual(
          Object.fromEntries(ids.map((id) => [id, { song: 1, video: 1 }])),
        );
        // its claimed steps were released at the takeover, not after PIPELINE_LEASE_MS (30 s)
        expect(await longestStall(ids)).toBeLessThan(15_000);
      } finally {
        // stopped even when a check failed: a scheduler left leading would fail the next tests
        await proc.stop();
        stack.suno.knobs.latencyMs = 0;
        stack.creatomate.knobs.latencyMs = 0;
      }
    });

    it("a restart slower than the leader lease frees its dead predecessor's claims within 5 s of leading", async () => {
      // submissions in flight when the leader dies: their claims (30 s leases) are the dead pid's;
      // the calls answer in 2 s, well inside the provider timeout (the stack's 2 s would make
      // every one of them a lost answer on a busy machine, and the steps run out of attempts)
      stack.suno.knobs.latencyMs = 2000;
      stack.creatomate.knobs.latencyMs = 2000;
      const env = { ...DEDUPES, PROVIDER_TIMEOUT_MS: '15000' };
      let next: Awaited<ReturnType<typeof stack.startScheduler>> | undefined;
      try {
        const first = await stack.startScheduler(env, { defaultIdentity: true });
        await untilLeader([first.healthPort]);
        const ids = await stack.createProjects(6);
        await stack.waitAll(ids, (s) => s !== 'DRAFT' && s !== 'STORE_READY', 30_000);
        const claimedBy = async () =>
          stack.db.primary.query<{ owner: string }[]>(
            `SELECT DISTINCT SUBSTRING_INDEX(lease_owner, ':', 1) AS owner FROM castad.projects WHERE lease_until IS NOT NULL AND id IN (${ids.map(() => '?').join(',')})`,
            ids,
          );
        await waitFor('steps claimed', async () => (await claimedBy()).length > 0, 10_000, 50);
        first.proc.signal('SIGKILL');
        await first.proc.exitCode();
        const [{ owner: dead }] = await claimedBy();
        // slower than the 4 s leader lease: the lease has expired, no take-over happens
        await new Promise((r) => setTimeout(r, 5000));
        next = await stack.startScheduler(env, { defaultIdentity: true });
        await untilLeader([next.healthPort]);
        const ledAt = Date.now();
        await waitFor(
          "the dead predecessor's claims released",
          async () => !(await claimedBy()).some((c) => c.owner === dead),
          10_000,
          50,
        );
        expect(Date.now() - ledAt).toBeLessThan(5000);
        stack.suno.knobs.latencyMs = 0;
        stack.creatomate.knobs.latencyMs = 0;
        const final = await stack.waitAll(ids, (s) => s === 'DONE' || s === 'FAILED', 120_000);
        expect(Object.values(final).map((x) => x.state)).toEqual(ids.map(() => 'DONE'));
      } finally {
        // stopped even when a check failed: a scheduler left leading would fail the next tests
        await next?.proc.stop();
        stack.suno.knobs.latencyMs = 0;
        stack.creatomate.knobs.latencyMs = 0;
      }
    });

    it('a standby takes over within 5 s of the leader dying', async () => {
      const a = await stack.startScheduler(DEDUPES);
      await untilLeader([a.healthPort]);
      const b = await stack.startScheduler(DEDUPES);
      expect(await stack.isLeader(b.healthPort)).toBe(false);
      const ids = await stack.createProjects(5);
      a.proc.signal('SIGKILL');
      await a.proc.exitCode();
      expect(await untilLeader([b.healthPort], 10_000)).toBeLessThan(5000);
      // the dead leader's claims (another identity) come back when their leases run out: within 30 s
      const final = await stack.waitAll(ids, (s) => s === 'DONE' || s === 'FAILED', 120_000);
      expect(Object.values(final).map((x) => x.state)).toEqual(ids.map(() => 'DONE'));
      expect(stack.paidCounts(ids)).toEqual(
        Object.fromEntries(ids.map((id) => [id, { song: 1, video: 1 }])),
      );
      expect(await longestStall(ids)).toBeLessThan(30_000 + 5000);
      await b.proc.stop();
    });

    it('keeps a live render that outlasts its lease: the heartbeat holds it, nothing runs twice', async () => {
      // a 2 s lease and a local FFmpeg render of several seconds
      // the song the render reads: a real MP3 (the fake's default bytes are a stand-in)
      stack.suno.audioBytes = execFileSync('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:duration=20',
        '-f',
        'mp3',
        'pipe:1',
      ]);
      stack.suno.clipSeconds = 20;
      const live = await stack.startScheduler({
        ...DEDUPES,
        VIDEO_ENGINE: 'ffmpeg',
        PIPELINE_LEASE_MS: '2000',
      });
      const [slow] = await stack.createProjects(1);
      await stack.waitAll([slow], (s) => s === 'DONE' || s === 'FAILED', 180_000);
      expect(await stack.states([slow])).toEqual({ [slow]: { state: 'DONE', lastError: null } });
      // the scheduler's own count of step runs: one render, none cut short by a lost lease
      const metrics = await (await fetch(`http://127.0.0.1:${live.healthPort}/metrics`)).text();
      const runs = (outcome: string) =>
        Number(
          metrics.match(
            new RegExp(
              `castad_pipeline_step_duration_seconds_count\\{step="submit_video",provider="video",outcome="${outcome}"\\} (\\d+)`,
            ),
          )?.[1] ?? 0,
        );
      expect({ advanced: runs('advanced'), lost: runs('lost-lease') }).toEqual({
        advanced: 1,
        lost: 0,
      });
      expect(
        readFileSync(join(stack.dir, `scheduler-${stack.schedulers.length}.log`), 'utf8'),
      ).not.toMatch(/lease taken over/);
      await live.proc.stop();
    });

    it("takes a dead worker's render back within the step lease and finishes it, once", async () => {
      // the real MP3 set by the test above; a render of several seconds at the default lease (30 s)
      const worker = await stack.startScheduler({ ...DEDUPES, VIDEO_ENGINE: 'ffmpeg' });
      const [id] = await stack.createProjects(1);
      // killed while FFmpeg renders (the step holds its lease; nobody releases it)
      await waitFor(
        'the render to start',
        async () =>
          (await stack.states([id]))[id].state === 'SONG_READY' &&
          execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes('video.mp4.tmp.mp4'),
        120_000,
        100,
      );
      const killedAt = Date.now();
      worker.proc.signal('SIGKILL');
      await worker.proc.exitCode();
      // another scheduler (another identity: no predecessor to recognise) leads and waits out the lease
      const standby = await stack.startScheduler({ ...DEDUPES, VIDEO_ENGINE: 'ffmpeg' });
      await stack.waitAll([id], (s) => s === 'DONE' || s === 'FAILED', 180_000);
      expect(await stack.states([id])).toEqual({ [id]: { state: 'DONE', lastError: null } });
      const [{ at }] = await stack.db.primary.query<{ at: Date }[]>(
        "SELECT at FROM castad.project_events WHERE project_id = ? AND to_state = 'VIDEO_SUBMITTED'",
        [id],
      );
      // claimed again within the lease (30 s) plus a tick, then rendered anew
      expect(new Date(at).getTime() - killedAt).toBeLessThan(30_000 + 30_000);
      expect(stack.paidCounts([id])).toEqual({ [id]: { song: 1, video: 0 } });
      await standby.proc.stop();
    });
  },
);
