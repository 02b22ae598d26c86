import { join } from 'node:path';
import { BlobStore } from '@app/integrations';
import { startApi, TestApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';

/**
 * Files served by the API on the embedded default (signed links to the local blob folder):
 * Range requests for phones that seek in a video, and no per-minute limit on them.
 */
describe('signed file downloads on the embedded default', () => {
  const dir = tempDir('files');
  let api: TestApi;
  let url: string;
  const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

  beforeAll(async () => {
    api = await startApi({
      DB_SQLITE_PATH: join(dir, 'f.sqlite'),
      BLOB_LOCAL_ROOT: join(dir, 'blobs'),
      RATE_LIMIT_PER_MINUTE: '5',
      PUBLIC_BASE_URL: 'http://localhost',
    });
    const blob = api.app.get(BlobStore);
    await blob.put('video', 'projects/p1/video.mp4', bytes, 'video/mp4');
    const signed = new URL(
      await blob.readUrl('video', 'projects/p1/video.mp4', 600, 'my-video.mp4'),
    );
    url = signed.pathname + signed.search;
  });
  afterAll(async () => {
    await api.close();
    removeDir(dir);
  });

  const get = (headers: Record<string, string> = {}) =>
    api.app.inject({ method: 'GET', url, headers });

  it('answers a whole download with its length and Accept-Ranges', async () => {
    const res = await get();
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      'accept-ranges': 'bytes',
      'content-length': '1000',
      'content-type': 'video/mp4',
    });
    expect(res.headers['content-disposition']).toBe('attachment; filename="my-video.mp4"');
    // user content is never sniffed, framed or scripted
    expect(res.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      // and usable from any page that holds the signed link (<img>, <video>)
      'cross-origin-resource-policy': 'cross-origin',
    });
    expect(res.rawPayload.equals(bytes)).toBe(true);
  });

  it('answers a Range request with 206 and exactly those bytes', async () => {
    const res = await get({ range: 'bytes=100-199' });
    expect(res.statusCode).toBe(206);
    expect(res.headers).toMatchObject({
      'content-range': 'bytes 100-199/1000',
      'content-length': '100',
      'accept-ranges': 'bytes',
      'content-type': 'video/mp4',
    });
    expect(res.rawPayload.equals(bytes.subarray(100, 200))).toBe(true);
    const tail = await get({ range: 'bytes=-10' });
    expect(tail.statusCode).toBe(206);
    expect(tail.rawPayload.equals(bytes.subarray(990))).toBe(true);
  });

  it('answers a range past the end with 416 and the real length', async () => {
    const res = await get({ range: 'bytes=5000-6000' });
    expect(res.statusCode).toBe(416);
    expect(res.headers['content-range']).toBe('bytes */1000');
  });

  it('refuses a tampered link with 404', async () => {
    const res = await api.app.inject({
      method: 'GET',
      url: url.replace(/sig=[^&]+/, 'sig=forged'),
    });
    expect(res.statusCode).toBe(404);
  });

  it('refuses an expiry written any other way than the signed digits ("N.0", "1e9")', async () => {
    const signed = new URL(url, 'http://localhost');
    const exp = signed.searchParams.get('exp')!;
    for (const other of [`${exp}.0`, ` ${exp}`, `0${exp}`.replace(/^0/, '+')]) {
      signed.searchParams.set('exp', other);
      const res = await api.app.inject({ method: 'GET', url: signed.pathname + signed.search });
      expect([other, res.statusCode]).toEqual([other, 404]);
    }
  });

  it('does not count downloads against the per-minute API limit (5 here)', async () => {
    for (let i = 0; i < 12; i++)
      expect((await get({ range: `bytes=${i * 10}-${i * 10 + 9}` })).statusCode).toBe(206);
    // the API itself is still limited for the same client
    const codes = [];
    for (let i = 0; i < 7; i++)
      codes.push(
        (await api.app.inject({ method: 'GET', url: '/v1/stores/search?query=x' })).statusCode,
      );
    expect(codes).toContain(429);
  });
});
