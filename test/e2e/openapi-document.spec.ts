import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../harness/app-process';
import { routesOf, startApi, TestApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(60_000);

type Op = {
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
};

/** The committed OpenAPI document (openapi.json): what the app serves, and lint-clean. */
describe('the OpenAPI document', () => {
  const dir = tempDir('openapi');
  let api: TestApi;
  let served: { paths: Record<string, Record<string, Op>> };
  beforeAll(async () => {
    api = await startApi({ DB_SQLITE_PATH: join(dir, 'o.sqlite') });
    served = (await api.request('GET', '/docs-json')).body;
  });
  afterAll(async () => {
    await api.close();
    removeDir(dir);
  });

  it('is committed exactly as the app serves it (npm run openapi rewrites it)', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8'));
    expect(served).toEqual(committed);
  });

  it('documents the statuses these routes answer beyond the bad-input walk, and none they never send', () => {
    const codes = (path: string, method: string) =>
      Object.keys((served.paths[path][method] as Op).responses);
    const files = codes('/v1/files/{container}/{key}', 'get');
    expect(files).toEqual(expect.arrayContaining(['200', '206', '404', '416']));
    expect(files).not.toContain('429'); // signed downloads are not rate limited
    expect(codes('/v1/projects', 'post')).toEqual(expect.arrayContaining(['404', '413', '415']));
    expect(codes('/v1/stores', 'post')).toEqual(expect.arrayContaining(['413', '415']));
    for (const [path, method] of [
      ['/v1/auth/kakao', 'get'],
      ['/v1/auth/kakao/callback', 'get'],
      ['/v1/auth/kakao/token', 'post'],
    ])
      expect({ path, codes: codes(path, method) }).toEqual({
        path,
        codes: expect.arrayContaining(['503']),
      });
    // one optional Last-Event-ID: a typed client opens a first stream without it
    const events = served.paths['/v1/projects/{id}/events'].get as Op & {
      parameters: { in: string; name: string; required?: boolean }[];
    };
    expect(events.parameters.filter((p) => p.in === 'header')).toEqual([
      expect.objectContaining({ name: 'Last-Event-ID', required: false }),
    ]);
  });

  it('passes Redocly lint (recommended) with no error and no warning left without a reason', () => {
    const lint = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/@redocly/cli/bin/cli.js'),
        'lint',
        'openapi.json',
        '--format=summary',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    const out = lint.stdout + lint.stderr;
    expect({
      status: lint.status,
      problems: out.split('\n').filter((l) => /^(error|warning)\s/.test(l)),
    }).toEqual({ status: 0, problems: [] });
  });

  it('documents the shared error body on every operation that can fail, and security on every one', () => {
    const gaps: string[] = [];
    for (const [path, ops] of Object.entries(served.paths))
      for (const [method, op] of Object.entries(ops)) {
        if (!Array.isArray(op.security)) gaps.push(`${method} ${path}: no security requirement`);
        for (const [code, r] of Object.entries(op.responses))
          if (
            /^4/.test(code) &&
            r.content?.['application/json']?.schema?.$ref !== '#/components/schemas/ErrorBodyDto'
          )
            gaps.push(`${method} ${path} ${code}: not the error schema`);
        if (op.security?.length && !op.responses['401'])
          gaps.push(`${method} ${path}: secured without 401`);
      }
    expect(gaps).toEqual([]);
    // security [] exactly on the routes the router treats as public (@Public)
    // (/metrics is @Public to the router but checks an admin token itself outside METRICS_ALLOW_CIDRS)
    for (const r of routesOf(api.app).filter((x) => x.path !== '/metrics')) {
      const op = served.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
      if (op)
        expect({ route: `${r.method} ${r.path}`, public: op.security!.length === 0 }).toEqual({
          route: `${r.method} ${r.path}`,
          public: r.isPublic,
        });
    }
    // public routes say so
    expect(served.paths['/v1/auth/dev-login'].post.security).toEqual([]);
    expect(served.paths['/v1/projects'].post.security).not.toEqual([]);
  });
});
