import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from '@app/domain';
import { AppProcess, getJson, waitForHttp } from '../harness/app-process';
import { freePort, waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(120_000);

/** These run the compiled apps (dist/), as `npm start` and the Dockerfile do. */
describe('the apps as real processes on the embedded default', () => {
  const dir = tempDir('procs');
  afterAll(() => removeDir(dir));

  it('npm start serves /docs and /health/ready with the scheduler running beside it, and stops cleanly on SIGTERM', async () => {
    const [port, schedulerPort] = [await freePort(), await freePort()];
    const start = new AppProcess(
      'scripts/start-embedded.js',
      {
        PORT: String(port),
        SCHEDULER_HEALTH_PORT: String(schedulerPort),
        DB_SQLITE_PATH: join(dir, 'start.sqlite'),
      },
      join(dir, 'start.log'),
    ).start();
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health/ready`);
      expect((await getJson(`http://127.0.0.1:${port}/docs`)).status).toBe(200);
      const scheduler = await waitFor('the scheduler to lead', async () => {
        const r = await getJson(`http://127.0.0.1:${schedulerPort}/health/ready`);
        return r.status === 200 && r.body.leader === true ? r.body : undefined;
      });
      expect(scheduler.nodes).toEqual([{ node: 'primary', up: true }]);
      // the request id reaches the JSON log line of that request (a refused one: successful
      // reads are logged at debug)
      await fetch(`http://127.0.0.1:${port}/v1/no-such-route`, {
        headers: { 'x-request-id': 'trace-me-123' },
      });
      await waitFor(
        'the request log line',
        async () => readFileSync(join(dir, 'start.log'), 'utf8').includes('"id":"trace-me-123"'),
        5000,
      );
    } finally {
      start.signal('SIGTERM');
    }
    expect(await start.exitCode()).toBe(0);
    const log = readFileSync(join(dir, 'start.log'), 'utf8');
    expect(log).not.toMatch(/"level":50/); // no error lines on a clean run
  });

  it('refuses to start with a bad variable and names it', async () => {
    const api = new AppProcess(
      'dist/apps/api/src/main.js',
      { CASTAD_STAGE: '2', DB_HOST: 'db', DB_USER: 'u', DB_NAME: 'n' },
      join(dir, 'bad.log'),
    ).start();
    expect(await api.exitCode()).toBe(1);
    expect(readFileSync(join(dir, 'bad.log'), 'utf8')).toMatch(/DB_REPLICAS/);
  });

  it('runs two schedulers harmlessly: one leads, the other takes over when the leader dies', async () => {
    const db = join(dir, 'sched.sqlite');
    const { execFileSync } = await import('node:child_process');
    execFileSync(process.execPath, ['dist/apps/cli/src/main.js', 'migrate'], {
      env: { ...process.env, DB_SQLITE_PATH: db },
      stdio: 'ignore',
    });

    const ports = [await freePort(), await freePort()];
    const schedulers = ports.map((p, i) =>
      new AppProcess(
        'dist/apps/scheduler/src/main.js',
        {
          DB_SQLITE_PATH: db,
          SCHEDULER_HEALTH_PORT: String(p),
          SCHEDULER_LEASE_MS: '1500',
          INSTANCE_ID: `sched-${i}`,
        },
        join(dir, `sched-${i}.log`),
      ).start(),
    );
    try {
      const leaders = async () =>
        Promise.all(
          ports.map(
            async (p) =>
              (
                await getJson(`http://127.0.0.1:${p}/health/ready`).catch(() => ({
                  body: { leader: false },
                }))
              ).body.leader === true,
          ),
        );
      await waitFor('both schedulers up', async () =>
        (await Promise.all(ports.map((p) => getJson(`http://127.0.0.1:${p}/health/live`)))).every(
          (r) => r.status === 200,
        ),
      );
      const first = await waitFor('exactly one leader', async () => {
        const l = await leaders();
        return l.filter(Boolean).length === 1 ? l.indexOf(true) : undefined;
      });
      // stable: the standby never leads while the leader lives
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 300));
        expect((await leaders()).filter(Boolean)).toHaveLength(1);
      }
      schedulers[first].signal('SIGKILL'); // no chance to release the lease
      const killedAt = Date.now();
      const other = 1 - first;
      await waitFor('the standby to take over', async () => (await leaders())[other], 10_000, 100);
      expect(Date.now() - killedAt).toBeLessThan(1500 + 2000); // within the lease time plus a renewal tick
    } finally {
      await Promise.all(schedulers.map((s) => s.stop()));
    }
  });

  it('the CLI reports migration status with exit codes scripts can use', async () => {
    const { spawnSync } = await import('node:child_process');
    const db = join(dir, 'cli.sqlite');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['dist/apps/cli/src/main.js', ...args], {
        env: { ...process.env, DB_SQLITE_PATH: db },
        encoding: 'utf8',
      });
    expect(run('migrate:status', '--json').status).toBe(3); // pending
    const applied = run('migrate', '--json');
    expect(applied.status).toBe(0);
    const names = MIGRATIONS.map((m) => m.name);
    expect(JSON.parse(applied.stdout)).toEqual(names.map((applied) => ({ applied })));
    const status = run('migrate:status', '--json');
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual(names.map((name) => ({ name, applied: true })));
    expect(run('migrate:revert').status).toBe(0);
    expect(run('migrate:status').status).toBe(3);
    expect(run('no-such-command').status).not.toBe(0);
    expect(run('--help').status).toBe(0);
  });
});

describe('graceful shutdown', () => {
  const dir = tempDir('shutdown');
  afterAll(() => removeDir(dir));

  it('lets a request that is in flight at SIGTERM finish, then exits 0', async () => {
    const { connect } = await import('node:net');
    const port = await freePort();
    const api = new AppProcess(
      'dist/apps/api/src/main.js',
      { PORT: String(port), HOST: '127.0.0.1', DB_SQLITE_PATH: join(dir, 'g.sqlite') },
      join(dir, 'api.log'),
    ).start();
    await waitForHttp(`http://127.0.0.1:${port}/health/live`);
    const body = JSON.stringify({ nickname: '마감' });
    const socket = connect(port, '127.0.0.1');
    let response = '';
    socket.on('data', (d) => (response += d.toString()));
    await new Promise((ok) => socket.once('connect', ok));
    // headers and half the body now; the rest only after SIGTERM
    socket.write(
      `POST /v1/auth/dev-login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
    );
    socket.write(body.slice(0, 5));
    await new Promise((r) => setTimeout(r, 200));
    api.signal('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    socket.write(body.slice(5));
    await waitFor(
      'the in-flight response',
      async () => response.includes('\r\n\r\n') && response.includes('accessToken'),
      5000,
    );
    expect(response).toMatch(/^HTTP\/1\.1 200/);
    socket.destroy();
    // a stop that finished its work is a clean exit, logged with how long it took
    const code = await api.exitCode();
    expect({ code, signal: api.child!.signalCode }).toEqual({ code: 0, signal: null });
    const log = readFileSync(join(dir, 'api.log'), 'utf8');
    expect(log).not.toMatch(/"level":50/);
    expect(log).toContain('api stopping (SIGTERM');
    expect(log).toMatch(/api stopped in \d+ ms/);
    // and no new connection is accepted any more
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  });
});
