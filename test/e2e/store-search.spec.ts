import { join } from 'node:path';
import { FakeNaver } from '../fakes/naver.fake';
import { startApi, TestApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';

describe('store search over HTTP', () => {
  const dir = tempDir('search');
  afterAll(() => removeDir(dir));

  it('finds sample stores offline, and a result becomes a store', async () => {
    const api = await startApi({ DB_SQLITE_PATH: join(dir, 'a.sqlite') });
    try {
      const token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 's' } }))
        .body.accessToken;
      const res = await api.request(
        'GET',
        `/v1/stores/search?query=${encodeURIComponent('해운대 국밥')}`,
        { token },
      );
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ source: 'sample', items: [{ name: '해운대 할매국밥' }] });
      // a result posts as it is, its null link and facts too, with the list's source
      const created = await api.request('POST', '/v1/stores', {
        token,
        body: { ...res.body.items[0], source: res.body.source },
      });
      expect(created.status).toBe(201);
      expect(created.body.source).toBe('sample');
      expect((await api.request('GET', '/v1/stores/search?query=', { token })).status).toBe(400);
    } finally {
      await api.close();
    }
  });

  it('takes a place whose facts are null (none listed), and clears a fact with null on PATCH', async () => {
    const api = await startApi({ DB_SQLITE_PATH: join(dir, 'nulls.sqlite') });
    try {
      const token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'n' } }))
        .body.accessToken;
      const place = {
        name: '널 분식',
        category: null,
        address: null,
        roadAddress: '서울 중구 세종대로 3',
        phone: '02-123-4567',
        latitude: null,
        longitude: null,
        menu: null,
        sourceRef: null,
      };
      const created = await api.request('POST', '/v1/stores', { token, body: place });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: '널 분식', category: null, phone: '02-123-4567' });
      const cleared = await api.request('PATCH', `/v1/stores/${created.body.id}`, {
        token,
        body: { phone: null },
      });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ phone: null, roadAddress: '서울 중구 세종대로 3' });
      // the name is required: it cannot be cleared
      const nameless = await api.request('PATCH', `/v1/stores/${created.body.id}`, {
        token,
        body: { name: null },
      });
      expect(nameless.status).toBe(400);
    } finally {
      await api.close();
    }
  });

  it('takes menu prices as text or as numbers of won, and stores them in one format', async () => {
    const api = await startApi({ DB_SQLITE_PATH: join(dir, 'prices.sqlite') });
    try {
      const token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'p' } }))
        .body.accessToken;
      const created = await api.request('POST', '/v1/stores', {
        token,
        body: {
          name: '가격집',
          menu: [
            { name: '국밥', price: 9000 },
            { name: '수육', price: '25000' },
            { name: '특', price: '12,000원' },
            { name: '회', price: '시가' },
            { name: '물' },
          ],
        },
      });
      expect(created.status).toBe(201);
      const stored = [
        { name: '국밥', price: '9,000원' },
        { name: '수육', price: '25,000원' },
        { name: '특', price: '12,000원' },
        { name: '회', price: '시가' },
        { name: '물' },
      ];
      expect(created.body.menu).toEqual(stored);
      const id = created.body.id;
      expect((await api.request('GET', `/v1/stores/${id}`, { token })).body.menu).toEqual(stored);
      const patched = await api.request('PATCH', `/v1/stores/${id}`, {
        token,
        body: { menu: [{ name: '국밥', price: 10000 }] },
      });
      expect(patched.body.menu).toEqual([{ name: '국밥', price: '10,000원' }]);
      for (const price of [-1, 9.5, 'x'.repeat(31)]) {
        const bad = await api.request('POST', '/v1/stores', {
          token,
          body: { name: '가격집', menu: [{ name: '국밥', price }] },
        });
        expect({ price, status: bad.status, message: bad.body.message }).toEqual({
          price,
          status: 400,
          message: expect.stringContaining(
            'price must be text of at most 30 characters or a whole number of won',
          ),
        });
      }
    } finally {
      await api.close();
    }
  });

  it('asks Naver once and serves repeats from the cache', async () => {
    const naver = new FakeNaver();
    await naver.start();
    let api: TestApi | undefined;
    try {
      api = await startApi({
        DB_SQLITE_PATH: join(dir, 'b.sqlite'),
        STORE_SEARCH_ENGINE: 'naver',
        NAVER_BASE_URL: naver.url,
        NAVER_CLIENT_ID: naver.clientId,
        NAVER_CLIENT_SECRET: naver.clientSecret,
      });
      const token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'n' } }))
        .body.accessToken;
      for (let i = 0; i < 3; i++)
        expect(
          (await api.request('GET', '/v1/stores/search?query=해운대', { token })).body.items[0]
            .name,
        ).toBe('해운대 할매국밥 & 수육');
      expect(naver.count('GET', '/v1/search/local.json')).toBe(1);
      naver.failNext(1, { status: 500, body: { errorMessage: 'System error', errorCode: 'SE99' } });
      expect((await api.request('GET', '/v1/stores/search?query=다른곳', { token })).status).toBe(
        503,
      );
      // a result becomes a store; its photos come from the image search (cached too), its details say why they are missing
      const found = (await api.request('GET', '/v1/stores/search?query=해운대', { token })).body
        .items[0];
      const store = (
        await api.request('POST', '/v1/stores', {
          token,
          // as it is: its link is kept as the store's source reference (its page, below)
          body: { ...found, source: 'naver' },
        })
      ).body;
      for (let i = 0; i < 2; i++) {
        const photos = await api.request('GET', `/v1/stores/${store.id}/photo-candidates`, {
          token,
        });
        expect(photos.body).toMatchObject({
          source: 'naver',
          items: [
            { url: 'https://search.pstatic.net/common/?src=a.jpg', width: 1200 },
            { title: '국밥 & 수육' },
          ],
        });
      }
      expect(naver.count('GET', '/v1/search/image.json')).toBe(1);
      const other = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'o' } }))
        .body.accessToken;
      expect(
        (await api.request('GET', `/v1/stores/${store.id}/photo-candidates`, { token: other }))
          .status,
      ).toBe(404);
      const details = await api.request('GET', `/v1/stores/${store.id}/place-details`, { token });
      // example.com is not reachable from here: a clear "not available", not an error
      expect(details.status).toBe(200);
      expect(details.body.available).toBe(false);
      expect(details.body.reason).toMatch(/^the store's page could not be read/);
    } finally {
      await api?.close();
      await naver.stop();
    }
  });
});
