import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { LeadershipService } from '../../apps/scheduler/src/leadership.service';
import { HousekeepingService } from '../../apps/scheduler/src/housekeeping.service';
import { startApi, startScheduler } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';

describe('scheduler housekeeping', () => {
  const dir = tempDir('housekeeping');
  afterAll(() => removeDir(dir));

  it('cancels projects abandoned at an owner step, clears dead leases, purges expired refresh tokens', async () => {
    const env = { DB_SQLITE_PATH: join(dir, 'h.sqlite'), PIPELINE_POLL_MS: '100' };
    const api = await startApi(env);
    const s = await startScheduler(env);
    try {
      const token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'h' } }))
        .body.accessToken;
      const storeId = (await api.request('POST', '/v1/stores', { token, body: { name: 'h' } })).body
        .id;
      const ids = [
        (await api.request('POST', '/v1/projects', { token, body: { storeId } })).body.id,
        (await api.request('POST', '/v1/projects', { token, body: { storeId } })).body.id,
      ];
      const ds = api.app.get(DataSource);
      const state = async (id: string) =>
        (await api.request('GET', `/v1/projects/${id}`, { token })).body.state;
      for (let i = 0; i < 100 && (await state(ids[0])) !== 'LYRICS_READY'; i++)
        await new Promise((r) => setTimeout(r, 100));
      for (let i = 0; i < 100 && (await state(ids[1])) !== 'LYRICS_READY'; i++)
        await new Promise((r) => setTimeout(r, 100));
      // one waits since 31 days, the other since now
      await ds.query("UPDATE projects SET updated_at = '2020-01-01 00:00:00.000' WHERE id = ?", [
        ids[0],
      ]);
      await ds.query(
        "UPDATE projects SET lease_owner = 'dead', lease_until = '2020-01-01 00:00:00.000' WHERE id = ?",
        [ids[1]],
      );
      await ds.query("UPDATE refresh_tokens SET expires_at = '2020-01-01 00:00:00.000'");

      await s.app.get(LeadershipService).renew();
      const hk = s.app.get(HousekeepingService);
      expect(await hk.cancelAbandonedProjects()).toBe(1);
      expect([await state(ids[0]), await state(ids[1])]).toEqual(['CANCELLED', 'LYRICS_READY']);
      expect(await hk.clearExpiredLeases()).toBe(1);
      expect(
        (await ds.query('SELECT lease_owner FROM projects WHERE id = ?', [ids[1]]))[0].lease_owner,
      ).toBeNull();
      expect(await hk.purgeExpiredRefreshTokens()).toBeGreaterThan(0);
      expect((await ds.query('SELECT COUNT(*) AS n FROM refresh_tokens'))[0].n).toBe(0);
    } finally {
      await s.close();
      await api.close();
    }
  });
});
