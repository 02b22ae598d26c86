import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { FakeCreatomate } from '../fakes/creatomate.fake';
import { FakeOpenAi } from '../fakes/openai.fake';
import { FakeSuno } from '../fakes/suno.fake';
import { AppProcess, getJson, ROOT, waitForHttp } from './app-process';
import { AzuriteServer } from './azurite';
import { ReplicatedMariaDb } from './mariadb';
import { freePort, waitFor } from './ports';
import { removeDir, tempDir } from './process';

/**
 * A staged deployment on this machine: MariaDB primary + replica, Azurite, fake Suno and
 * Creatomate (and a fake OpenAI, used by a scheduler given `fakeEnv.openai(stack.openai)`; the
 * lyrics are the template's otherwise), the compiled API and scheduler as real processes.
 */
export class StagedStack {
  readonly dir = tempDir('stack');
  readonly db = new ReplicatedMariaDb(1);
  readonly azurite = new AzuriteServer();
  readonly suno = new FakeSuno();
  readonly creatomate = new FakeCreatomate();
  readonly openai = new FakeOpenAi();
  readonly apis: AppProcess[] = [];
  readonly schedulers: AppProcess[] = [];
  readonly workers: AppProcess[] = [];
  apiPort = 0;
  apiKey = '';
  private schedulerCount = 0;

