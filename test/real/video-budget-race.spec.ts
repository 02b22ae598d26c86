import { join } from 'node:path';
import { ApiKeyService } from '@app/domain';
import { FakeCreatomate } from '../fakes/creatomate.fake';
import { fakeEnv } from '../fakes/env';
import { startApi, startScheduler, TestApi } from '../harness/api-app';
import { AzuriteServer } from '../harness/azurite';
import { describeWithServers } from '../harness/binaries';
import { ReplicatedMariaDb } from '../harness/mariadb';
import { waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(240_000);

/**
 * The daily budget on MariaDB, where the scheduler's render submissions really run in parallel
 * transactions: four renders let go at the same moment against a budget with room for one. Each
 * render takes Creatomate a while to answer, so the four checks fall inside the first one's
 * call; the check-then-submit this replaces let all four through.
 */
describeWithServers(
  ['mariadbd', 'mariadb-install-db', 'ffmpeg'],
  'daily budget held under concurrency on a real MariaDB',
  () => {
    const cluster = new ReplicatedMariaDb(0);
    const dir = tempDir('video-budget-race');
    const azurite = new AzuriteServer();
    const creatomate = new FakeCreatomate();
    let api: TestApi;
    let scheduler: Awaited<ReturnType<typeof startScheduler>>;
    let apiKey: string;

    beforeAll(async () => {
      await Promise.all([cluster.start(), azurite.start(), creatomate.start()]);
      // a render is answered after 2 s: the other checks happen while it is in flight
      creatomate.knobs.latencyMs = 2_000;
      const env = cluster.env({
        CASTAD_STAGE: '1',
        DB_MIGRATE_ON_START: 'true',
        WORK_DIR: join(dir, 'work'),
        AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
        ...fakeEnv.creatomate(creatomate),
        // a 15 s render is 16 s at $0.03: $0.48 held; $0.60 is room for one render, not two
        DAILY_BUDGET_USD: '{"creatomate":0.6}',
        PIPELINE_CONCURRENCY_VIDEO: '4',
        PIPELINE_POLL_MS: '50',
        VIDEO_POLL_MS: '100',
        BUDGET_RECHECK_MS: '500',
      });
      api = await startApi(env);
      scheduler = await startScheduler(env);
      // staged: no dev login, a partner's key instead
      const keys = api.get(ApiKeyService);
      await keys.createPartner('Budget Race');
      apiKey = (
        await keys.issue('Budget Race', ['stores:write', 'projects:read', 'projects:write'])
      ).key;
    });
    afterAll(async () => {
      await scheduler?.close();
      await api?.close();
      await creatomate.stop();
      await azurite.destroy();
      await cluster.destroy();
      removeDir(dir);
    });

    const project = async (id: string) =>
      (await api.request('GET', `/v1/projects/${id}`, { apiKey })).body;

    it('sends one render of four let go at once when the budget has room for one; the others wait', async () => {
      const storeId = (
        await api.request('POST', '/v1/stores', { apiKey, body: { name: '동시 횟집' } })
      ).body.id;
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const created = await api.request('POST', '/v1/projects', {
          apiKey,
          body: { storeId, lengthSec: 15 },
        });
        expect(created.status).toBe(202);
        ids.push(created.body.id);
      }
      const reach = (id: string, state: string) =>
        waitFor(
          `${id} to reach ${state}`,
          async () => ((await project(id)).state === state ? true : undefined),
          180_000,
          100,
        );
      await Promise.all(ids.map((id) => reach(id, 'LYRICS_READY')));
      for (const id of ids)
        await api.request('POST', `/v1/projects/${id}/lyrics/approve`, { apiKey, body: {} });
      await Promise.all(ids.map((id) => reach(id, 'SONG_READY')));
      const clips = await Promise.all(
        ids.map(
          async (id) => (await api.request('GET', `/v1/projects/${id}/song`, { apiKey })).body,
        ),
      );
      // the clips picked at the same moment: four renders due together
      const picked = await Promise.all(
        ids.map((id, i) =>
          api.request('POST', `/v1/projects/${id}/song/select`, {
            apiKey,
            body: { clipId: clips[i][0].id },
          }),
        ),
      );
      expect(picked.map((r) => r.status)).toEqual([202, 202, 202, 202]);
      const settled = await waitFor(
        'one render done and three waiting on the budget',
        async () => {
          const all = await Promise.all(ids.map(project));
          const done = all.filter((p) => p.state === 'DONE');
          const waiting = all.filter((p) => p.progress.waitingFor === 'budget');
          return done.length === 1 && waiting.length === 3 ? all : undefined;
        },
        120_000,
        200,
      );
      // a while longer: still one, the waiting ones neither sent nor failed
      await new Promise((r) => setTimeout(r, 3_000));
      expect(creatomate.totalPaid()).toBe(1);
      const later = await Promise.all(ids.map(project));
      expect(later.filter((p) => p.state === 'DONE')).toHaveLength(1);
      expect(later.filter((p) => p.state === 'FAILED')).toEqual([]);
      for (const p of settled.filter((x) => x.state !== 'DONE'))
        expect(p.lastError).toMatch(/^waiting: the daily creatomate budget/);
      // the render that went is metered and holds nothing any more
      const [{ n }] = await cluster.primary.query<{ n: number }[]>(
        "SELECT COUNT(*) AS n FROM castad.usage_records WHERE provider = 'creatomate'",
      );
      expect(Number(n)).toBe(1);
      // and the day never went past its budget
      const [{ spent }] = await cluster.primary.query<{ spent: number }[]>(
        "SELECT SUM(cost_usd) AS spent FROM castad.usage_records WHERE provider = 'creatomate'",
      );
      expect(Number(spent)).toBeLessThanOrEqual(0.6);
      const [{ h }] = await cluster.primary.query<{ h: number }[]>(
        'SELECT COUNT(*) AS h FROM castad.budget_holds',
      );
      expect(Number(h)).toBe(0);
    });
  },
);
