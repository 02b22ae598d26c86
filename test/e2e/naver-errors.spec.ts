import { join } from 'node:path';
import { AccountService } from '@app/domain';
import { fakeEnv } from '../fakes/env';
import { FakeNaver, NAVER_ERRORS } from '../fakes/naver.fake';
import { startApi, TestApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(60_000);

/**
 * Every error Naver's Search API documents, served by the fake: the owner gets a short
 * message (never Naver's body), admins see the raw answer in provider health.
 */
describe('Naver search errors, as the owner and the admin see them', () => {
  const dir = tempDir('naver-errors');
  const naver = new FakeNaver();
  let api: TestApi;
  let owner: string;
  let admin: string;

  beforeAll(async () => {
    await naver.start();
    api = await startApi({ DB_SQLITE_PATH: join(dir, 'n.sqlite'), ...fakeEnv.naver(naver) });
    owner = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '사장' } })).body
      .accessToken;
    const a = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'ops' } })).body;
    await api.get(AccountService).setRole(a.user.id, 'admin');
    admin = a.accessToken;
  });
  afterAll(async () => {
    await api?.close();
    await naver.stop();
    removeDir(dir);
  });

  // Permanent for 4xx but 429; later (503) for 429 and 5xx
  const expected = (status: number) => (status === 429 || status >= 500 ? 503 : 502);

  it.each(NAVER_ERRORS)(
    '%i %s: a short message for the owner, the raw answer for admins',
    async (status, code, naverMessage) => {
      naver.serve(`local:${status}-${code}`);
      const res = await api.request(
        'GET',
        `/v1/stores/search?query=${encodeURIComponent(`국밥 ${status} ${code}`)}`,
        { token: owner },
      );
      expect(res.status).toBe(expected(status));
      expect(res.body.message).toMatch(/^store search /);
      expect(res.body.message).not.toContain(code);
      expect(res.body.message).not.toContain(naverMessage.slice(0, 10));
      // only SE01 is about the words searched; the other 400s refuse parameters we built
      if (status === 400 && code !== 'SE01') expect(res.body.message).not.toMatch(/other words/);
      expect(naver.requests.at(-1)).toMatchObject({ row: `local:${status}-${code}`, status });
      const health = (await api.request('GET', '/v1/admin/providers', { token: admin })).body.items;
      const search = health.find((h: { area: string }) => h.area === 'search');
      expect(search).toMatchObject({ engine: 'naver', status: 'degraded' });
      expect(search.lastError).toContain(`"errorCode":"${code}"`);
      if (status === 400 && code !== 'SE01') expect(search.lastError).toMatch(/a bug of ours/);
    },
  );

  it('the chaos knob picks documented answers at random (npm run fakes with FAKE_ERROR_RATE)', async () => {
    naver.knobs.chaos = { rate: 1, kinds: ['documented'], slowMs: 0 };
    try {
      const from = naver.requests.length;
      for (let i = 0; i < 5; i++)
        await api.request('GET', `/v1/stores/search?query=${encodeURIComponent(`카페 ${i}`)}`, {
          token: owner,
        });
      const served = naver.requests.slice(from);
      expect(served).toHaveLength(5);
      for (const r of served) {
        expect(r.row).toMatch(/^local:/);
        expect(NAVER_ERRORS.map(([status]) => status)).toContain(r.status);
      }
    } finally {
      naver.knobs.chaos = undefined;
    }
  });
});
