import { join } from 'node:path';
import { AccountService } from '@app/domain';
import { describeWithServers } from '../harness/binaries';
import { startApi, TestApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';
import { RedisServer } from '../harness/redis';

jest.setTimeout(60_000);

describeWithServers(
  ['redis-server'],
  'Bull Board at /admin/queues (Bull dispatch, admins only)',
  () => {
    const dir = tempDir('board');
    const redis = new RedisServer();
    let api: TestApi;
    let admin: string;
    let user: string;

    beforeAll(async () => {
      await redis.start();
      api = await startApi({
        DB_SQLITE_PATH: join(dir, 'b.sqlite'),
        DISPATCH_DRIVER: 'bull',
        REDIS_URL: redis.url,
        LOG_LEVEL: 'error',
      });
      const a = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'admin' } }))
        .body;
      await api.get(AccountService).setRole(a.user.id, 'admin');
      admin = a.accessToken;
      user = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'user' } })).body
        .accessToken;
    });
    afterAll(async () => {
      await api?.close();
      await redis.stop();
      removeDir(dir);
    });

    it('refuses the public and users; lets an admin in with a Bearer token', async () => {
      expect((await api.app.inject({ method: 'GET', url: '/admin/queues' })).statusCode).toBe(401);
      expect(
        (
          await api.app.inject({
            method: 'GET',
            url: '/admin/queues',
            headers: { authorization: `Bearer ${user}` },
          })
        ).statusCode,
      ).toBe(403);
      expect(
        (
          await api.app.inject({
            method: 'GET',
            url: '/admin/queues/api/queues',
            headers: { authorization: 'Bearer forged.token.here' },
          })
        ).statusCode,
      ).toBe(401);
      const page = await api.app.inject({
        method: 'GET',
        url: '/admin/queues',
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('CastAD queues');
      const queues = await api.app.inject({
        method: 'GET',
        url: '/admin/queues/api/queues',
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(queues.statusCode).toBe(200);
      expect(
        queues
          .json()
          .queues.map((q: { name: string }) => q.name)
          .sort(),
      ).toEqual([
        'castad-steps-lyrics',
        'castad-steps-publish',
        'castad-steps-song',
        'castad-steps-store',
        'castad-steps-video',
      ]);
    });

    it('turns ?access_token into an HttpOnly cookie scoped to the board and drops it from the URL', async () => {
      const first = await api.app.inject({
        method: 'GET',
        url: `/admin/queues?access_token=${admin}`,
      });
      expect(first.statusCode).toBe(302);
      expect(first.headers.location).toBe('/admin/queues');
      const cookie = String(first.headers['set-cookie']);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/Path=\/admin\/queues/);
      expect(cookie).toMatch(/SameSite=Strict/i);
      const again = await api.app.inject({
        method: 'GET',
        url: '/admin/queues/api/queues',
        headers: { cookie: cookie.split(';')[0] },
      });
      expect(again.statusCode).toBe(200);
      expect(
        (await api.app.inject({ method: 'GET', url: `/admin/queues?access_token=${user}` }))
          .statusCode,
      ).toBe(403);
    });
  },
);
