import { join } from 'node:path';
import { AccountService } from '@app/domain';
import { getJson } from '../harness/app-process';
import { startApi, startScheduler } from '../harness/api-app';
import { freePort, waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';

describe('Prometheus metrics', () => {
  const dir = tempDir('metrics');
  afterAll(() => removeDir(dir));

  it('refuses /metrics to the public and to a user, serves it to an admin, with HTTP and pipeline metrics', async () => {
    const healthPort = await freePort();
    const env = {
      DB_SQLITE_PATH: join(dir, 'm.sqlite'),
      PIPELINE_POLL_MS: '100',
      METRICS_ALLOW_CIDRS: '',
      LOG_LEVEL: 'error',
    };
    const api = await startApi(env);
    const scheduler = await startScheduler({ ...env, SCHEDULER_HEALTH_PORT: String(healthPort) });
    try {
      const user = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'm' } }))
        .body;
      const anon = await api.request('GET', '/metrics');
      expect([anon.status, anon.body]).toEqual([401, expect.anything()]);
      expect((await api.request('GET', '/metrics', { token: user.accessToken })).status).toBe(403);
      await api.get(AccountService).setRole(user.user.id, 'admin');
      const adminLogin = (
        await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: user.refreshToken } })
      ).body;
      const admin = adminLogin.accessToken;
      const storeId = (
        await api.request('POST', '/v1/stores', { token: admin, body: { name: 'm' } })
      ).body.id;
      const project = (
        await api.request('POST', '/v1/projects', { token: admin, body: { storeId } })
      ).body.id;
      await waitFor(
        'lyrics',
        async () =>
          (await api.request('GET', `/v1/projects/${project}`, { token: admin })).body.state ===
          'LYRICS_READY',
        20_000,
      );
      // admins see every project, with its metered cost
      const all = await api.request('GET', '/v1/admin/projects?state=LYRICS_READY', {
        token: admin,
      });
      expect(all.body.items.map((p: { id: string }) => p.id)).toContain(project);
      const cost = await api.request('GET', `/v1/admin/projects/${project}/cost`, { token: admin });
      expect(cost.body).toMatchObject({ projectId: project, totalUsd: 0, lines: [] }); // the offline engines cost nothing
      const plain = (
        await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'plain' } })
      ).body.accessToken;
      expect(
        (await api.request('GET', `/v1/admin/projects/${project}/cost`, { token: plain })).status,
      ).toBe(403);
      const scraped = await api.request('GET', '/metrics', { token: admin });
      expect(scraped.status).toBe(200);
      expect(scraped.body).toMatch(
        /castad_http_request_duration_seconds_count\{method="POST",route="\/v1\/projects",status="202"\} 1/,
      );
      // admin is who the account is now, not what the token says: a role taken back, then a
      // logout, count from the next request
      await api.get(AccountService).setRole(user.user.id, 'user');
      expect((await api.request('GET', '/metrics', { token: admin })).status).toBe(403);
      await api.get(AccountService).setRole(user.user.id, 'admin');
      expect((await api.request('GET', '/metrics', { token: admin })).status).toBe(200);
      const grantedLater = (
        await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'later' } })
      ).body;
      await api.get(AccountService).setRole(grantedLater.user.id, 'admin');
      expect(
        (await api.request('GET', '/metrics', { token: grantedLater.accessToken })).status,
      ).toBe(200);
      const refreshToken = adminLogin.refreshToken;
      expect(
        (await api.request('POST', '/v1/auth/logout', { token: admin, body: { refreshToken } }))
          .status,
      ).toBe(204);
      const ended = await api.request('GET', '/metrics', { token: admin });
      expect([ended.status, ended.body.message]).toEqual([401, expect.stringContaining('ended')]);
      // the scheduler's own metrics, on its internal port
      const res = await fetch(`http://127.0.0.1:${healthPort}/metrics`);
      const text = await res.text();
      expect(text).toMatch(
        /castad_pipeline_step_duration_seconds_count\{step="write_lyrics",provider="lyrics",outcome="advanced"\} 1/,
      );
      expect(text).toMatch(/castad_queue_depth/);
      expect((await getJson(`http://127.0.0.1:${healthPort}/health/ready`)).body.leader).toBe(true);
    } finally {
      await scheduler.close();
      await api.close();
    }
  });
});
