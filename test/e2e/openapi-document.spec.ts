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
