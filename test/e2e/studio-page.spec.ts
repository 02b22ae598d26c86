import { join } from 'node:path';
import { startApi, TestApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(60_000);

/** The studio page's files, as the API serves them (the browser test drives the page). */
describe('the studio page at /', () => {
  const dir = tempDir('studio-page');
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({ DB_SQLITE_PATH: join(dir, 's.sqlite') });
  });
  afterAll(async () => {
    await api.close();
    removeDir(dir);
  });

  const get = (url: string) => api.app.inject({ method: 'GET', url });

  it('is served on the embedded default, under the API security headers', async () => {
    const page = await get('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).toContain('<script type="module" src="/studio/studio.js"></script>');
  });

  it('has no inline script, style or event handler for the CSP to allow', async () => {
    const html = (await get('/')).body;
    const inline = [
      ...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=/gi),
    ];
    expect(inline.map((m) => m[0])).toEqual([]);
  });

  it('serves its script, style and icon with their types, and nothing else of the folder', async () => {
    const types = {
      '/studio/studio.js': /^text\/javascript/,
      '/studio/studio.css': /^text\/css/,
      '/studio/favicon.svg': /^image\/svg\+xml/,
    };
    for (const [url, type] of Object.entries(types)) {
      const r = await get(url);
      expect({ url, status: r.statusCode }).toEqual({ url, status: 200 });
      expect(r.headers['content-type']).toMatch(type);
    }
    for (const url of [
      '/studio/index.html',
      '/studio/castad-api.d.ts',
      '/studio/tsconfig.json',
      '/studio/..%2Fsrc%2Fmain.ts',
    ])
      expect({ url, status: (await get(url)).statusCode }).toEqual({ url, status: 404 });
  });

  it('is off when STUDIO_ENABLED=false (staged, off is the default)', async () => {
    const off = await startApi({
      DB_SQLITE_PATH: join(dir, 'off.sqlite'),
      STUDIO_ENABLED: 'false',
    });
    try {
      const page = await off.app.inject({ method: 'GET', url: '/' });
      expect(page.statusCode).toBe(404);
      expect((await off.app.inject({ method: 'GET', url: '/studio/studio.js' })).statusCode).toBe(
        404,
      );
    } finally {
      await off.close();
    }
  });
});
