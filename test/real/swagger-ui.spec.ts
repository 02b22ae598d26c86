import { join } from 'node:path';
import { describeWithServers } from '../harness/binaries';
import { ARTIFACTS, launchChromium, pageErrors } from '../harness/chromium';
import { startApi, TestApi } from '../harness/api-app';
import { freePort } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(90_000);

type Op = {
  summary?: string;
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};

describeWithServers(['chromium'], 'Swagger UI in headless Chromium', () => {
  const dir = tempDir('swagger');
  let api: TestApi;
  let base = '';

  beforeAll(async () => {
    const port = await freePort();
    api = await startApi({ DB_SQLITE_PATH: join(dir, 's.sqlite'), PORT: String(port) });
    await api.app.listen(port, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await api?.close();
    removeDir(dir);
  });

  it('loads /docs, renders every tag and operation, and saves a screenshot', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 2000 } });
      const errors = pageErrors(page);
      const docs = await page.goto(`${base}/docs`, { waitUntil: 'networkidle' });
      // served under our security headers (helmet), which must not break the page
      expect(docs!.headers()['content-security-policy']).toContain("script-src 'self'");
      expect(docs!.headers()['x-content-type-options']).toBe('nosniff');
      expect(docs!.headers()['x-frame-options']).toBe('DENY');
      await page.waitForSelector('.swagger-ui .opblock', { timeout: 30_000 });
      const doc = (await api.request('GET', '/docs-json')).body as {
        paths: Record<string, Record<string, Op>>;
      };
      const operations = Object.values(doc.paths).reduce(
        (n, ops) => n + Object.keys(ops).length,
        0,
      );
      expect(await page.locator('.swagger-ui .opblock').count()).toBe(operations);
      const tags = await page.locator('.swagger-ui .opblock-tag').allTextContents();
      // a newcomer's first step, sign-in, comes first; operations (admin) last
      expect(tags[0]).toMatch(/^auth/);
      expect(tags[tags.length - 1]).toMatch(/^admin/);
      expect(tags).toEqual(
        expect.arrayContaining([
          expect.stringContaining('projects'),
          expect.stringContaining('social'),
          expect.stringContaining('archive'),
          expect.stringContaining('admin'),
        ]),
      );
      expect(errors).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'swagger-docs.png'), fullPage: false });
    } finally {
      await browser.close();
    }
  });

  it('documents every route with a summary, its request body schema and its response schemas', async () => {
    const doc = (await api.request('GET', '/docs-json')).body as {
      paths: Record<string, Record<string, Op>>;
    };
    const missing: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!op.summary) missing.push(`${method} ${path}: summary`);
        if (
          ['post', 'put', 'patch'].includes(method) &&
          op.requestBody &&
          !Object.values(op.requestBody.content).every((c) => c.schema)
        )
          missing.push(`${method} ${path}: request schema`);
        const success = Object.entries(op.responses).filter(([code]) => /^[23]/.test(code));
        // a method kept only to say it is not allowed there (GET/DELETE /mcp: 405) has none
        if (success.length === 0 && !op.responses['405'])
          missing.push(`${method} ${path}: no success response`);
        // 204 has no body; a redirect or a file stream is described, not schema'd
        for (const [code, r] of success)
          if (
            code.startsWith('2') &&
            code !== '204' &&
            !r.content &&
            !/files|events|callback|kakao|metrics/.test(path)
          )
            missing.push(`${method} ${path}: ${code} schema`);
      }
    }
    expect(missing).toEqual([]);
  });
});
