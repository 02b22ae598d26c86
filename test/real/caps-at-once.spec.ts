import { join } from 'node:path';
import sharp from 'sharp';
import { ApiKeyService } from '@app/domain';
import { startApi, TestApi } from '../harness/api-app';
import { describeWithServers } from '../harness/binaries';
import { ReplicatedMariaDb } from '../harness/mariadb';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(120_000);

/**
 * Caps on MariaDB, where concurrent requests really run in parallel transactions. 100 photo
 * uploads at once store at most the per-store cap (each photo takes one of the store's numbered
 * places, which a unique index gives to one row only); 100 project creations at once make at most
 * the daily limit (the `CALL create_project` path: each project takes one of the day's numbered
 * quota places).
 */
describeWithServers(['mariadbd', 'mariadb-install-db'], 'caps on a real MariaDB', () => {
  const cluster = new ReplicatedMariaDb(0);
  const dir = tempDir('caps-at-once');
  let api: TestApi;
  let key: string;

  beforeAll(async () => {
    await cluster.start();
    api = await startApi(
      cluster.env({
        CASTAD_STAGE: '1',
        DB_MIGRATE_ON_START: 'true',
        BLOB_LOCAL_ROOT: join(dir, 'blobs'),
        PHOTOS_PER_STORE: '5',
        PROJECTS_PER_DAY: '3',
        // the 100 requests at once are the quota's to refuse, not the rate limiter's
        RATE_LIMIT_PER_MINUTE: '1000',
      }),
    );
    const keys = api.get(ApiKeyService);
    await keys.createPartner('Uploader');
    key = (
      await keys.issue('Uploader', [
        'stores:read',
        'stores:write',
        'projects:read',
        'projects:write',
      ])
    ).key;
  });
  afterAll(async () => {
    await api?.close();
    await cluster.destroy();
    removeDir(dir);
  });

  it('stores at most the cap when 100 uploads for one store arrive at once', async () => {
    const store = await api.request('POST', '/v1/stores', { apiKey: key, body: { name: '동시' } });
    expect(store.status).toBe(201);
    const png = await sharp({
      create: { width: 640, height: 640, channels: 3, background: '#468' },
    })
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('photo', new Blob([png], { type: 'image/png' }), 'p.png');
    const body = new Response(form);
    const payload = Buffer.from(await body.arrayBuffer());
    const codes = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const res = await api.app.inject({
          method: 'POST',
          url: `/v1/stores/${store.body.id}/photos`,
          headers: { 'x-api-key': key, 'content-type': body.headers.get('content-type')! },
          payload,
        });
        return res.statusCode;
      }),
    );
    expect(codes.filter((c) => c === 201)).toHaveLength(5);
    expect(codes.filter((c) => c !== 201 && c !== 409)).toEqual([]);
    const listed = await api.request('GET', `/v1/stores/${store.body.id}/photos`, { apiKey: key });
    expect(listed.body.items).toHaveLength(5);
    const [{ n }] = await cluster.primary.query<{ n: number }[]>(
      'SELECT COUNT(*) AS n FROM castad.store_photos WHERE store_id = ?',
      [store.body.id],
    );
    expect(Number(n)).toBe(5);
  });

  it('makes at most the daily limit of projects when 100 creations arrive at once', async () => {
    const store = await api.request('POST', '/v1/stores', { apiKey: key, body: { name: '한도' } });
    expect(store.status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const res = await api.app.inject({
          method: 'POST',
          url: '/v1/projects',
          headers: { 'x-api-key': key, 'content-type': 'application/json' },
          payload: JSON.stringify({ storeId: store.body.id }),
        });
        return { status: res.statusCode, body: res.json() as { message?: string } };
      }),
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(3);
    const refused = answers.filter((a) => a.status !== 202);
    expect(refused).toHaveLength(97);
    for (const a of refused) {
      expect(a.status).toBe(429);
      expect(a.body.message).toContain('daily limit of 3 new projects reached');
    }
    const [{ n }] = await cluster.primary.query<{ n: number }[]>(
      'SELECT COUNT(*) AS n FROM castad.projects WHERE store_id = ?',
      [store.body.id],
    );
    expect(Number(n)).toBe(3);
  });
});
