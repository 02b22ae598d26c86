import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppProcess, ROOT, waitForHttp } from '../harness/app-process';
import { describeWithServers } from '../harness/binaries';
import { ReplicatedMariaDb } from '../harness/mariadb';
import { freePort, waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(180_000);

/**
 * An API instance killed (-9) after it committed what a request with an Idempotency-Key
 * created and before it answered: the client's retry, on another instance, finds the outcome
 * (the key was completed in the creating transaction) and gets the same thing, created once.
 * The instance is stopped at that point by TEST_FAULT=stall_before_answer, which logs when it
 * stalls: the kill follows that line, not a timing guess. Killed before its work
 * (stall_before_work), the request's hold on its key lapses and the retry creates, once.
 */
describeWithServers(['mariadbd', 'mariadb-install-db'], 'Idempotency-Key across a crash', () => {
  const cluster = new ReplicatedMariaDb(0);
  const dir = tempDir('idem-crash');
  const apis: AppProcess[] = [];
  let env: Record<string, string>;
  let apiKey: string;

  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [join(ROOT, 'dist/apps/cli/src/main.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });

  async function startApi(
    extra: Record<string, string> = {},
  ): Promise<{ api: AppProcess; url: string }> {
    const port = await freePort();
    const api = new AppProcess(
      'dist/apps/api/src/main.js',
      {
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        INSTANCE_ID: `api-${apis.length + 1}`,
        ...extra,
      },
      join(dir, `api-${apis.length + 1}.log`),
    ).start();
    apis.push(api);
    await waitForHttp(`http://127.0.0.1:${port}/health/live`);
    return { api, url: `http://127.0.0.1:${port}` };
  }

  const post = (url: string, path: string, body: unknown, key: string) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });

  /**
   * Sends the request to an instance that stalls at `fault` (before answering, after its
   * commit; or before its work, after claiming its key) and kills it there.
   */
  async function killedAt(
    fault: 'stall_before_answer' | 'stall_before_work',
    path: string,
    body: unknown,
    key: string,
  ): Promise<void> {
    const { api, url } = await startApi({ TEST_FAULT: fault });
    const lost = post(url, path, body, key).then(
      (res) => `answered ${res.status}`,
      () => 'no answer',
    );
    await waitFor(`the instance to stall (${fault})`, async () =>
      readFileSync(api.logFile, 'utf8').includes('TEST_FAULT: stalled'),
    );
    api.signal('SIGKILL');
    await api.exitCode();
    expect(await lost).toBe('no answer');
  }
  const killedBeforeAnswer = (path: string, body: unknown, key: string) =>
    killedAt('stall_before_answer', path, body, key);

  const count = async (sql: string, args: unknown[]) => {
    const [{ n }] = await cluster.primary.query<{ n: number }[]>(sql, args);
    return Number(n);
  };

  beforeAll(async () => {
    await cluster.start();
    env = cluster.env({ BLOB_LOCAL_ROOT: join(dir, 'blobs'), RATE_LIMIT_PER_MINUTE: '100000' });
    cli('migrate');
    cli('partner:create', 'Retrying Partner');
    const [issued] = JSON.parse(
      cli(
        'key:issue',
        'Retrying Partner',
        '--scopes',
        'stores:read,stores:write,projects:read,projects:write',
        '--json',
      ),
    );
    apiKey = issued.key;
  });
  afterAll(async () => {
    await Promise.all(apis.map((a) => a.stop()));
    await cluster.destroy();
    removeDir(dir);
  });

  it('a store committed by a killed instance is created once; the retry replays it', async () => {
    const body = { name: '한 번 가게 (crash)' };
    await killedBeforeAnswer('/v1/stores', body, 'crash-store-1');
    const rows = await cluster.primary.query<{ id: string }[]>(
      'SELECT id FROM castad.stores WHERE name = ?',
      [body.name],
    );
    expect(rows).toHaveLength(1); // the instance committed before it died

    const { url } = await startApi();
    for (let i = 0; i < 2; i++) {
      const retry = await post(url, '/v1/stores', body, 'crash-store-1');
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(((await retry.json()) as { id: string }).id).toBe(rows[0].id);
    }
    expect(await count('SELECT COUNT(*) AS n FROM castad.stores WHERE name = ?', [body.name])).toBe(
      1,
    );
  });

  it('a project committed by a killed instance is created once (quota place and all)', async () => {
    const { url } = await startApi();
    const store = (await (
      await post(url, '/v1/stores', { name: '프로젝트 가게' }, 'crash-store-2')
    ).json()) as { id: string };
    await killedBeforeAnswer('/v1/projects', { storeId: store.id }, 'crash-project-1');
    const retry = await post(url, '/v1/projects', { storeId: store.id }, 'crash-project-1');
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const replayed = (await retry.json()) as { id: string; storeId: string };
    expect(replayed.storeId).toBe(store.id);
    const sql = 'SELECT COUNT(*) AS n FROM castad.projects WHERE store_id = ?';
    expect(await count(sql, [store.id])).toBe(1);
    expect(
      await count('SELECT COUNT(*) AS n FROM castad.projects WHERE id = ?', [replayed.id]),
    ).toBe(1);
  });

  it('a request killed before its commit frees its key within seconds: the retry creates once', async () => {
    const body = { name: '늦은 가게 (crash)' };
    await killedAt('stall_before_work', '/v1/stores', body, 'crash-store-4');
    const { url } = await startApi();
    // the dead request's hold on the key lapses (10 s, not the 2 minutes it was): 409 until then
    const retried = await waitFor(
      'the retry to get past the dead request',
      async () => {
        const res = await post(url, '/v1/stores', body, 'crash-store-4');
        return res.status === 409 ? undefined : res;
      },
      60_000,
      500,
    );
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    const again = await post(url, '/v1/stores', body, 'crash-store-4');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await count('SELECT COUNT(*) AS n FROM castad.stores WHERE name = ?', [body.name])).toBe(
      1,
    );
  });

  it('a go-ahead at a stop committed by a killed instance is replayed, not run again', async () => {
    const { url } = await startApi();
    const store = (await (
      await post(url, '/v1/stores', { name: '멈춤 가게' }, 'crash-store-3')
    ).json()) as { id: string };
    const project = (await (
      await post(url, '/v1/projects', { storeId: store.id, autopilot: false }, 'crash-project-2')
    ).json()) as { id: string };
    // the project waits at the lyrics stop with its lyrics approved (no scheduler runs here)
    await cluster.primary.query(
      "UPDATE castad.projects SET state = 'LYRICS_READY', next_run_at = NULL WHERE id = ?",
      [project.id],
    );
    await cluster.primary.query(
      "INSERT INTO castad.lyrics (id, project_id, version, title, sections, source, approved_at, created_at) VALUES (UUID(), ?, 1, '노래', '[]', 'template', NOW(), NOW())",
      [project.id],
    );
    await killedBeforeAnswer(`/v1/projects/${project.id}/song`, {}, 'crash-song-1');
    const [due] = await cluster.primary.query<{ next_run_at: Date | null }[]>(
      'SELECT next_run_at FROM castad.projects WHERE id = ?',
      [project.id],
    );
    expect(due.next_run_at).not.toBeNull(); // the go-ahead committed before the instance died
    const retry = await post(url, `/v1/projects/${project.id}/song`, {}, 'crash-song-1');
    expect(retry.status).toBe(202);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(((await retry.json()) as { id: string }).id).toBe(project.id);
  });
});
