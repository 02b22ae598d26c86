/* The stage-3 stack the benches start (bench:live, bench:stage3, bench:pool): MariaDB primary +
   replicas, Redis, the schema migrated, N API instances from dist/ started the way the
   Dockerfile starts them (NODE_ENV=production, node dist/apps/api/src/main.js), and owners with
   projects seeded in bulk. */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AppProcess, waitForHttp } from '../test/harness/app-process';
import { MariaDbServer, ReplicatedMariaDb } from '../test/harness/mariadb';
import { freePort } from '../test/harness/ports';
import { removeDir, tempDir } from '../test/harness/process';
import { RedisServer } from '../test/harness/redis';
import { BENCH_SECRET, benchToken } from './common';

export interface SeededOwner {
  userId: string;
  storeId: string;
  token: string;
  projects: string[];
}

/**
 * One user with a store and `projects` projects in `state` (created a second apart, newest
 * first), each with one event into that state when `events` is set. Bulk inserts.
 */
export async function seedOwner(
  db: MariaDbServer,
  projects: number,
  opts: { state?: string; events?: boolean } = {},
): Promise<SeededOwner> {
  const state = opts.state ?? 'DONE';
  const userId = randomUUID();
  const storeId = randomUUID();
  await db.query(
    "INSERT INTO castad.users (id, nickname, role, created_at, updated_at) VALUES (?, 'bench', 'user', NOW(3), NOW(3))",
    [userId],
  );
  await db.query(
    "INSERT INTO castad.stores (id, owner_user_id, name, source, created_at, updated_at) VALUES (?, ?, '벤치 가게', 'manual', NOW(3), NOW(3))",
    [storeId, userId],
  );
  const ids = Array.from({ length: projects }, () => randomUUID());
  for (let i = 0; i < ids.length; i += 500) {
    const batch = ids.slice(i, i + 500);
    await db.query(
      'INSERT INTO castad.projects (id, owner_user_id, store_id, state, step_attempts, retries, autopilot, options, callback_token, created_at, updated_at) VALUES ' +
        batch
          .map(() => "(?, ?, ?, ?, 0, 0, 0, '{}', 't', NOW(3) - INTERVAL ? SECOND, NOW(3))")
          .join(', '),
      batch.flatMap((id, k) => [id, userId, storeId, state, i + k]),
    );
    if (opts.events)
      await db.query(
        'INSERT INTO castad.project_events (project_id, from_state, to_state, message, at) VALUES ' +
          batch.map(() => "(?, 'DRAFT', ?, 'bench', NOW(3))").join(', '),
        batch.flatMap((id) => [id, state]),
      );
  }
  return { userId, storeId, token: benchToken(userId), projects: ids };
}

export class Stage3Stack {
  readonly dir = tempDir('bench-stage3');
  readonly db: ReplicatedMariaDb;
  readonly redis = new RedisServer();
  readonly apis: AppProcess[] = [];
  readonly apiPorts: number[] = [];

  /** `env`: what differs from stage 3's defaults for this bench (log level, dispatch driver...) */
  constructor(
    replicas: number,
    private readonly extraEnv: Record<string, string> = {},
  ) {
    this.db = new ReplicatedMariaDb(replicas);
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return this.db.env({
      CASTAD_STAGE: '3',
      REDIS_URL: this.redis.url,
      JWT_SECRET: BENCH_SECRET,
      RATE_LIMIT_PER_MINUTE: '100000000',
      PROJECTS_PER_DAY: '100000000',
      METRICS_ALLOW_CIDRS: '127.0.0.1/32',
      ...this.extraEnv,
      ...extra,
    });
  }

  /** Databases and Redis up, the schema migrated. */
  async start(): Promise<void> {
    await Promise.all([this.db.start(), this.redis.start()]);
    execFileSync(process.execPath, ['dist/apps/cli/src/main.js', 'migrate'], {
      env: { PATH: process.env.PATH ?? '', ...this.env() },
      stdio: 'ignore',
    });
  }

  /** where API instance `n` (from 1) writes its stalls, with `startApis(..., { stalls: true })` */
  stallLog(n: number): string {
    return join(this.dir, `api-${n}.stalls`);
  }

  /**
   * `count` API instances, answering /health/live; their logs go to the stack's directory.
   * `stalls`: each also writes its event loop's lateness and GC pauses per second
   * (bench/stall-hook.js) to `stallLog(n)`.
   */
  async startApis(count: number, opts: { stalls?: boolean } = {}): Promise<number[]> {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const n = this.apis.length + 1;
      const port = await freePort();
      ports.push(port);
      this.apiPorts.push(port);
      this.apis.push(
        new AppProcess(
          'dist/apps/api/src/main.js',
          this.env({
            NODE_ENV: 'production',
            PORT: String(port),
            HOST: '127.0.0.1',
            INSTANCE_ID: `api-${n}`,
            ...(opts.stalls && {
              NODE_OPTIONS: `-r ${join(__dirname, 'stall-hook.js')}`,
              CASTAD_STALL_LOG: this.stallLog(n),
            }),
          }),
          join(this.dir, `api-${n}.log`),
        ).start(),
      );
    }
    await Promise.all(ports.map((p) => waitForHttp(`http://127.0.0.1:${p}/health/live`)));
    return ports;
  }

  async destroy(): Promise<void> {
    await Promise.all(this.apis.map((a) => a.stop()));
    await Promise.all([this.db.destroy(), this.redis.destroy()]);
    removeDir(this.dir);
  }
}
