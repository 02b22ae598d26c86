import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { startApi, TestApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';

/** A multipart body as a browser would send it. */
async function multipart(field: string, bytes: Buffer, filename: string, type: string) {
  const form = new FormData();
  form.append(field, new Blob([bytes], { type }), filename);
  const r = new Response(form);
  return {
    payload: Buffer.from(await r.arrayBuffer()),
    contentType: r.headers.get('content-type')!,
  };
}

describe('store photos: upload, import by URL, list, delete', () => {
  const dir = tempDir('photos');
  let api: TestApi;
  let token: string;
  let storeId: string;
  let images: Server;
  let imageHost = '';
  let jpegWithGps: Buffer;

  beforeAll(async () => {
    // a phone photo: EXIF with GPS coordinates and a rotated orientation
    jpegWithGps = await sharp({
      create: { width: 1600, height: 1200, channels: 3, background: '#c33' },
    })
      .jpeg()
      .withExif({
        IFD0: { Make: 'CastadTestPhone' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '35/1 9/1 48/1',
          GPSLongitudeRef: 'E',
          GPSLongitude: '129/1 9/1 36/1',
        },
      })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    images = createServer((q, r) =>
      q.url === '/shop.jpg'
        ? r.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpegWithGps)
        : r.writeHead(404).end(),
    );
    await new Promise<void>((ok) => images.listen(0, '127.0.0.1', ok));
    imageHost = `127.0.0.1:${(images.address() as AddressInfo).port}`;
    api = await startApi({
      DB_SQLITE_PATH: join(dir, 'p.sqlite'),
      BLOB_LOCAL_ROOT: join(dir, 'blobs'),
      PHOTO_MAX_BYTES: '300000',
      PHOTO_MAX_PIXELS: '4000000',
      PHOTOS_PER_STORE: '4',
      FETCH_ALLOW_HOSTS: imageHost,
    });
    token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '사진' } })).body
      .accessToken;
    storeId = (await api.request('POST', '/v1/stores', { token, body: { name: '사진관 국밥' } }))
      .body.id;
  });
  afterAll(async () => {
    await api.close();
    images.close();
    removeDir(dir);
  });

  const upload = async (bytes: Buffer, type = 'image/jpeg', who = token, field = 'photo') => {
    const m = await multipart(field, bytes, 'x', type);
    const res = await api.app.inject({
      method: 'POST',
      url: `/v1/stores/${storeId}/photos`,
      headers: { authorization: `Bearer ${who}`, 'content-type': m.contentType },
      payload: m.payload,
    });
    return { status: res.statusCode, body: res.json() };
  };
  const fetchStored = async (url: string) => {
    const u = new URL(url);
    return (await api.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` })).rawPayload;
  };

  it('stores a JPEG upright and without its EXIF (no GPS location)', async () => {
    expect((await sharp(jpegWithGps).metadata()).exif).toBeDefined();
    expect(jpegWithGps.includes(Buffer.from('CastadTestPhone'))).toBe(true);
    const res = await upload(jpegWithGps);
    expect(res.status).toBe(201);
    // orientation 6 applied: the stored image is portrait
    expect(res.body).toMatchObject({
      contentType: 'image/jpeg',
      width: 1200,
      height: 1600,
      source: 'upload',
      warning: null,
    });
    const stored = await fetchStored(res.body.url);
    const meta = await sharp(stored).metadata();
    expect(meta.exif).toBeUndefined();
    expect(stored.includes(Buffer.from('CastadTestPhone'))).toBe(false);
  });

  it('accepts a photo under 1080 px on its short side with a warning the owner sees; refuses one under 640 px', async () => {
    const store = (await api.request('POST', '/v1/stores', { token, body: { name: '작은 사진' } }))
      .body.id;
    const at = (width: number, height: number) => api.uploadPhoto(store, token, { width, height });
    const soft = await at(960, 720);
    expect(soft.status).toBe(201);
    expect(soft.body.warning).toMatch(/960x720 pixels: the video enlarges it .* may look soft/);
    const listed = (await api.request('GET', `/v1/stores/${store}/photos`, { token })).body.items;
    expect(listed).toMatchObject([{ id: soft.body.id, warning: soft.body.warning }]);
    expect(await at(640, 480)).toMatchObject({
      status: 400,
      body: {
        message: expect.stringMatching(
          /640x480 pixels: too small for the video, which needs at least 640 pixels on the short side/,
        ),
      },
    });
    expect(await at(640, 640)).toMatchObject({
      status: 201,
      body: { warning: expect.any(String) },
    });
    expect(await at(1080, 1920)).toMatchObject({ status: 201, body: { warning: null } });
  });

  it('accepts PNG and WebP; refuses GIF, non-images, too many pixels, too many bytes and a missing field', async () => {
    const png = await sharp({
      create: { width: 640, height: 640, channels: 4, background: '#00f8' },
    })
      .png()
      .toBuffer();
    const webp = await sharp({
      create: { width: 640, height: 640, channels: 3, background: '#0f0' },
    })
      .webp()
      .toBuffer();
    expect((await upload(png, 'image/png')).body.contentType).toBe('image/png');
    expect((await upload(webp, 'image/webp')).body.contentType).toBe('image/webp');
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .gif()
      .toBuffer();
    expect(await upload(gif, 'image/gif')).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/gif images are not accepted/) },
    });
    // named .jpg, declared image/jpeg, but it is text: the content decides
    expect(await upload(Buffer.from('hello, not an image'), 'image/jpeg')).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/not an image/) },
    });
    const huge = await sharp({
      create: { width: 3000, height: 2000, channels: 3, background: '#fff' },
    })
      .jpeg({ quality: 1 })
      .toBuffer();
    expect(await upload(huge)).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/3000x2000 pixels/) },
    });
    expect((await upload(Buffer.alloc(400_000, 1))).status).toBe(413);
    expect(await upload(png, 'image/png', token, 'file')).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/"photo"/) },
    });
    const json = await api.request('POST', `/v1/stores/${storeId}/photos`, {
      token,
      body: { photo: 'x' },
    });
    expect(json.status).toBe(400);
  });

  it('imports from a URL through the SSRF guard and keeps to the per-store limit', async () => {
    const ok = await api.request('POST', `/v1/stores/${storeId}/photos/import`, {
      token,
      body: { url: `http://${imageHost}/shop.jpg` },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.source).toBe('naver');
    expect((await sharp(await fetchStored(ok.body.url)).metadata()).exif).toBeUndefined();
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://127.0.0.1:1/x.jpg',
      'http://[::1]/x.jpg',
      'http://10.0.0.8/x.jpg',
    ]) {
      const res = await api.request('POST', `/v1/stores/${storeId}/photos/import`, {
        token,
        body: { url },
      });
      expect([url, res.status]).toEqual([url, 400]);
      expect(res.body.message).toMatch(/private or reserved/);
    }
    // 4 photos now: the fifth is refused
    expect((await upload(jpegWithGps)).status).toBe(409);
  });

  it('answers a multipart body cut off mid-file with 400, not 500', async () => {
    const png = await sharp({
      create: { width: 640, height: 640, channels: 3, background: '#abc' },
    })
      .png()
      .toBuffer();
    const m = await multipart('photo', png, 'x.png', 'image/png');
    const res = await api.app.inject({
      method: 'POST',
      url: `/v1/stores/${storeId}/photos`,
      headers: { authorization: `Bearer ${token}`, 'content-type': m.contentType },
      payload: m.payload.subarray(0, m.payload.length - 60),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/multipart body is incomplete/);
  });

  it('keeps to the per-store limit under 100 concurrent uploads (4 stored, the rest 409)', async () => {
    const other = (await api.request('POST', '/v1/stores', { token, body: { name: '동시 가게' } }))
      .body.id;
    const png = await sharp({
      create: { width: 640, height: 640, channels: 3, background: '#963' },
    })
      .png()
      .toBuffer();
    const m = await multipart('photo', png, 'x.png', 'image/png');
    const codes = await Promise.all(
      Array.from(
        { length: 100 },
        async () =>
          (
            await api.app.inject({
              method: 'POST',
              url: `/v1/stores/${other}/photos`,
              headers: { authorization: `Bearer ${token}`, 'content-type': m.contentType },
              payload: m.payload,
            })
          ).statusCode,
      ),
    );
    expect(codes.filter((c) => c === 201)).toHaveLength(4);
    expect(codes.filter((c) => c !== 201 && c !== 409)).toEqual([]);
    const listed = (await api.request('GET', `/v1/stores/${other}/photos`, { token })).body.items;
    expect(listed).toHaveLength(4);
    // the refused uploads' files were removed, not left in the blob folder
    expect(readdirSync(join(dir, 'blobs', 'photos', 'stores', other))).toHaveLength(4);
  });

  it('lists and deletes (file included); other people get 404', async () => {
    const list = (await api.request('GET', `/v1/stores/${storeId}/photos`, { token })).body.items;
    expect(list).toHaveLength(4);
    const other = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '남' } }))
      .body.accessToken;
    expect(
      (await api.request('GET', `/v1/stores/${storeId}/photos`, { token: other })).status,
    ).toBe(404);
    expect((await upload(jpegWithGps, 'image/jpeg', other)).status).toBe(404);
    expect(
      (await api.request('DELETE', `/v1/stores/${storeId}/photos/${list[0].id}`, { token: other }))
        .status,
    ).toBe(404);
    expect(
      (await api.request('DELETE', `/v1/stores/${storeId}/photos/${list[0].id}`, { token })).status,
    ).toBe(204);
    const u = new URL(list[0].url);
    expect(
      (await api.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` })).statusCode,
    ).toBe(404);
    expect(
      (await api.request('GET', `/v1/stores/${storeId}/photos`, { token })).body.items,
    ).toHaveLength(3);
  });
});
