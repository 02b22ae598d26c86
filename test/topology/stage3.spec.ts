import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { planCapacity } from '@app/domain';
import { FakeCreatomate } from '../fakes/creatomate.fake';
import { FakeKakao } from '../fakes/kakao.fake';
import { FakeSuno } from '../fakes/suno.fake';
import { FakeGoogle } from '../fakes/google.fake';
import { FakeInstagram } from '../fakes/instagram.fake';
import { FakeNaver } from '../fakes/naver.fake';
import { FakeOpenAi } from '../fakes/openai.fake';
import { fakeEnv } from '../fakes/env';
import { AppProcess, ROOT, waitForHttp } from '../harness/app-process';
import { AzuriteServer } from '../harness/azurite';
import { describeWithServers } from '../harness/binaries';
import { httpsGet } from '../harness/https';
import { ReplicatedMariaDb } from '../harness/mariadb';
import { NginxServer } from '../harness/nginx';
import { freePort, waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';
import { RedisServer } from '../harness/redis';
import { request } from 'node:https';

jest.setTimeout(600_000);

/** A request through nginx's TLS port, with a body when given. */
function viaNginx(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> {
  return new Promise((ok, fail) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        rejectUnauthorized: false,
        timeout: 20_000,
        headers: {
          ...headers,
          ...(payload
            ? {
                'content-type': 'application/json',
                'content-length': String(Buffer.byteLength(payload)),
              }
            : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON */
          }
          ok({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', fail);
    req.end(payload);
  });
}

describeWithServers(
  ['mariadbd', 'mariadb-install-db', 'redis-server', 'nginx'],
  'stage 3 on one machine: nginx -> 3 API -> MariaDB primary + 2 replicas, Redis, one scheduler',
  () => {
    const dir = tempDir('topology');
    const db = new ReplicatedMariaDb(2);
    const redis = new RedisServer();
    const azurite = new AzuriteServer();
    const kakao = new FakeKakao();
    const suno = new FakeSuno();
    const creatomate = new FakeCreatomate();
    const openai = new FakeOpenAi();
    const naver = new FakeNaver();
    const google = new FakeGoogle();
    const instagram = new FakeInstagram();
    const nginx = new NginxServer();
    const apis: AppProcess[] = [];
    let scheduler: AppProcess;
    const apiPorts: number[] = [];
    let kakaoUser = 5000000000;

    const env = (extra: Record<string, string> = {}) => ({
      ...db.env(),
      CASTAD_STAGE: '3',
      REDIS_URL: redis.url,
      DISPATCH_DRIVER: 'bull',
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      KAKAO_CLIENT_ID: 'topology-client',
      KAKAO_APP_ID: '3030',
      KAKAO_AUTH_URL: kakao.url,
      KAKAO_API_URL: kakao.url,
      SONG_ENGINE: 'suno',
      SUNO_BASE_URL: suno.url,
      SUNO_API_KEY: suno.apiKey,
      SUNO_DEDUPES_IDEMPOTENCY_KEY: 'true',
      VIDEO_ENGINE: 'creatomate',
      CREATOMATE_BASE_URL: creatomate.url,
      CREATOMATE_API_KEY: creatomate.apiKey,
      CREATOMATE_TEMPLATE_ID: 'tpl',
      CREATOMATE_DEDUPES_IDEMPOTENCY_KEY: 'true',
      VIDEO_FALLBACK_TO_FFMPEG: 'false',
      ...fakeEnv.openai(openai),
      ...fakeEnv.naver(naver),
      ...fakeEnv.google(google),
      ...fakeEnv.instagram(instagram),
      SOCIAL_TOKEN_KEY: 'ab'.repeat(32),
      PUBLISH_POLL_MS: '200',
      PUBLIC_BASE_URL: `https://127.0.0.1:${nginx.tlsPort}`,
      TRUSTED_PROXIES: '127.0.0.1',
      RATE_LIMIT_PER_MINUTE: '400',
      PIPELINE_POLL_MS: '100',
      PIPELINE_LEASE_MS: '4000',
      SONG_POLL_MS: '200',
      VIDEO_POLL_MS: '200',
      DB_NODE_RESTORE_MS: '500',
      WORK_DIR: join(dir, 'work'),
      ...extra,
    });

    const login = async () => {
      const id = String(++kakaoUser);
      kakao.addUser({ id, nickname: `사장${id.slice(-3)}` });
      const res = await viaNginx(
        nginx.tlsPort,
        'POST',
        '/v1/auth/kakao/token',
        {},
        { accessToken: kakao.mintToken(id, '3030') },
      );
      expect(res.status).toBe(200);
      return res.body.accessToken as string;
    };

    beforeAll(async () => {
      await Promise.all([
        db.start(),
        redis.start(),
        azurite.start(),
        kakao.start(),
        suno.start(),
        creatomate.start(),
        openai.start(),
        naver.start(),
        google.start(),
        instagram.start(),
      ]);
      kakao.addApp({ clientId: 'topology-client', clientSecret: '', appId: '3030' });
      for (let i = 0; i < 3; i++) apiPorts.push(await freePort());
      // nginx first (its port goes into PUBLIC_BASE_URL), then the apps behind it
      await nginx.startProductConfig(apiPorts);
      execFileSync(process.execPath, [join(ROOT, 'dist/apps/cli/src/main.js'), 'migrate'], {
        env: { PATH: process.env.PATH ?? '', ...env() },
        stdio: 'ignore',
      });
      apiPorts.forEach((port, i) =>
        apis.push(
          new AppProcess(
            'dist/apps/api/src/main.js',
            env({ PORT: String(port), HOST: '127.0.0.1', INSTANCE_ID: `api-${i + 1}` }),
            join(dir, `api-${i + 1}.log`),
          ).start(),
        ),
      );
      await Promise.all(apiPorts.map((p) => waitForHttp(`http://127.0.0.1:${p}/health/live`)));
      scheduler = new AppProcess(
        'dist/apps/scheduler/src/main.js',
        env({ INSTANCE_ID: 'scheduler-1' }),
        join(dir, 'scheduler.log'),
      ).start();
    });

    afterAll(async () => {
      await Promise.all([scheduler, ...apis].map((p) => p?.stop()));
      await nginx.destroy();
      await Promise.all([
        kakao.stop(),
        suno.stop(),
        creatomate.stop(),
        openai.stop(),
        naver.stop(),
        google.stop(),
        instagram.stop(),
      ]);
      await Promise.all([db.destroy(), redis.destroy(), azurite.destroy()]);
      removeDir(dir);
    });

    it('spreads requests carrying one JWT over all 3 instances, all succeeding', async () => {
      const token = await login();
      const seen = new Map<string, number>();
      const results = await Promise.all(
        Array.from({ length: 60 }, () =>
          viaNginx(nginx.tlsPort, 'GET', '/v1/me', { authorization: `Bearer ${token}` }),
        ),
      );
      for (const r of results) {
        expect(r.status).toBe(200);
        const id = String(r.headers['x-instance-id']);
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      expect([...seen.keys()].sort()).toEqual(['api-1', 'api-2', 'api-3']);
    });

    it('serves reads from the replicas and writes on the primary (server counters)', async () => {
      const token = await login();
      const auth = { authorization: `Bearer ${token}` };
      const before = await Promise.all(
        [db.primary, ...db.replicas].map(async (s) => ({
          insert: await s.globalStatus('Com_insert'),
          select: await s.globalStatus('Com_select'),
        })),
      );
      for (let i = 0; i < 10; i++)
        expect(
          (await viaNginx(nginx.tlsPort, 'POST', '/v1/stores', auth, { name: `가게 ${i}` })).status,
        ).toBe(201);
      await db.waitForReplicas();
      for (let i = 0; i < 40; i++)
        expect((await viaNginx(nginx.tlsPort, 'GET', '/v1/stores?limit=5', auth)).status).toBe(200);
      const after = await Promise.all(
        [db.primary, ...db.replicas].map(async (s) => ({
          insert: await s.globalStatus('Com_insert'),
          select: await s.globalStatus('Com_select'),
        })),
      );
      expect(after[0].insert - before[0].insert).toBeGreaterThanOrEqual(10);
      const replicaSelects = [
        after[1].select - before[1].select,
        after[2].select - before[2].select,
      ];
      expect(replicaSelects[0] + replicaSelects[1]).toBeGreaterThanOrEqual(40);
      expect(replicaSelects.every((n) => n > 0)).toBe(true); // both replicas take reads
    });

    it("keeps the primary's connections within the capacity planner's budget under load", async () => {
      const budget = planCapacity('3', 3).primaryTotal; // 3 x 10 + scheduler 6 + CLI 2
      const tokens = await Promise.all(Array.from({ length: 6 }, () => login()));
      let peak = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          peak = Math.max(
            peak,
            (await db.primary.globalStatus('Threads_connected')) - 1 - db.replicas.length,
          ); // minus our probe and the replicas' dump threads
          await new Promise((r) => setTimeout(r, 25));
        }
      })();
      await Promise.all(
        tokens.map((t) =>
          Promise.all(
            Array.from({ length: 40 }, (_, i) =>
              viaNginx(
                nginx.tlsPort,
                i % 4 ? 'GET' : 'POST',
                i % 4 ? '/v1/me' : '/v1/stores',
                { authorization: `Bearer ${t}` },
                i % 4 ? undefined : { name: '부하' },
              ),
            ),
          ),
        ),
      );
      sampling = false;
      await sampler;
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(budget);
    });

    it('runs the whole user journey through nginx: search, OpenAI lyrics, song, video, archive, YouTube and Instagram', async () => {
      const auth = { authorization: `Bearer ${await login()}` };
      const found = await viaNginx(
        nginx.tlsPort,
        'GET',
        `/v1/stores/search?query=${encodeURIComponent('해운대')}`,
        auth,
      );
      expect(found.body.source).toBe('naver');
      expect(found.body.items[0]).toMatchObject({ name: '해운대 할매국밥 & 수육' });
      const store = await viaNginx(nginx.tlsPort, 'POST', '/v1/stores', auth, {
        ...found.body.items[0],
        link: undefined,
        source: 'naver',
        menu: [{ name: '돼지국밥' }],
      });
      expect(store.status).toBe(201);
      // an edit shows on every instance at once (the shared cache holds the new copy, not a stale one)
      expect(
        (await viaNginx(nginx.tlsPort, 'GET', `/v1/stores/${store.body.id}`, auth)).body.phone,
      ).toBeNull();
      expect(
        (
          await viaNginx(nginx.tlsPort, 'PATCH', `/v1/stores/${store.body.id}`, auth, {
            phone: '051-742-0000',
          })
        ).status,
      ).toBe(200);
      for (let i = 0; i < 6; i++)
        expect(
          (await viaNginx(nginx.tlsPort, 'GET', `/v1/stores/${store.body.id}`, auth)).body.phone,
        ).toBe('051-742-0000');
      const project = await viaNginx(nginx.tlsPort, 'POST', '/v1/projects', auth, {
        storeId: store.body.id,
        lengthSec: 15,
        keywords: ['40년 전통'],
      });
      expect(project.status).toBe(202);
      const id = project.body.id;
      await waitFor(
        'lyrics',
        async () =>
          (await viaNginx(nginx.tlsPort, 'GET', `/v1/projects/${id}`, auth)).body.state ===
          'LYRICS_READY',
        60_000,
        200,
      );
      const [v1] = (await viaNginx(nginx.tlsPort, 'GET', `/v1/projects/${id}/lyrics`, auth)).body;
      expect(v1).toMatchObject({ source: 'openai', title: '해운대 할매국밥 & 수육 송' });
      const edited = await viaNginx(nginx.tlsPort, 'PUT', `/v1/projects/${id}/lyrics`, auth, {
        title: v1.title,
        sections: [...v1.sections, { name: 'outro', lines: ['해운대에서 만나요'] }],
      });
      expect(edited.status).toBe(200);
      expect(
        (await viaNginx(nginx.tlsPort, 'POST', `/v1/projects/${id}/lyrics/approve`, auth, {}))
          .status,
      ).toBe(202);
      await waitFor(
        'clips',
        async () =>
          (await viaNginx(nginx.tlsPort, 'GET', `/v1/projects/${id}`, auth)).body.state ===
          'SONG_READY',
        60_000,
        200,
      );
      const clips = (await viaNginx(nginx.tlsPort, 'GET', `/v1/projects/${id}/song`, auth)).body;
      expect(clips).toHaveLength(2);
      expect(
        (
          await viaNginx(nginx.tlsPort, 'POST', `/v1/projects/${id}/song/select`, auth, {
            clipId: clips[0].id,
          })
        ).status,
      ).toBe(202);
      await waitFor(
        'done',
        async () =>
          (await viaNginx(nginx.tlsPort, 'GET', `/v1/projects/${id}`, auth)).body.state === 'DONE',
        60_000,
        200,
      );
      const archive = (await viaNginx(nginx.tlsPort, 'GET', '/v1/archive', auth)).body;
      expect(archive.items.map((a: { projectId: string }) => a.projectId)).toEqual([id]);
      // the download link is a short-lived SAS URL on Azure Blob (Azurite)
      const file = await fetch(archive.items[0].videoUrl);
      expect(file.status).toBe(200);
      expect(Buffer.from(await file.arrayBuffer()).equals(creatomate.videoBytes)).toBe(true);

      // Social: connect both platforms through their consent pages, then SNS: publish to both
      const accounts: string[] = [];
      for (const platform of ['youtube', 'instagram']) {
        const start = await viaNginx(nginx.tlsPort, 'GET', `/v1/social/${platform}/connect`, auth);
        expect(start.status).toBe(200);
        const consent = await fetch(start.body.authorizeUrl, { redirect: 'manual' });
        const back = new URL(consent.headers.get('location')!);
        expect(back.origin).toBe(`https://127.0.0.1:${nginx.tlsPort}`);
        const connected = await viaNginx(nginx.tlsPort, 'GET', `${back.pathname}${back.search}`);
        expect(connected.status).toBe(200);
        accounts.push(connected.body.id);
      }
      // tokens are stored sealed: never in the clear in the database
      const rows = await db.primary.query<
        { access_token_enc: string; refresh_token_enc: string | null }[]
      >('SELECT access_token_enc, refresh_token_enc FROM castad.social_accounts');
      expect(rows).toHaveLength(2);
      for (const r of rows)
        expect(`${r.access_token_enc} ${r.refresh_token_enc}`).not.toMatch(
          /g-access|g-refresh|IGlong/,
        );
      const up = await viaNginx(nginx.tlsPort, 'POST', `/v1/projects/${id}/uploads`, auth, {
        accounts,
        title: '해운대 할매국밥',
        description: '40년 전통',
        tags: ['국밥'],
        privacy: 'unlisted',
      });
      expect(up.status).toBe(202);
      const published = await waitFor(
        'published',
        async () => {
          const items = (await viaNginx(nginx.tlsPort, 'GET', `/v1/projects/${id}/uploads`, auth))
            .body.items as { state: string; postUrl: string; error: string | null }[];
          if (items.some((i) => i.state === 'failed'))
            throw new Error(items.map((i) => i.error).join('; '));
          return items.every((i) => i.state === 'published') ? items : undefined;
        },
        60_000,
        250,
      );
      expect(published.map((p) => new URL(p.postUrl).host)).toEqual([
        'www.youtube.com',
        'www.instagram.com',
      ]);
      expect([...google.videos.values()].some((v) => v.bytes.equals(creatomate.videoBytes))).toBe(
        true,
      );
      // Instagram fetched the video itself, from a SAS URL
      expect(
        [...instagram.containers.values()].some(
          (c) => c.videoBytes === creatomate.videoBytes.length,
        ),
      ).toBe(true);
    });

    it('holds the rate limit across instances: over the limit, 429 whichever instance answers', async () => {
      const token = await login();
      const results = await Promise.all(
        Array.from({ length: 460 }, () =>
          viaNginx(nginx.tlsPort, 'GET', '/v1/me', { authorization: `Bearer ${token}` }),
        ),
      );
      const ok = results.filter((r) => r.status === 200).length;
      const limited = results.filter((r) => r.status === 429);
      expect(ok).toBe(400);
      expect(limited).toHaveLength(60);
      // and then, one request after another (spread over all instances): every one refused
      const after = [];
      for (let i = 0; i < 30; i++)
        after.push(
          await viaNginx(nginx.tlsPort, 'GET', '/v1/me', { authorization: `Bearer ${token}` }),
        );
      expect(after.map((r) => r.status)).toEqual(Array(30).fill(429));
      expect(new Set(after.map((r) => r.headers['x-instance-id'])).size).toBe(3);
    });

    it('serves every read through a Redis stop and start (no 5xx), and pipelines resume', async () => {
      const auth = { authorization: `Bearer ${await login()}` };
      const store = await viaNginx(nginx.tlsPort, 'POST', '/v1/stores', auth, {
        name: '레디스 분식',
      });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++)
        ids.push(
          (
            await viaNginx(nginx.tlsPort, 'POST', '/v1/projects', auth, {
              storeId: store.body.id,
              autopilot: true,
              lengthSec: 15,
            })
          ).body.id,
        );
      await redis.stop();
      const during = [];
      for (let i = 0; i < 30; i++)
        during.push(
          (await viaNginx(nginx.tlsPort, 'GET', `/v1/stores/${store.body.id}`, auth)).status,
        );
      expect(during.filter((s) => s >= 500)).toEqual([]);
      const ready = await httpsGet(nginx.tlsPort, '/health/ready');
      expect(ready.status).toBe(200);
      expect(JSON.parse(ready.body).status).toBe('degraded');
      await redis.start();
      await waitFor(
        'the projects to finish',
        async () => {
          const states = await Promise.all(
            ids.map(
              async (id) =>
                (await viaNginx(nginx.tlsPort, 'GET', `/v1/projects/${id}`, auth)).body.state,
            ),
          );
          return states.every((s) => s === 'DONE');
        },
        120_000,
        300,
      );
    });

    it('loses no write and fails no idempotent request when an API instance is killed under load', async () => {
      let n = 0;
      // several users, so the load stays under each user's rate limit
      const auths = await Promise.all(
        Array.from({ length: 5 }, async () => ({ authorization: `Bearer ${await login()}` })),
      );
      const auth = () => auths[n % auths.length];
      const reads: number[] = [];
      const writes: { status: number; id?: string; name: string }[] = [];
      const load = (async () => {
        const end = Date.now() + 3000;
        while (Date.now() < end) {
          const batch = await Promise.all(
            Array.from({ length: 6 }, (_, i) =>
              i % 3 === 0
                ? (() => {
                    const name = `쓰기 ${n++}`;
                    return viaNginx(nginx.tlsPort, 'POST', '/v1/stores', auth(), { name }).then(
                      (r) => writes.push({ status: r.status, id: r.body?.id, name }),
                    );
                  })()
                : viaNginx(nginx.tlsPort, 'GET', '/v1/me', auths[(n + i) % auths.length]).then(
                    (r) => reads.push(r.status),
                  ),
            ),
          );
          void batch;
        }
      })();
      await new Promise((r) => setTimeout(r, 800));
      apis[2].signal('SIGKILL');
      await load;
      expect(reads.length).toBeGreaterThan(20);
      expect(reads.filter((s) => s !== 200)).toEqual([]);
      // every write the client was told succeeded is in the database
      const acknowledged = writes.filter((w) => w.status === 201);
      expect(acknowledged.length).toBeGreaterThan(5);
      const rows = await db.primary.query<{ id: string }[]>(
        `SELECT id FROM castad.stores WHERE id IN (${acknowledged.map(() => '?').join(',')})`,
        acknowledged.map((w) => w.id),
      );
      expect(rows).toHaveLength(acknowledged.length);
    });
  },
);
