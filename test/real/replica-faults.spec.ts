import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { FakeKakao } from '../fakes/kakao.fake';
import { AppProcess, ROOT, waitForHttp } from '../harness/app-process';
import { describeWithServers } from '../harness/binaries';
import { ReplicatedMariaDb } from '../harness/mariadb';
import { freePort, waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';
import { RedisServer } from '../harness/redis';

jest.setTimeout(240_000);

/**
 * Stage 3 on real servers: two API instances, MariaDB primary + 2 replicas, Redis. Replicas
 * that lag or stop must cost nobody a refused request or a 5xx.
 */
describeWithServers(
  ['mariadbd', 'mariadb-install-db', 'redis-server'],
  'replica lag and replica failure at stage 3',
  () => {
    const dir = tempDir('faults');
    const db = new ReplicatedMariaDb(2);
    const redis = new RedisServer();
    const kakao = new FakeKakao();
    const ports: number[] = [];
    const apis: AppProcess[] = [];
    let kakaoUser = 7000000000;

    const env = (extra: Record<string, string> = {}) => ({
      ...db.env(),
      CASTAD_STAGE: '3',
      REDIS_URL: redis.url,
      KAKAO_CLIENT_ID: 'faults-client',
      KAKAO_APP_ID: '4040',
      KAKAO_AUTH_URL: kakao.url,
      KAKAO_API_URL: kakao.url,
      RATE_LIMIT_PER_MINUTE: '1000000',
      DB_NODE_RESTORE_MS: '3000',
      WORK_DIR: join(dir, 'work'),
      BLOB_LOCAL_ROOT: join(dir, 'blobs'),
      LOG_LEVEL: 'warn',
      ...extra,
    });
    const call = async (
      port: number,
      method: string,
      path: string,
      token?: string,
      body?: unknown,
    ) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const login = async (port: number) => {
      const id = String(++kakaoUser);
      kakao.addUser({ id, nickname: `지연${id.slice(-3)}` });
      const res = await call(port, 'POST', '/v1/auth/kakao/token', undefined, {
        accessToken: kakao.mintToken(id, '4040'),
      });
      expect(res.status).toBe(200);
      return res.body.accessToken as string;
    };

    beforeAll(async () => {
      await Promise.all([db.start(), redis.start(), kakao.start()]);
      kakao.addApp({ clientId: 'faults-client', clientSecret: '', appId: '4040' });
      execFileSync(process.execPath, [join(ROOT, 'dist/apps/cli/src/main.js'), 'migrate'], {
        env: { PATH: process.env.PATH ?? '', ...env() },
        stdio: 'ignore',
      });
      for (let i = 0; i < 2; i++) {
        ports.push(await freePort());
        apis.push(
          new AppProcess(
            'dist/apps/api/src/main.js',
            env({ PORT: String(ports[i]), HOST: '127.0.0.1', INSTANCE_ID: `api-${i + 1}` }),
            join(dir, `api-${i + 1}.log`),
          ).start(),
        );
      }
      await Promise.all(ports.map((p) => waitForHttp(`http://127.0.0.1:${p}/health/live`)));
      await db.waitForReplicas();
    });

    afterAll(async () => {
      await Promise.all(apis.map((a) => a.stop()));
      await kakao.stop();
      await Promise.all([db.destroy(), redis.destroy()]);
      removeDir(dir);
    });

    it('refuses nobody while the replicas lag: login on one instance, first requests on the other at once, and after', async () => {
      // the replicas stop applying what the primary writes: every new user is missing there
      for (const r of db.replicas) await r.query('STOP SLAVE SQL_THREAD');
      const statuses: number[] = [];
      const tokens: string[] = [];
      try {
        for (let i = 0; i < 10; i++) {
          const token = await login(ports[0]);
          tokens.push(token);
          // within a few ms, on the other instance: the user is on the primary only
          const [me, stores, create] = await Promise.all([
            call(ports[1], 'GET', '/v1/me', token),
            call(ports[1], 'GET', '/v1/stores', token),
            call(ports[1], 'POST', '/v1/stores', token, { name: `지연 가게 ${i}` }),
          ]);
          statuses.push(me.status, stores.status, create.status);
        }
      } finally {
        for (const r of db.replicas) await r.query('START SLAVE SQL_THREAD');
      }
      expect(statuses.filter((s) => s >= 400)).toEqual([]);
      // and after the replicas caught up: nothing negative was remembered anywhere
      await db.waitForReplicas();
      for (const token of tokens)
        for (const port of ports)
          expect((await call(port, 'GET', '/v1/me', token)).status).toBe(200);
    });

    it('answers no 5xx when every pooled replica connection was killed (the retry goes elsewhere)', async () => {
      const token = await login(ports[0]);
      await db.waitForReplicas();
      const burst = () =>
        Promise.all(
          Array.from({ length: 24 }, (_, i) =>
            call(ports[i % 2], 'GET', i % 3 ? '/v1/stores' : '/v1/me', token),
          ),
        );
      // warm both instances' replica pools with several idle connections each
      await burst();
      await burst();
      for (const r of db.replicas) expect(await r.killAppConnections()).toBeGreaterThan(0);
      const statuses = (await burst()).map((r) => r.status);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
    });

    it('answers no 5xx when a replica stops under read load', async () => {
      const token = await login(ports[0]);
      await db.waitForReplicas();
      const seen = new Map<number, number>();
      let running = true;
      const worker = async (port: number) => {
        while (running) {
          for (const path of ['/v1/me', '/v1/stores', '/v1/projects']) {
            const s = (await call(port, 'GET', path, token)).status;
            seen.set(s, (seen.get(s) ?? 0) + 1);
          }
        }
      };
      const load = Array.from({ length: 16 }, (_, i) => worker(ports[i % 2]));
      await new Promise((r) => setTimeout(r, 1500));
      // a shutdown while queries run on it: they fail mid-way and its pooled connections die
      await db.replicas[0].stop('SIGTERM');
      await new Promise((r) => setTimeout(r, 4000));
      running = false;
      await Promise.all(load);
      const fivexx = [...seen].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
      expect(fivexx).toBe(0);
      expect(seen.get(200) ?? 0).toBeGreaterThan(100);
      // and it comes back into rotation by itself
      await db.replicas[0].start();
    });
    it('ends a logged-out login on the other instance at once (Redis)', async () => {
      const id = String(++kakaoUser);
      kakao.addUser({ id, nickname: `로그아웃${id.slice(-3)}` });
      const session = (
        await call(ports[0], 'POST', '/v1/auth/kakao/token', undefined, {
          accessToken: kakao.mintToken(id, '4040'),
        })
      ).body;
      expect((await call(ports[1], 'GET', '/v1/me', session.accessToken)).status).toBe(200);
      expect(
        (
          await call(ports[0], 'POST', '/v1/auth/logout', undefined, {
            refreshToken: session.refreshToken,
          })
        ).status,
      ).toBe(204);
      expect((await call(ports[1], 'GET', '/v1/me', session.accessToken)).status).toBe(401);
    });

    it('answers 503 with Retry-After (never 500) while the primary is down, and writes again once it is back', async () => {
      const token = await login(ports[0]);
      await db.primary.stop();
      try {
        const res = await fetch(`http://127.0.0.1:${ports[1]}/v1/stores`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: '주 서버 없는 가게' }),
        });
        expect(res.status).toBe(503);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await res.json()).toMatchObject({
          statusCode: 503,
          message: expect.stringMatching(/database is unavailable/),
        });
      } finally {
        await db.primary.start();
      }
      await waitFor(
        'writes to work again',
        async () =>
          (await call(ports[1], 'POST', '/v1/stores', token, { name: '돌아온 가게' })).status ===
          201,
        30_000,
        500,
      );
    });
  },
);
