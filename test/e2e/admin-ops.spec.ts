import { join } from 'node:path';
import { AccountService } from '@app/domain';
import { FakeOpenAi, openAiError } from '../fakes/openai.fake';
import { fakeEnv } from '../fakes/env';
import { startApi, startScheduler, TestApi } from '../harness/api-app';
import { waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(60_000);

/** OpenAI lyrics in the pipeline, then what admins see of it: usage per day and provider health. */
describe('admin usage and provider health, with OpenAI writing the lyrics', () => {
  const dir = tempDir('admin-ops');
  const openai = new FakeOpenAi();
  let api: TestApi;
  let scheduler: Awaited<ReturnType<typeof startScheduler>>;
  let admin: string;
  let owner: string;
  let storeId: string;

  beforeAll(async () => {
    await openai.start();
    const env = {
      DB_SQLITE_PATH: join(dir, 'a.sqlite'),
      PIPELINE_POLL_MS: '100',
      PIPELINE_BACKOFF_BASE_MS: '60000',
      ...fakeEnv.openai(openai),
      PRICE_TABLE: '{"openai:1k_tokens":0.01}',
    };
    api = await startApi(env);
    scheduler = await startScheduler(env);
    const a = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'ops' } })).body;
    await api.get(AccountService).setRole(a.user.id, 'admin');
    admin = a.accessToken;
    owner = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '사장' } })).body
      .accessToken;
    storeId = (
      await api.request('POST', '/v1/stores', {
        token: owner,
        body: { name: '광안리 조개구이', category: '한식>조개요리' },
      })
    ).body.id;
  });
  afterAll(async () => {
    await scheduler?.close();
    await api?.close();
    await openai.stop();
    removeDir(dir);
  });

  const state = async (id: string) =>
    (await api.request('GET', `/v1/projects/${id}`, { token: owner })).body;

  it('writes lyrics with OpenAI, meters the tokens, and reports them per day and provider', async () => {
    const p = (
      await api.request('POST', '/v1/projects', {
        token: owner,
        body: { storeId, keywords: ['바다 뷰'] },
      })
    ).body;
    await waitFor('lyrics', async () => (await state(p.id)).state === 'LYRICS_READY', 20_000, 100);
    const [lyrics] = (await api.request('GET', `/v1/projects/${p.id}/lyrics`, { token: owner }))
      .body;
    expect(lyrics).toMatchObject({ title: '광안리 조개구이 송', source: 'openai' });
    expect(openai.moderated.at(-1)).toContain('바다 뷰');

    const report = await api.request('GET', '/v1/admin/usage', { token: admin });
    expect(report.status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);
    const row = report.body.days.find((d: { provider: string }) => d.provider === 'openai');
    expect(row).toMatchObject({ day: today, calls: 1 });
    expect(row.costUsd).toBeCloseTo(row.units * 0.01, 6);
    expect(report.body.totalUsd).toBeGreaterThan(0);
    expect(
      (await api.request('GET', '/v1/admin/usage?from=2026-12-01&to=2026-11-01', { token: admin }))
        .status,
    ).toBe(400);
    expect((await api.request('GET', '/v1/admin/usage', { token: owner })).status).toBe(403);
  });

  it('shows a provider in trouble: lyrics degraded while a project retries after OpenAI errors', async () => {
    openai.failNext(1000, openAiError(503, 'The engine is currently overloaded', null));
    expect(
      (await api.request('POST', '/v1/projects', { token: owner, body: { storeId } })).status,
    ).toBe(202);
    const health = await waitFor(
      'degraded lyrics',
      async () => {
        const items = (await api.request('GET', '/v1/admin/providers', { token: admin })).body
          .items as {
          area: string;
          status: string;
          retrying: number;
          succeeded: number;
          lastError: string;
        }[];
        const lyrics = items.find((i) => i.area === 'lyrics')!;
        return lyrics.retrying > 0 ? items : undefined;
      },
      20_000,
      200,
    );
    const lyrics = health.find((i) => i.area === 'lyrics')!;
    expect(lyrics).toMatchObject({
      engine: 'openai',
      status: 'degraded',
      succeeded: expect.any(Number),
    });
    expect(lyrics.succeeded).toBeGreaterThanOrEqual(1);
    expect(lyrics.lastError).toMatch(/openai answered 503/);
    expect(health.find((i) => i.area === 'song')).toMatchObject({ engine: 'synth' });
    openai.knobs.failNext = [];
  });
});
