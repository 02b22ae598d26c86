import { join } from 'node:path';
import { ProjectEventFeed, ProjectEventMessage, quotaWindow } from '@app/domain';
import { startApi, TestApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';

describe('the daily project quota', () => {
  const dir = tempDir('quota');
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ DB_SQLITE_PATH: join(dir, 'q.sqlite'), PROJECTS_PER_DAY: '2' });
  });
  afterAll(async () => {
    await api.close();
    removeDir(dir);
  });

  it('answers 429 past the limit, saying when it resets, per user', async () => {
    const token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'q' } }))
      .body.accessToken;
    const storeId = (await api.request('POST', '/v1/stores', { token, body: { name: 'q' } })).body
      .id;
    expect((await api.request('POST', '/v1/projects', { token, body: { storeId } })).status).toBe(
      202,
    );
    expect((await api.request('POST', '/v1/projects', { token, body: { storeId } })).status).toBe(
      202,
    );
    const over = await api.request('POST', '/v1/projects', { token, body: { storeId } });
    expect(over.status).toBe(429);
    const { resetsAt } = quotaWindow(new Date());
    expect(over.body.details.resetsAt).toBe(resetsAt.toISOString());
    expect(over.body.message).toContain(resetsAt.toISOString());
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // another user has their own allowance
    const other = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'r' } }))
      .body.accessToken;
    const otherStore = (
      await api.request('POST', '/v1/stores', { token: other, body: { name: 'r' } })
    ).body.id;
    expect(
      (await api.request('POST', '/v1/projects', { token: other, body: { storeId: otherStore } }))
        .status,
    ).toBe(202);
  });

  it('holds under concurrent requests, and a project deleted the same day gives its place back', async () => {
    const token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 's' } }))
      .body.accessToken;
    const storeId = (await api.request('POST', '/v1/stores', { token, body: { name: 's' } })).body
      .id;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        api.request('POST', '/v1/projects', { token, body: { storeId } }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([202, 202, 429, 429, 429, 429]);
    const made = answers.find((a) => a.status === 202)!.body.id;
    expect((await api.request('POST', `/v1/projects/${made}/cancel`, { token })).status).toBe(200);
    expect((await api.request('DELETE', `/v1/projects/${made}`, { token })).status).toBe(204);
    expect((await api.request('POST', '/v1/projects', { token, body: { storeId } })).status).toBe(
      202,
    );
    expect((await api.request('POST', '/v1/projects', { token, body: { storeId } })).status).toBe(
      429,
    );
  });

  it('answers 404 for a store that is not yours, also past the limit', async () => {
    const token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'q' } }))
      .body.accessToken;
    const other = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 't' } }))
      .body.accessToken;
    const theirs = (await api.request('POST', '/v1/stores', { token: other, body: { name: 't' } }))
      .body.id;
    const res = await api.request('POST', '/v1/projects', { token, body: { storeId: theirs } });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe(`store ${theirs} not found`);
  });

  it("hands a new project's first event to live progress once it is committed", async () => {
    const feed = api.app.get(ProjectEventFeed);
    const published: ProjectEventMessage[] = [];
    const spy = jest.spyOn(feed, 'publish').mockImplementation((m) => void published.push(...m));
    try {
      const token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'e' } }))
        .body.accessToken;
      const storeId = (await api.request('POST', '/v1/stores', { token, body: { name: 'e' } })).body
        .id;
      const project = (await api.request('POST', '/v1/projects', { token, body: { storeId } }))
        .body;
      expect(published).toEqual([
        expect.objectContaining({
          projectId: project.id,
          fromState: 'DRAFT',
          toState: 'DRAFT',
          message: 'created',
          seq: expect.any(Number),
        }),
      ]);
      expect(published[0].seq).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
    }
  });

  it('resets at midnight Korea time', () => {
    const w = quotaWindow(new Date('2026-11-26T14:59:00Z')); // 23:59 KST
    expect(w.resetsAt.toISOString()).toBe('2026-11-26T15:00:00.000Z');
    expect(quotaWindow(new Date('2026-11-26T15:00:00Z')).since.toISOString()).toBe(
      '2026-11-26T15:00:00.000Z',
    );
  });
});
