import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { AppProcess, waitForHttp } from '../harness/app-process';
import { describeWithServers } from '../harness/binaries';
import { httpsGet } from '../harness/https';
import { NginxServer } from '../harness/nginx';
import { freePort } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(120_000);

describeWithServers(['nginx'], 'the product nginx.conf in front of two API instances', () => {
  const dir = tempDir('nginx-e2e');
  const nginx = new NginxServer();
  const apis: AppProcess[] = [];

  beforeAll(async () => {
    const db = join(dir, 'shared.sqlite');
    execFileSync(process.execPath, ['dist/apps/cli/src/main.js', 'migrate'], {
      env: { ...process.env, DB_SQLITE_PATH: db },
      stdio: 'ignore',
    });
    const ports = [await freePort(), await freePort()];
    ports.forEach((port, i) =>
      apis.push(
        new AppProcess(
          'dist/apps/api/src/main.js',
          {
            PORT: String(port),
            HOST: '127.0.0.1',
            DB_SQLITE_PATH: db,
            DB_MIGRATE_ON_START: 'false',
            INSTANCE_ID: `api-${i}`,
          },
          join(dir, `api-${i}.log`),
        ).start(),
      ),
    );
    await Promise.all(ports.map((p) => waitForHttp(`http://127.0.0.1:${p}/health/live`)));
    await nginx.startProductConfig(ports);
  });

  afterAll(async () => {
    await nginx.destroy();
    await Promise.all(apis.map((a) => a.stop()));
    removeDir(dir);
  });

  it('spreads requests over both instances and passes one request id through', async () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const res = await httpsGet(nginx.tlsPort, '/health/ready');
      expect(res.status).toBe(200);
      const id = String(res.headers['x-instance-id']);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      // nginx made the id, the API logged and echoed the same one: exactly one header
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    }
    expect([...seen.keys()].sort()).toEqual(['api-0', 'api-1']);
    const mine = await httpsGet(nginx.tlsPort, '/health/live', {
      'x-request-id': 'client-chosen-1',
    });
    expect(mine.headers['x-request-id']).toBe('client-chosen-1');
  });

  it("adds HSTS on TLS (every location) and passes the API's security headers through", async () => {
    for (const path of ['/health/live', '/v1/projects/x/events', '/metrics']) {
      const res = await httpsGet(nginx.tlsPort, path);
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    }
    const api = await httpsGet(nginx.tlsPort, '/health/live');
    expect(api.headers['x-content-type-options']).toBe('nosniff');
  });

  it('redirects plain HTTP to HTTPS', async () => {
    const res = await fetch(`http://127.0.0.1:${nginx.httpPort}/health/live`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toMatch(/^https:\/\//);
  });

  it('keeps idempotent requests succeeding when one instance dies', async () => {
    await apis[1].stop();
    const results = await Promise.all(
      Array.from({ length: 30 }, () => httpsGet(nginx.tlsPort, '/health/live')),
    );
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect(new Set(results.map((r) => r.headers['x-instance-id']))).toEqual(new Set(['api-0']));
  });
});
