import type { AppProcess } from '../harness/app-process';
import { StagedStack } from '../harness/staged-stack';
import { waitFor } from '../harness/ports';
import { fakeEnv } from '../fakes/env';

/** the kill loop's SIGKILLs of the scheduler */
const KILLS = 15;

/**
 * What every step dispatcher (in-process, Bull) promises, run against each: crashes, a second
 * scheduler and failing providers never pay a step twice, never lose a project, and every
 * transition happens once. `env` adds the driver's settings to each scheduler started.
 */
export function dispatcherContract(stack: StagedStack, env: () => Record<string, string>): void {
  // these fakes, like providers that honour Idempotency-Key, let a crashed submission be resent safely
  const dedupes = () => ({
    SUNO_DEDUPES_IDEMPOTENCY_KEY: 'true',
    CREATOMATE_DEDUPES_IDEMPOTENCY_KEY: 'true',
    ...env(),
  });

  it('survives the scheduler being SIGKILLed over and over: every project DONE, each paid step paid once, each paid call metered once', async () => {
    // providers as documented: no deduplication by key, a callback the only trace of a lost
    // answer; the lyrics from OpenAI; every call slow enough to be in flight at a kill
    const fakes = [stack.suno, stack.creatomate, stack.openai];
    const asDocumented = () => ({
      ...fakeEnv.openai(stack.openai),
      SUBMISSION_RECOVERY_MS: '5000',
      ...env(),
    });
    stack.suno.honoursIdempotencyKey = false;
    stack.creatomate.honoursIdempotencyKey = false;
    for (const fake of fakes) fake.knobs.latencyMs = 250;
    let proc: AppProcess | undefined;
    try {
      const ids = await stack.createProjects(10);
      ({ proc } = await stack.startScheduler(asDocumented()));
      // kill at random moments: between steps, mid-step, between a submission and storing its answer
      for (let kill = 0; kill < KILLS; kill++) {
        await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 900)));
        proc.signal('SIGKILL');
        await proc.exitCode();
        ({ proc } = await stack.startScheduler(asDocumented()));
      }
      for (const fake of fakes) fake.knobs.latencyMs = 0;
      const final = await stack.waitAll(ids, (s) => s === 'DONE' || s === 'FAILED', 180_000);
      // a project that failed says why
      expect(
        Object.values(final).map((x) =>
          x.state === 'DONE' ? x.state : `${x.state}: ${x.lastError}`,
        ),
      ).toEqual(ids.map(() => 'DONE'));
      expect(stack.paidCounts(ids)).toEqual(
        Object.fromEntries(ids.map((id) => [id, { song: 1, video: 1 }])),
      );
      // every lyrics call OpenAI received has its usage row (an answer lost to a kill: estimated);
      // a kill after a row was written but before its call left leaves one row more, an estimate
      // never settled (we cannot tell it from a call whose answer was lost, so it stays counted):
      // at most one per kill, as a project has one lyrics call in flight at a time
      for (const [id, c] of Object.entries(await stack.lyricsCalls(ids)))
        expect([
          id,
          c.received > 0,
          c.rows >= c.received && c.rows - c.received <= KILLS,
          c.settled <= c.received,
        ]).toEqual([id, true, true, true]);
      // and the results were copied into blob storage
      const videos = await stack.db.primary.query<{ n: number }[]>(
        `SELECT COUNT(*) AS n FROM castad.videos WHERE project_id IN (${ids.map(() => '?').join(',')})`,
        ids,
      );
      expect(Number(videos[0].n)).toBe(ids.length);
    } finally {
      // stopped even when an expectation failed: the next test starts its own schedulers
      await proc?.stop();
      for (const fake of fakes) fake.knobs.latencyMs = 0;
      stack.suno.honoursIdempotencyKey = true;
      stack.creatomate.honoursIdempotencyKey = true;
    }
  });

  it('runs each step once with two schedulers, and the standby takes over when the leader dies', async () => {
    // the leader dies mid-step: a submission it may have sent is resent under the same key
    const a = await stack.startScheduler(dedupes());
    const b = await stack.startScheduler(dedupes());
    const leaderOf = async () => {
      const [la, lb] = await Promise.all([
        stack.isLeader(a.healthPort),
        stack.isLeader(b.healthPort),
      ]);
      return la && !lb ? a : lb && !la ? b : undefined;
    };
    const leader = await waitFor('one leader', leaderOf, 10_000, 100);
    const ids = await stack.createProjects(6);
    await new Promise((r) => setTimeout(r, 700));
    leader.proc.signal('SIGKILL');
    const killedAt = Date.now();
    const standby = leader === a ? b : a;
    await waitFor('the standby to lead', () => stack.isLeader(standby.healthPort), 10_000, 100);
    expect(Date.now() - killedAt).toBeLessThan(2000 + 1500); // the lease (2 s) plus a renewal tick
    await stack.waitAll(ids, (s) => s === 'DONE', 120_000);
    expect(stack.paidCounts(ids)).toEqual(
      Object.fromEntries(ids.map((id) => [id, { song: 1, video: 1 }])),
    );
    // every transition happened exactly once
    const events = await stack.db.primary.query<
      { project_id: string; to_state: string; n: number }[]
    >(
      `SELECT project_id, to_state, COUNT(*) AS n FROM castad.project_events WHERE project_id IN (${ids.map(() => '?').join(',')}) AND step IS NOT NULL AND percent IS NULL GROUP BY project_id, to_state HAVING COUNT(*) > 1`,
      ids,
    );
    expect(events).toEqual([]);
    await standby.proc.stop();
  });

  it('ends every project DONE or FAILED with a reason when the providers fail 30% of calls', async () => {
    for (const fake of [stack.suno, stack.creatomate])
      fake.knobs.chaos = { rate: 0.3, kinds: ['5xx', '429', 'timeout'], slowMs: 2500 };
    try {
      const { proc } = await stack.startScheduler({
        PIPELINE_MAX_ATTEMPTS: '6',
        SUBMISSION_RECOVERY_MS: '5000',
        ...env(),
      });
      const ids = await stack.createProjects(8);
      const final = await stack.waitAll(ids, (s) => s === 'DONE' || s === 'FAILED', 180_000);
      for (const [id, s] of Object.entries(final)) {
        if (s.state === 'FAILED')
          expect([id, typeof s.lastError === 'string' && s.lastError.length > 10]).toEqual([
            id,
            true,
          ]);
      }
      expect(Object.values(final).filter((s) => s.state === 'DONE').length).toBeGreaterThan(0);
      // no project paid a step twice, even when a submission timed out after the provider took it
      for (const [id, c] of Object.entries(stack.paidCounts(ids)))
        expect([id, c.song <= 1, c.video <= 1]).toEqual([id, true, true]);
      expect(
        (stack.suno.calls.get('chaos 503') ?? 0) +
          (stack.suno.calls.get('chaos 5xx') ?? 0) +
          (stack.creatomate.calls.get('chaos 5xx') ?? 0),
      ).toBeGreaterThan(0);
      await proc.stop();
    } finally {
      for (const fake of [stack.suno, stack.creatomate]) fake.knobs.chaos = undefined;
    }
  });
}
