import { FakeKakao } from '../fakes/kakao.fake';
import { startApi } from '../harness/api-app';
import { describeWithServers } from '../harness/binaries';
import { APP_DB, ReplicatedMariaDb } from '../harness/mariadb';

jest.setTimeout(180_000);

describeWithServers(
  ['mariadbd', 'mariadb-install-db'],
  'accounts on a staged deployment (real MariaDB primary + replica)',
  () => {
    const cluster = new ReplicatedMariaDb(1);
    const kakao = new FakeKakao();
    const kakaoEnv = () => ({
      JWT_SECRET: 'staged-secret-staged-secret-staged-secret',
      KAKAO_CLIENT_ID: 'staged-client',
      KAKAO_CLIENT_SECRET: 's',
      KAKAO_APP_ID: '5150',
      KAKAO_REDIRECT_URI: 'https://api.castad.test/v1/auth/kakao/callback',
      KAKAO_AUTH_URL: kakao.url,
      KAKAO_API_URL: kakao.url,
    });

    beforeAll(async () => {
      await Promise.all([cluster.start(), kakao.start()]);
      kakao.addApp({ clientId: 'staged-client', clientSecret: 's', appId: '5150' });
      kakao.addUser({ id: '3000000001', nickname: '동시로그인' });
    });
    afterAll(async () => {
      await kakao.stop();
      await cluster.destroy();
    });

    it.each(['1', '2', '3'])(
      'has no dev-login route at CASTAD_STAGE=%s (404, like any unknown path)',
      async (stage) => {
        const api = await startApi(
          cluster.env({
            CASTAD_STAGE: stage,
            DB_MIGRATE_ON_START: 'true',
            REDIS_URL: 'redis://127.0.0.1:1',
            ...kakaoEnv(),
          }),
        );
        try {
          const res = await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'x' } });
          expect(res.status).toBe(404);
          const unknown = await api.request('POST', '/v1/auth/no-such-route', { body: {} });
          expect(res.body).toEqual({ ...unknown.body, message: res.body.message });
        } finally {
          await api.close();
        }
      },
    );

    it('makes exactly one user for concurrent first logins of one Kakao id, and reads its session on the primary', async () => {
      const api = await startApi(cluster.env({ DB_MIGRATE_ON_START: 'true', ...kakaoEnv() }));
      try {
        const logins = await Promise.all(
          Array.from({ length: 6 }, () =>
            api.request('POST', '/v1/auth/kakao/token', {
              body: { accessToken: kakao.mintToken('3000000001', '5150') },
            }),
          ),
        );
        expect(logins.map((l) => l.status)).toEqual(Array(6).fill(200));
        expect(new Set(logins.map((l) => l.body.user.id)).size).toBe(1);
        const rows = await cluster.primary.query<unknown[]>(
          `SELECT id FROM ${APP_DB.database}.users WHERE kakao_id = '3000000001'`,
        );
        expect(rows).toHaveLength(1);
        // rotation right after login must not be fooled by replica lag
        const rotated = await api.request('POST', '/v1/auth/refresh', {
          body: { refreshToken: logins[0].body.refreshToken },
        });
        expect(rotated.status).toBe(200);
      } finally {
        await api.close();
      }
    });
  },
);