  /** `root`: where the apps run from (the repository, or a production install of it) */
  constructor(
    private readonly extraEnv: Record<string, string> = {},
    private readonly root = ROOT,
  ) {
    // these suites model a provider that deduplicates by Idempotency-Key (they run with the
    // *_DEDUPES_IDEMPOTENCY_KEY flags); sunoapi.org and Creatomate document no such thing
    this.suno.honoursIdempotencyKey = true;
    this.creatomate.honoursIdempotencyKey = true;
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ...this.db.env(),
      AZURE_STORAGE_CONNECTION_STRING: this.azurite.connectionString,
      SONG_ENGINE: 'suno',
      SUNO_BASE_URL: this.suno.url,
      SUNO_API_KEY: this.suno.apiKey,
      VIDEO_ENGINE: 'creatomate',
      CREATOMATE_BASE_URL: this.creatomate.url,
      CREATOMATE_API_KEY: this.creatomate.apiKey,
      CREATOMATE_TEMPLATE_ID: 'tpl-vertical',
      VIDEO_FALLBACK_TO_FFMPEG: 'false',
      PUBLIC_BASE_URL: `http://127.0.0.1:${this.apiPort}`,
      PIPELINE_POLL_MS: '100',
      PIPELINE_LEASE_MS: '3000',
      SCHEDULER_LEASE_MS: '2000',
      SONG_POLL_MS: '200',
      VIDEO_POLL_MS: '200',
      PIPELINE_BACKOFF_BASE_MS: '200',
      PIPELINE_BACKOFF_MAX_MS: '2000',
      PROVIDER_TIMEOUT_MS: '2000',
      PROJECTS_PER_DAY: '1000',
      METRICS_ALLOW_CIDRS: '127.0.0.1/32',
      RATE_LIMIT_PER_MINUTE: '100000',
      WORK_DIR: join(this.dir, 'work'),
      ...this.extraEnv,
      ...extra,
    };
  }

  async start(): Promise<void> {
    await Promise.all([
      this.db.start(),
      this.azurite.start(),
      this.suno.start(),
      this.creatomate.start(),
      this.openai.start(),
    ]);
    this.apiPort = await freePort();
    this.cli('migrate');
    this.cli('partner:create', 'Crash Test Partner');
    const [issued] = JSON.parse(
      this.cli(
        'key:issue',
        'Crash Test Partner',
        '--scopes',
        'stores:read,stores:write,projects:read,projects:write',
        '--json',
      ),
    );
    this.apiKey = issued.key;
    await this.startApi(this.apiPort);
  }

  /** Another API instance (the first one listens on `apiPort`); resolves to its port. */
  async startApi(port?: number): Promise<number> {
    port ??= await freePort();
    const n = this.apis.length + 1;
    const api = new AppProcess(
      'dist/apps/api/src/main.js',
      this.env({ PORT: String(port), HOST: '127.0.0.1', INSTANCE_ID: `api-${n}` }),
      join(this.dir, n === 1 ? 'api.log' : `api-${n}.log`),
      this.root,
    ).start();
    this.apis.push(api);
    await waitForHttp(`http://127.0.0.1:${port}/health/live`);
    return port;
  }

  cli(...args: string[]): string {
    return execFileSync(process.execPath, [join(this.root, 'dist/apps/cli/src/main.js'), ...args], {
      cwd: this.root,
      env: { PATH: process.env.PATH ?? '', ...this.env() },
      encoding: 'utf8',
    });
  }

  /** `defaultIdentity`: no INSTANCE_ID, so the scheduler is `<host>-<pid>` as in production */
  async startScheduler(
    extra: Record<string, string> = {},
    opts: { defaultIdentity?: boolean } = {},
  ): Promise<{ proc: AppProcess; healthPort: number }> {
    const healthPort = await freePort();
    const n = ++this.schedulerCount;
    const env = this.env({
      SCHEDULER_HEALTH_PORT: String(healthPort),
      INSTANCE_ID: `scheduler-${n}`,
      ...extra,
    });
    if (opts.defaultIdentity) delete env.INSTANCE_ID;
    const proc = new AppProcess(
      'dist/apps/scheduler/src/main.js',
      env,
      join(this.dir, `scheduler-${n}.log`),
      this.root,
    ).start();
    this.schedulers.push(proc);
    await waitForHttp(`http://127.0.0.1:${healthPort}/health/live`);
    return { proc, healthPort };
  }

  /**
   * The scheduler app as a worker of Bull queues (`--worker`, stage 3): `extra` carries the Bull
   * settings and the queues it works (WORK_QUEUES).
   */
  async startWorker(
    extra: Record<string, string>,
  ): Promise<{ proc: AppProcess; healthPort: number }> {
    const healthPort = await freePort();
    const n = this.workers.length + 1;
    const proc = new AppProcess(
      'dist/apps/scheduler/src/main.js',
      this.env({ SCHEDULER_HEALTH_PORT: String(healthPort), INSTANCE_ID: `worker-${n}`, ...extra }),
      join(this.dir, `worker-${n}.log`),
      this.root,
      ['--worker'],
    ).start();
    this.workers.push(proc);
    await waitForHttp(`http://127.0.0.1:${healthPort}/health/live`);
    return { proc, healthPort };
  }

  async isLeader(healthPort: number): Promise<boolean> {
    const r = await getJson(`http://127.0.0.1:${healthPort}/health/ready`).catch(() => undefined);
    return r?.body?.leader === true;
  }

  async api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`http://127.0.0.1:${this.apiPort}${path}`, {
      method,
      headers: {
        'x-api-key': this.apiKey,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async createProjects(n: number, autopilot = true): Promise<string[]> {
    const store = await this.api('POST', '/v1/stores', {
      name: '서면 분식',
      roadAddress: '부산광역시 부산진구 서면로 1',
      phone: '051-000-0000',
      menu: [{ name: '떡볶이' }],
    });
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await this.api('POST', '/v1/projects', {
        storeId: store.body.id,
        autopilot,
        lengthSec: 15,
      });
      if (res.status !== 202)
        throw new Error(`POST /v1/projects answered ${res.status}: ${JSON.stringify(res.body)}`);
      ids.push(res.body.id);
    }
    return ids;
  }

  async states(
    ids: string[],
  ): Promise<Record<string, { state: string; lastError: string | null }>> {
    const rows = await this.db.primary.query<
      { id: string; state: string; last_error: string | null }[]
    >(
      `SELECT id, state, last_error FROM castad.projects WHERE id IN (${ids.map(() => '?').join(',')})`,
      ids,
    );
    return Object.fromEntries(rows.map((r) => [r.id, { state: r.state, lastError: r.last_error }]));
  }

  async waitAll(
    ids: string[],
    done: (s: string) => boolean,
    timeoutMs: number,
  ): Promise<Record<string, { state: string; lastError: string | null }>> {
    let last: Record<string, { state: string; lastError: string | null }> = {};
    try {
      return await waitFor(
        `${ids.length} projects to finish`,
        async () => {
          last = await this.states(ids);
          return Object.values(last).every((x) => done(x.state)) ? last : undefined;
        },
        timeoutMs,
        250,
      );
    } catch (err) {
      // where each project stood, and what the schedulers said last: a timeout alone says nothing
      const stuck = Object.entries(last).filter(([, x]) => !done(x.state));
      const logs = [...this.schedulers.slice(-2), ...this.workers.slice(-2)].map(
        (p) => `${p.logFile}:\n${p.tail(40)}`,
      );
      throw new Error(
        `${(err as Error).message}; not done: ${JSON.stringify(stuck)}\n${logs.join('\n')}`,
        { cause: err },
      );
    }
  }

  /** Paid submissions per project and step, as the fakes counted them. */
  paidCounts(ids: string[]): Record<string, { song: number; video: number }> {
    const count = (m: Map<string, number>, id: string) =>
      [...m.entries()].filter(([k]) => k.startsWith(`${id}:`)).reduce((a, [, n]) => a + n, 0);
    return Object.fromEntries(
      ids.map((id) => [
        id,
        { song: count(this.suno.paid, id), video: count(this.creatomate.paid, id) },
      ]),
    );
  }

  /**
   * Per project: the lyrics completions the fake OpenAI received, and the usage rows of the
   * lyrics step in the database (one row per call received, however the scheduler died).
   */
  /**
   * Per project: the lyrics calls OpenAI received, and our usage rows for them (all, and those
   * settled from an answer).
   */
  async lyricsCalls(
    ids: string[],
  ): Promise<Record<string, { received: number; rows: number; settled: number }>> {
    const rows = await this.db.primary.query<{ project_id: string; n: number; settled: number }[]>(
      `SELECT project_id, COUNT(*) AS n, SUM(status = 'settled') AS settled FROM castad.usage_records WHERE provider = 'openai' AND operation = 'write_lyrics' AND project_id IN (${ids.map(() => '?').join(',')}) GROUP BY project_id`,
      ids,
    );
    const received = (id: string) =>
      [...this.openai.byKey.entries()]
        .filter(([k]) => k.startsWith(`${id}:`))
        .reduce((a, [, n]) => a + n, 0);
    return Object.fromEntries(
      ids.map((id) => [
        id,
        {
          received: received(id),
          rows: Number(rows.find((r) => r.project_id === id)?.n ?? 0),
          settled: Number(rows.find((r) => r.project_id === id)?.settled ?? 0),
        },
      ]),
    );
  }

  async destroy(): Promise<void> {
    await Promise.all([...this.workers, ...this.schedulers, ...this.apis].map((p) => p.stop()));
    await Promise.all([this.suno.stop(), this.creatomate.stop(), this.openai.stop()]);
    await Promise.all([this.db.destroy(), this.azurite.destroy()]);
    removeDir(this.dir);
  }
}
