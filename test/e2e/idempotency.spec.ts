import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { MEDIA_LINK_TTL_SEC } from '@app/domain';
import { IdempotencyRepository } from '@app/domain/repositories';
import { startApi, TestApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';

/**
 * Idempotency-Key on creating POSTs: a client that retries (its first answer lost to a 502
 * from a dying instance) gets the first response again instead of a second store or project.
 */
describe('Idempotency-Key', () => {
  const dir = tempDir('idem');
  let api: TestApi;
  let token: string;
  let other: string;
  beforeAll(async () => {
    // an access token that outlives the signed links (the replay below happens 16 minutes on)
    api = await startApi({ DB_SQLITE_PATH: join(dir, 'i.sqlite'), ACCESS_TOKEN_TTL_SEC: '3600' });
    token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '재시도' } })).body
      .accessToken;
    other = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '남' } })).body
      .accessToken;
  });
  afterAll(async () => {
    await api.close();
    removeDir(dir);
  });

  const post = (path: string, body: unknown, key?: string, as = token) =>
    api.request('POST', path, { token: as, body, headers: key ? { 'idempotency-key': key } : {} });
  const myStores = async () =>
    (await api.request('GET', '/v1/stores', { token })).body.items.length;

  it('returns the first response for the same key and body, and creates once', async () => {
    const before = await myStores();
    const first = await post('/v1/stores', { name: '한 번만 가게' }, 'key-store-1');
    const again = await post('/v1/stores', { name: '한 번만 가게' }, 'key-store-1');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await myStores()).toBe(before + 1);
    // a project too (202), once
    const p1 = await post('/v1/projects', { storeId: first.body.id }, 'key-project-1');
    const p2 = await post('/v1/projects', { storeId: first.body.id }, 'key-project-1');
    expect([p1.status, p2.status]).toEqual([202, 202]);
    expect(p2.body.id).toBe(p1.body.id);
  });

  it('answers 409 with Retry-After while the first request with the key is still running', async () => {
    const me = (await api.request('GET', '/v1/me', { token })).body.id;
    const sha = (x: string) => createHash('sha256').update(x).digest('hex');
    const body = { name: '아직 가게' };
    // the first request holds the key (as a request another instance is running would)
    await api.get(IdempotencyRepository).claim({
      id: sha(`user:${me}\nPOST /v1/stores\nkey-running`),
      caller: `user:${me}`,
      requestHash: sha(JSON.stringify({ url: '/v1/stores', body })),
      limit: 1000,
      holder: 'another-instance',
    });
    const res = await post('/v1/stores', body, 'key-running');
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/still in progress/);
    expect(res.headers['retry-after']).toBe('2');
  });

  it('refuses the same key with another body with 422', async () => {
    await post('/v1/stores', { name: '첫 가게' }, 'key-store-2');
    const res = await post('/v1/stores', { name: '다른 가게' }, 'key-store-2');
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/different request/);
  });

  it('keeps keys per caller and per route, and creates every time without a key', async () => {
    const mine = await post('/v1/stores', { name: '같은 키' }, 'shared-key');
    const theirs = await post('/v1/stores', { name: '같은 키' }, 'shared-key', other);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    const before = await myStores();
    await post('/v1/stores', { name: '키 없음' });
    await post('/v1/stores', { name: '키 없음' });
    expect(await myStores()).toBe(before + 2);
  });

  it('does not keep a failed request: the same key can be retried after a fix', async () => {
    const bad = await post(
      '/v1/projects',
      { storeId: '00000000-0000-4000-8000-000000000000' },
      'key-retry',
    );
    expect(bad.status).toBe(404);
    const store = (await post('/v1/stores', { name: '고친 뒤' })).body;
    // the body differs from the failed one, but nothing was recorded for it
    expect((await post('/v1/projects', { storeId: store.id }, 'key-retry')).status).toBe(202);
  });

  it('takes a key on photo uploads (multipart), fingerprinting the file', async () => {
    const store = (await post('/v1/stores', { name: '사진 가게' })).body;
    const upload = (color: string, key: string) =>
      api.uploadPhoto(store.id, token, {
        color,
        width: 640,
        height: 640,
        headers: { 'idempotency-key': key },
      });
    const first = await upload('#a33', 'photo-key-1');
    const again = await upload('#a33', 'photo-key-1');
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.id).toBe(first.body.id);
    expect((await upload('#3a3', 'photo-key-1')).status).toBe(422);
    const photos = (await api.request('GET', `/v1/stores/${store.id}/photos`, { token })).body
      .items;
    expect(photos).toHaveLength(1);
  });

  /** a signed link of ours, fetched as a browser would (no credentials) */
  const fetchLink = (url: string) => {
    const u = new URL(url);
    return api.request('GET', `${u.pathname}${u.search}`);
  };

  it('replays a photo upload with a fresh signed link, after the first one expired', async () => {
    const store = (await post('/v1/stores', { name: '오래된 링크' })).body;
    const upload = () =>
      api.uploadPhoto(store.id, token, { color: '#35a', headers: { 'idempotency-key': 'fresh' } });
    const first = await upload();
    expect(first.status).toBe(201);
    // 16 minutes on: the first answer's link has expired
    const later = Date.now() + (MEDIA_LINK_TTL_SEC + 60) * 1000;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      const again = await upload();
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(first.body.id);
      expect(again.body.url).not.toBe(first.body.url);
      expect((await fetchLink(first.body.url)).status).not.toBe(200);
      expect((await fetchLink(again.body.url)).status).toBe(200);
    } finally {
      clock.mockRestore();
    }
  });

  it('answers 410 to a replay whose photo was deleted since, and creates nothing', async () => {
    const store = (await post('/v1/stores', { name: '지운 사진' })).body;
    const upload = () =>
      api.uploadPhoto(store.id, token, { color: '#5a3', headers: { 'idempotency-key': 'gone' } });
    const first = await upload();
    expect(first.status).toBe(201);
    const removed = await api.request('DELETE', `/v1/stores/${store.id}/photos/${first.body.id}`, {
      token,
    });
    expect(removed.status).toBe(204);
    const again = await upload();
    expect(again.status).toBe(410);
    expect(again.body.message).toMatch(/photo this Idempotency-Key created no longer exists/);
    expect(
      (await api.request('GET', `/v1/stores/${store.id}/photos`, { token })).body.items,
    ).toEqual([]);
  });

  it('bounds the live keys of one caller with a 429 that says what to do', async () => {
    const small = await startApi({
      DB_SQLITE_PATH: join(dir, 'bound.sqlite'),
      IDEMPOTENCY_KEYS_PER_CALLER: '3',
    });
    try {
      const login = async (nickname: string) =>
        (await small.request('POST', '/v1/auth/dev-login', { body: { nickname } })).body
          .accessToken as string;
      const [me, someone] = [await login('많은 키'), await login('다른 이')];
      const create = (key: string | undefined, as = me) =>
        small.request('POST', '/v1/stores', {
          token: as,
          body: { name: `가게 ${key}` },
          headers: key ? { 'idempotency-key': key } : {},
        });
      for (const key of ['b1', 'b2', 'b3']) expect((await create(key)).status).toBe(201);
      const refused = await create('b4');
      expect(refused.status).toBe(429);
      expect(refused.body.message).toMatch(/3 Idempotency-Keys/);
      expect(refused.body.message).toMatch(/reuse a key only to retry the same request/);
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(23 * 3600);
      expect(retryAfter).toBeLessThanOrEqual(24 * 3600);
      // a retry with a held key still replays; no key, or another caller, still creates
      expect((await create('b1')).headers['idempotent-replayed']).toBe('true');
      expect((await create(undefined)).status).toBe(201);
      expect((await create('b4', someone)).status).toBe(201);
    } finally {
      await small.close();
    }
  });

  it('refuses a malformed key with 400 and documents the header', async () => {
    const res = await post('/v1/stores', { name: 'x' }, 'bad key with spaces');
    expect(res.status).toBe(400);
    const doc = (await api.request('GET', '/docs-json')).body;
    for (const [path, method] of [
      ['/v1/stores/{id}/photos', 'post'],
      ['/v1/stores', 'post'],
      ['/v1/projects', 'post'],
      ['/v1/projects/{id}/uploads', 'post'],
    ])
      expect(doc.paths[path][method].parameters.map((p: { name: string }) => p.name)).toContain(
        'Idempotency-Key',
      );
  });
});
