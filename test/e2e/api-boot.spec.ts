import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@app/domain';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { removeDir, tempDir } from '../harness/process';

describe('the API on the embedded default', () => {
  const dir = tempDir('api');
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const config = loadConfig(
      {
        DB_SQLITE_PATH: join(dir, 'castad.sqlite'),
        LOG_LEVEL: 'silent',
        INSTANCE_ID: 'api-test-1',
      },
      'api',
    );
    app = await createApiApp(config);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
    removeDir(dir);
  });

  it('is live and ready, with the SQLite primary up', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({
      status: 'ok',
    });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ok',
      details: { 'db:primary': { status: 'up' } },
    });
  });

  it('serves Swagger UI at /docs and the OpenAPI JSON at /docs-json with both auth schemes', async () => {
    const ui = await app.inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger-ui');
    const doc = (await app.inject({ method: 'GET', url: '/docs-json' })).json();
    expect(doc.info.title).toBe('CastAD API');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health/live', '/health/ready']),
    );
    expect(doc.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      'api-key': { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
  });

  it('echoes a sane X-Request-Id from the proxy, makes one otherwise, and names the instance', async () => {
    const given = await app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-request-id': 'nginx-req-42' },
    });
    expect(given.headers['x-request-id']).toBe('nginx-req-42');
    expect(given.headers['x-instance-id']).toBe('api-test-1');
    const made = await app.inject({ method: 'GET', url: '/health/live' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-request-id': 'a b\tc<script>' },
    });
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with a JSON 404, not a 500', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ statusCode: 404 });
  });
});

describe('two API apps in one process', () => {
  const dir = tempDir('api-pair');
  const apps: NestFastifyApplication[] = [];

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    removeDir(dir);
  });

  it('each runs on the configuration it was given', async () => {
    for (const [name, limit] of [
      ['a', '2'],
      ['b', '100'],
    ] as const) {
      const config = loadConfig(
        {
          DB_SQLITE_PATH: join(dir, name, 'castad.sqlite'),
          LOG_LEVEL: 'silent',
          INSTANCE_ID: `api-${name}`,
          RATE_LIMIT_PER_MINUTE: limit,
        },
        'api',
      );
      const app = await createApiApp(config);
      apps.push(app);
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
    }
    // anonymous requests count against the client's address: a's limit is 2, b's 100
    const answers = async (app: NestFastifyApplication) => {
      const res = [];
      for (let i = 0; i < 3; i++) res.push(await app.inject({ method: 'GET', url: '/v1/me' }));
      return res.map((r) => [r.statusCode, r.headers['x-instance-id']]);
    };
    expect(await answers(apps[0])).toEqual([
      [401, 'api-a'],
      [401, 'api-a'],
      [429, 'api-a'],
    ]);
    expect(await answers(apps[1])).toEqual([
      [401, 'api-b'],
      [401, 'api-b'],
      [401, 'api-b'],
    ]);
  });
});
