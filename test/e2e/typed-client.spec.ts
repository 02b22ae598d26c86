import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import ts from 'typescript';
import { ROOT } from '../harness/app-process';
import { startApi, startScheduler, TestApi } from '../harness/api-app';
import { freePort } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(300_000);

const CLIENT = join(ROOT, 'test/client');

/**
 * A partner's view: a client generated from the committed openapi.json (openapi-typescript +
 * openapi-fetch) compiles under `tsc --strict` with no cast, and runs an owner's whole journey
 * against the real API, each answer checked against its schema in the document.
 */
describe('a typed client generated from openapi.json', () => {
  const dir = tempDir('typed-client');
  const doc = JSON.parse(readFileSync(join(ROOT, 'openapi.json'), 'utf8'));
  let api: TestApi;
  let scheduler: Awaited<ReturnType<typeof startScheduler>>;
  let base = '';

  beforeAll(async () => {
    const { default: openapiTS, astToString } = await import('openapi-typescript');
    mkdirSync(join(CLIENT, 'generated'), { recursive: true });
    writeFileSync(join(CLIENT, 'generated/castad-api.ts'), astToString(await openapiTS(doc)));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = {
      DB_SQLITE_PATH: join(dir, 't.sqlite'),
      BLOB_LOCAL_ROOT: join(dir, 'blobs'),
      WORK_DIR: join(dir, 'work'),
      PIPELINE_POLL_MS: '100',
      PUBLIC_BASE_URL: base,
    };
    api = await startApi(env);
    await api.app.listen(port, '127.0.0.1');
    scheduler = await startScheduler(env);
  });
  afterAll(async () => {
    await scheduler?.close();
    await api?.close();
    removeDir(dir);
  });

  it('compiles under tsc --strict', () => {
    const tsc = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '--strict',
        '--noEmit',
        '--skipLibCheck',
        '--target',
        'es2023',
        '--lib',
        'es2023,dom',
        '--module',
        'preserve',
        '--moduleResolution',
        'bundler',
        '--ignoreDeprecations',
        '6.0',
        '--ignoreConfig',
        join(CLIENT, 'journey.ts'),
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('needs no cast: no type assertion and no non-null assertion in the client code', () => {
    const source = ts.createSourceFile(
      'journey.ts',
      readFileSync(join(CLIENT, 'journey.ts'), 'utf8'),
      ts.ScriptTarget.ES2023,
      true,
    );
    const casts: string[] = [];
    const visit = (n: ts.Node): void => {
      if (
        ts.isAsExpression(n) ||
        ts.isTypeAssertionExpression(n) ||
        ts.isNonNullExpression(n) ||
        ts.isSatisfiesExpression(n)
      )
        casts.push(n.getText(source));
      ts.forEachChild(n, visit);
    };
    visit(source);
    expect(casts).toEqual([]);
  });

  it("runs an owner's journey to a finished video, every answer matching its schema", async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ components: doc.components }, 'openapi.json');
    const checked: string[] = [];
    const check = (path: string, method: string, status: number, body: unknown) => {
      const response = doc.paths[path]?.[method]?.responses?.[String(status)];
      const schema = response?.content?.['application/json']?.schema;
      if (!response)
        throw new Error(`${method} ${path} answered ${status}, which the document does not list`);
      if (schema) {
        const validate = ajv.compile(
          JSON.parse(
            JSON.stringify(schema).replaceAll('"#/components', '"openapi.json#/components'),
          ),
        );
        if (!validate(body))
          throw new Error(`${method} ${path} ${status}: ${ajv.errorsText(validate.errors)}`);
      }
      checked.push(`${method} ${path} ${status}`);
    };
    // loaded by path: the main type-check does not see test/client (its types are generated here)
    const {
      ownerJourney,
    }: {
      ownerJourney: (
        base: string,
        c: typeof check,
      ) => Promise<{ state: string; videoUrl: string; archived: number }>;
    } = await import(join(CLIENT, 'journey'));
    const result = await ownerJourney(base, check);
    expect(result.state).toBe('DONE');
    expect(result.videoUrl).toMatch(/^http/);
    expect(result.archived).toBe(1);
    expect(new Set(checked)).toEqual(
      new Set([
        'post /v1/auth/dev-login 200',
        'get /v1/stores/search 200',
        'post /v1/stores 201',
        'post /v1/projects 202',
        'get /v1/projects/{id} 200',
        'get /v1/projects/{id}/events 200',
        'get /v1/projects/{id}/video 200',
        'get /v1/archive 200',
      ]),
    );
  });
});
