import { join } from 'node:path';
import { UsageRepository } from '@app/domain/repositories';
import { FakeCreatomate } from '../fakes/creatomate.fake';
import { fakeEnv } from '../fakes/env';
import { startApi, startScheduler, TestApi } from '../harness/api-app';
import { AzuriteServer } from '../harness/azurite';
import { waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(180_000);

/**
 * The daily budget is checked against the engine that will be charged: with FFmpeg's budget
 * spent, a render Creatomate refuses does not fall back (and is not billed to anyone).
 */
describe('video budget against the engine that will be charged', () => {
  const dir = tempDir('video-budget');
  const azurite = new AzuriteServer();
  const creatomate = new FakeCreatomate();
  let api: TestApi;
  let scheduler: Awaited<ReturnType<typeof startScheduler>>;
  let token: string;
  let storeId: string;

  beforeAll(async () => {
    await Promise.all([azurite.start(), creatomate.start()]);
    const env = {
      DB_SQLITE_PATH: join(dir, 'b.sqlite'),
      WORK_DIR: join(dir, 'work'),
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      ...fakeEnv.creatomate(creatomate),
      VIDEO_FALLBACK_TO_FFMPEG: 'true',
      // FFmpeg's budget is spent before the first render
      DAILY_BUDGET_USD: '{"ffmpeg":0}',
      PIPELINE_POLL_MS: '50',
      VIDEO_POLL_MS: '100',
      PIPELINE_BACKOFF_BASE_MS: '100',
    };
    api = await startApi(env);
    scheduler = await startScheduler(env);
    token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '사장' } })).body
      .accessToken;
    storeId = (await api.request('POST', '/v1/stores', { token, body: { name: '바다 횟집' } })).body
      .id;
  });
  afterAll(async () => {
    await scheduler?.close();
    await api?.close();
    await creatomate.stop();
    await azurite.destroy();
    removeDir(dir);
  });

  it('Creatomate answers 402 and FFmpeg’s budget is spent: FAILED with the reason, no fallback', async () => {
    const id = (
      await api.request('POST', '/v1/projects', {
        token,
        body: { storeId, autopilot: true, lengthSec: 15 },
      })
    ).body.id;
    creatomate.serve('status-402', {
      when: (r) => String(r.headers['idempotency-key']).startsWith(id),
    });
    const p = await waitFor(
      'the project to end',
      async () => {
        const b = (await api.request('GET', `/v1/projects/${id}`, { token })).body;
        return b.state === 'FAILED' || b.state === 'DONE' ? b : undefined;
      },
      120_000,
      100,
    );
    expect(p.state).toBe('FAILED');
    expect(p.lastError).toBe('creatomate answered 402: out of credits');
    expect(creatomate.paidCalls()).toBe(0);
    const usage = await api.get(UsageRepository).forProject(id);
    expect(usage.filter((u) => u.provider === 'ffmpeg' || u.provider === 'creatomate')).toEqual([]);
  });
});
