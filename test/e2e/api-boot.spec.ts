import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { removeDir, tempDir } from '../harness/process';

describe('the API on the embedded default', () => {
  const dir = tempDir('api');
  let app: NestFastifyApplication;

  beforeAll(async () => {
    process.env.DB_SQLITE_PATH = join(dir, 'castad.sqlite');
    process.env.LOG_LEVEL = 'silent';
    process.env.INSTANCE_ID = 'api-test-1';
    app = await createApiApp();
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
    removeDir(dir);
    delete process.env.DB_SQLITE_PATH;
    delete process.env.INSTANCE_ID;
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
