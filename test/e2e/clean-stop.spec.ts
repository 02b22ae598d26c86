import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AppProcess, waitForHttp } from '../harness/app-process';
import { describeWithServers } from '../harness/binaries';
import { freePort, waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(240_000);

const SHUTDOWN_TIMEOUT_MS = 8000;

/** ffmpeg processes rendering into this test's work folder */
function rendersUnder(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.startsWith('ffmpeg') && l.includes(dir) && l.includes('video.mp4.tmp.mp4'));
}

/**
 * `npm start` stopped (SIGTERM) while the scheduler renders a video: both apps stop within
 * SHUTDOWN_TIMEOUT_MS, the render is killed, its step goes back for the next run without
 * counting as a failed attempt, the SQLite WAL is checkpointed, and the next start finishes it.
 */
describeWithServers(['ffmpeg'], 'a clean stop with a render in flight', () => {
  const dir = tempDir('stop');
  const dbPath = join(dir, 'castad.sqlite');
  let port = 0;
  const start = async (log: string) => {
    port = port || (await freePort());
    const proc = new AppProcess(
      'scripts/start-embedded.js',
      {
        PORT: String(port),
        SCHEDULER_HEALTH_PORT: String(await freePort()),
        DB_SQLITE_PATH: dbPath,
        WORK_DIR: join(dir, 'work'),
        BLOB_LOCAL_ROOT: join(dir, 'blobs'),
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        PIPELINE_POLL_MS: '200',
      },
      join(dir, log),
    ).start();
    await waitForHttp(`http://127.0.0.1:${port}/health/ready`);
    return proc;
  };
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  afterAll(() => removeDir(dir));

  it('stops within SHUTDOWN_TIMEOUT_MS, releases the render, and finishes it after a restart', async () => {
    const first = await start('first.log');
    const login = await call('POST', '/v1/auth/dev-login', undefined, { nickname: '멈춤' });
    const token = login.body.accessToken;
    const store = await call('POST', '/v1/stores', token, {
      name: '정지 테스트 식당',
      roadAddress: '서울 중구 세종대로 1',
      phone: '02-000-0000',
    });
    // 60 s of video: the render runs long enough to be stopped in the middle
    const project = await call('POST', '/v1/projects', token, {
      storeId: store.body.id,
      autopilot: true,
      lengthSec: 60,
    });
    expect(project.status).toBe(202);
    await waitFor('the render to start', async () => rendersUnder(dir).length > 0, 120_000, 100);
    // an owner following it live: an open event stream must not hold the stop up
    const live = await fetch(`http://127.0.0.1:${port}/v1/projects/${project.body.id}/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(live.status).toBe(200);

    const stopAt = Date.now();
    first.signal('SIGTERM');
    expect(await first.exitCode()).toBe(0);
    const tookMs = Date.now() - stopAt;
    expect(tookMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(rendersUnder(dir)).toEqual([]);

    const log = readFileSync(join(dir, 'first.log'), 'utf8');
    for (const app of ['api', 'scheduler']) {
      expect(log).toContain(`${app} stopping (SIGTERM`);
      expect(log).toMatch(new RegExp(`${app} stopped in \\d+ ms`));
    }
    expect(log).toMatch(/released for the next run/);
    expect(log).not.toMatch(/did not stop within/);
    // the WAL was folded into the database when the last connection closed
    const wal = `${dbPath}-wal`;
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);

    const db = new Database(dbPath, { readonly: true });
    const row = db
      .prepare('SELECT state, step_attempts, lease_owner, last_error FROM projects WHERE id = ?')
      .get(project.body.id);
    db.close();
    // given back, not failed: the attempt does not count and nothing is recorded as an error
    expect(row).toEqual({
      state: 'SONG_READY',
      step_attempts: 0,
      lease_owner: null,
      last_error: null,
    });

    const second = await start('second.log');
    try {
      await waitFor(
        'the project to finish after the restart',
        async () =>
          (await call('GET', `/v1/projects/${project.body.id}`, token)).body.state === 'DONE',
        180_000,
        500,
      );
    } finally {
      second.signal('SIGTERM');
      await second.exitCode();
    }
  });
});
