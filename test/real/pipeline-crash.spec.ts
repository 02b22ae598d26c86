import { describeWithServers } from '../harness/binaries';
import { StagedStack } from '../harness/staged-stack';
import { bullStage3Env, RedisServer } from '../harness/redis';
import { dispatcherContract } from './dispatcher-contract';
import type { AppProcess } from '../harness/app-process';
import { waitFor } from '../harness/ports';
import { fakeEnv } from '../fakes/env';

jest.setTimeout(300_000);

const done = (s: string) => s === 'DONE';

describeWithServers(
  ['mariadbd', 'mariadb-install-db'],
  'the pipeline on real MariaDB with fake Suno and Creatomate',
  () => {
    const stack = new StagedStack();
    beforeAll(() => stack.start());
    afterAll(() => stack.destroy());

    // the in-process driver (embedded, stages 1-2)
    dispatcherContract(stack, () => ({}));

    it('recovers a submission whose answer was lost (timed out after Suno took it) from the callback, without paying twice', async () => {
      // Suno answers after our timeout, but takes the job and calls back: the only trace we get
      stack.suno.knobs.latencyMs = 3000;
      let proc: AppProcess | undefined;
      try {
        ({ proc } = await stack.startScheduler({
          PROVIDER_TIMEOUT_MS: '1000',
          SUBMISSION_RECOVERY_MS: '60000',
        }));
        const ids = await stack.createProjects(2);
        await stack.waitAll(
          ids,
          (s) => s === 'SONG_SUBMITTED' || s === 'SONG_READY' || s === 'DONE',
          60_000,
        );
        stack.suno.knobs.latencyMs = 0;
        await stack.waitAll(ids, done, 60_000);
        expect(stack.paidCounts(ids)).toEqual(
          Object.fromEntries(ids.map((id) => [id, { song: 1, video: 1 }])),
        );
        const recovered = await stack.db.primary.query<{ n: number }[]>(
          `SELECT COUNT(*) AS n FROM castad.project_events WHERE message LIKE 'task id recovered%' AND project_id IN (?, ?)`,
          ids,
        );
        expect(Number(recovered[0].n)).toBe(2);
        // each lost call's row, written as sent before it left, is settled by the callback
        const rows = await stack.db.primary.query<{ project_id: string; status: string }[]>(
          `SELECT project_id, status FROM castad.usage_records WHERE operation = 'submit_song' AND project_id IN (?, ?) ORDER BY project_id`,
          ids,
        );
        expect(rows.map((r) => [r.project_id, r.status])).toEqual(
          [...ids].sort().map((id) => [id, 'settled']),
        );
      } finally {
        // stopped even when a check failed: the next test starts its own scheduler
        await proc?.stop();
        stack.suno.knobs.latencyMs = 0;
      }
    });

    it('meters every lyrics try OpenAI received: answers that come after our timeout, the SDK resends, completions cut short', async () => {
      // OpenAI answers after our 6 s timeout (6 x PROVIDER_TIMEOUT_MS) at first: every try is
      // billed all the same, the SDK's resend too; and 100 tokens cut every first completion
      // short (the lyrics take 180), so each is asked again with 200: a second billed completion
      const openai = stack.openai;
      const received = (id: string) =>
        [...openai.byKey].filter(([k]) => k.startsWith(`${id}:`)).reduce((a, [, n]) => a + n, 0);
      openai.knobs.latencyMs = 6500;
      let proc: AppProcess | undefined;
      try {
        ({ proc } = await stack.startScheduler({
          ...fakeEnv.openai(openai),
          PROVIDER_TIMEOUT_MS: '1000',
          OPENAI_MAX_COMPLETION_TOKENS: '100',
        }));
        const ids = await stack.createProjects(2);
        await waitFor(
          'two late answers per project',
          async () => ids.every((id) => received(id) >= 2),
          60_000,
          200,
        );
        openai.knobs.latencyMs = 0;
        await stack.waitAll(ids, done, 90_000);
        await waitFor('the late answers to end', async () => openai.inFlight.length === 0, 30_000);
        const longer = (id: string) =>
          [...openai.byKey.keys()].some((k) => k.startsWith(`${id}:`) && k.endsWith(':longer'));
        expect(ids.map(longer)).toEqual([true, true]);
        for (const [id, c] of Object.entries(await stack.lyricsCalls(ids)))
          expect([id, c.received >= 4, c.rows]).toEqual([id, true, c.received]);
      } finally {
        openai.knobs.latencyMs = 0;
        await proc?.stop();
      }
    });

    it('fails with a readable reason when Suno cannot make the song, and retry resumes from the failed step', async () => {
      stack.suno.failGenerations = 1;
      const { proc } = await stack.startScheduler();
      const [id] = await stack.createProjects(1);
      const failed = await stack.waitAll([id], (s) => s === 'FAILED' || s === 'DONE', 60_000);
      expect(failed[id].state).toBe('FAILED');
      expect(failed[id].lastError).toMatch(/Suno: GENERATE_AUDIO_FAILED/);
      const project = (await stack.api('GET', `/v1/projects/${id}`)).body;
      expect(project).toMatchObject({
        state: 'FAILED',
        step: 'poll_song',
        lastError: expect.stringMatching(/GENERATE_AUDIO_FAILED/),
      });
      const retried = await stack.api('POST', `/v1/projects/${id}/retry`);
      expect(retried.status).toBe(202);
      // the task is read again first; having failed, it is generated anew
      expect(retried.body.state).toBe('SONG_SUBMITTED');
      await stack.waitAll([id], done, 60_000);
      expect(stack.paidCounts([id])[id]).toEqual({ song: 2, video: 1 });
      await proc.stop();
    });

    it('cancels a project with a task in flight: it is abandoned, nothing more is submitted', async () => {
      stack.suno.generationMs = 5000;
      try {
        const { proc } = await stack.startScheduler();
        const [id] = await stack.createProjects(1);
        await stack.waitAll([id], (s) => s === 'SONG_SUBMITTED', 30_000);
        expect((await stack.api('POST', `/v1/projects/${id}/cancel`)).body.state).toBe('CANCELLED');
        await new Promise((r) => setTimeout(r, 6000));
        expect((await stack.states([id]))[id].state).toBe('CANCELLED');
        expect(stack.paidCounts([id])[id]).toEqual({ song: 1, video: 0 });
        await proc.stop();
      } finally {
        stack.suno.generationMs = 50;
      }
    });

    it("streams a project's state changes over SSE from an API instance while the scheduler runs it", async () => {
      const [id] = await stack.createProjects(1);
      const res = await fetch(`http://127.0.0.1:${stack.apiPort}/v1/projects/${id}/events`, {
        headers: { 'x-api-key': stack.apiKey, accept: 'text/event-stream' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const { proc } = await stack.startScheduler({
        SUNO_DEDUPES_IDEMPOTENCY_KEY: 'true',
        CREATOMATE_DEDUPES_IDEMPOTENCY_KEY: 'true',
      });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const deadline = Date.now() + 60_000;
      while (!text.includes('"state":"DONE"') && Date.now() < deadline) {
        const { value, done: ended } = await reader.read();
        if (ended) break;
        text += decoder.decode(value);
      }
      await reader.cancel().catch(() => undefined);
      const states = [...text.matchAll(/"state":"([A-Z_]+)"/g)].map((m) => m[1]);
      expect(states).toEqual([
        'DRAFT',
        'STORE_READY',
        'LYRICS_READY',
        'SONG_SUBMITTED',
        'SONG_READY',
        'VIDEO_SUBMITTED',
        'DONE',
      ]);
      expect(text).toMatch(/^event: state$/m);
      // the API instance's metrics, scraped from the internal network: its pool to each node
      const metrics = await (await fetch(`http://127.0.0.1:${stack.apiPort}/metrics`)).text();
      expect(metrics).toMatch(/castad_db_pool_connections\{node="primary",state="idle"\} \d+/);
      expect(metrics).toMatch(/castad_db_pool_connections\{node="replica0",state="in_use"\} \d+/);
      expect(metrics).toMatch(
        /castad_http_request_duration_seconds_count\{method="POST",route="\/v1\/projects",status="202"\} \d+/,
      );
      await proc.stop();
    });
  },
);

describeWithServers(
  ['mariadbd', 'mariadb-install-db', 'redis-server'],
  'stage 3: Bull on a real Redis',
  () => {
    const redis = new RedisServer();
    const stack = new StagedStack();
    const bull = () => bullStage3Env(redis.url);
    const bullDeduped = () => ({
      ...bull(),
      SUNO_DEDUPES_IDEMPOTENCY_KEY: 'true',
      CREATOMATE_DEDUPES_IDEMPOTENCY_KEY: 'true',
    });
    beforeAll(async () => {
      await redis.start();
      await stack.start();
    });
    afterAll(async () => {
      await stack.destroy();
      await redis.destroy();
    });

    // the same contract through Bull
    dispatcherContract(stack, bull);

    // a lease far longer than the wait: what Redis lost must come back from the dispatcher
    // noticing (within seconds of Redis answering), not from the claims running out
    const longLease = () => ({ ...bullDeduped(), PIPELINE_LEASE_MS: '90000' });

    it('finishes every project with no duplicate paid submission when Redis is stopped and restarted mid-run', async () => {
      const { proc } = await stack.startScheduler(longLease());
      const ids = await stack.createProjects(8);
      await new Promise((r) => setTimeout(r, 400));
      await redis.stop();
      await new Promise((r) => setTimeout(r, 2000));
      await redis.start();
      await stack.waitAll(ids, done, 60_000);
      expect(stack.paidCounts(ids)).toEqual(
        Object.fromEntries(ids.map((id) => [id, { song: 1, video: 1 }])),
      );
      // the steps really went through Bull: finished jobs, named project:step:attempt
      const Redis = (await import('ioredis')).default;
      const c = new Redis(redis.url);
      const done_ = await c.zrange('bull:castad-steps-video:completed', 0, -1);
      c.disconnect();
      expect(done_.some((jobId) => /^[0-9a-f-]{36}:submit_video:\d+$/.test(jobId))).toBe(true);
      await proc.stop();
    });

    it('finishes every project with no duplicate paid submission when Redis is flushed mid-run', async () => {
      const { proc } = await stack.startScheduler(longLease());
      const ids = await stack.createProjects(8);
      await new Promise((r) => setTimeout(r, 400));
      const Redis = (await import('ioredis')).default;
      const c = new Redis(redis.url);
      await c.flushall();
      c.disconnect();
      await stack.waitAll(ids, done, 60_000);
      expect(stack.paidCounts(ids)).toEqual(
        Object.fromEntries(ids.map((id) => [id, { song: 1, video: 1 }])),
      );
      await proc.stop();
    });
  },
);
