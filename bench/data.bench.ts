/* bench:data — a year of data at the seed's stage 3 (50,000 users, 500,000 projects with their
   lyrics, songs, videos, files and usage, 5,000,000 events) in MariaDB, against a copy with one
   month of the same traffic: every hot query through our repositories, with the buffer pool at
   a generous size and at the compose files' default (MySQL's 128 MiB), each within 1.5x of the
   month copy; the EXPLAIN plans, the size on disk and bytes per project, projected against the
   seed's 120 GB. The generated datadirs are cached (keyed by the migrations and the generator)
   in ~/.cache/castad-bench, so only the first run fills. */
import { ChildProcess, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { AppConfig, MIGRATIONS } from '@app/domain';
import { findBinary } from '../test/harness/binaries';
import { databaseApp } from '../test/harness/database-app';
import {
  DataVolume,
  GENERATOR_VERSION,
  STAGE3_YEAR,
  VolumeScale,
} from '../test/harness/data-volume';
import { HotQuery, hotQueries } from '../test/harness/hot-queries';
import { APP_DB } from '../test/harness/mariadb';
import { freePort, waitFor } from '../test/harness/ports';
import { startProcess, stopProcess } from '../test/harness/process';
import { CapturedStatement, captureSql, explainable } from '../test/harness/sql-capture';
import { report } from './common';

const CACHE = process.env.BENCH_DATA_CACHE ?? join(homedir(), '.cache', 'castad-bench');
const RUNS = Number(process.env.BENCH_DATA_RUNS ?? 15);
const GOAL = 1.5;
/** BENCH_DATA_SCALE below 1 shrinks the year (a quick check of the bench itself). */
const SHRINK = Number(process.env.BENCH_DATA_SCALE ?? 1);
const YEAR: VolumeScale = {
  ...STAGE3_YEAR,
  users: Math.round(STAGE3_YEAR.users * SHRINK),
  projects: Math.round(STAGE3_YEAR.projects * SHRINK),
  live: Math.round(STAGE3_YEAR.live * Math.min(1, SHRINK * 10)),
};
/** A month of the same traffic: the month's reports and today's windows hold the same rows. */
const MONTH: VolumeScale = {
  ...YEAR,
  users: Math.round((YEAR.users * 32) / 365),
  projects: Math.round((YEAR.projects * 32) / 365),
  days: 32,
};
const POOLS = [
  { name: 'generous (4 GiB)', size: '4G' },
  { name: 'compose default (128 MiB)', size: '128M' },
];
const SEED_GB = 120;
const RESULTS = join(__dirname, 'results');

interface Copy {
  name: string;
  dir: string;
  volume: DataVolume;
  generatedEvents: number;
  fillSeconds: number;
}

/** One mariadbd on a kept datadir. */
class Server {
  private child?: ChildProcess;
  port = 0;
  constructor(private readonly dir: string) {}

  async start(bufferPool: string, extra: string[] = []): Promise<void> {
    this.port = await freePort();
    // its own temporary files beside the datadir: /tmp is shared with other test runs
    mkdirSync(join(this.dir, 'tmp'), { recursive: true });
    this.child = startProcess(
      findBinary('mariadbd')!,
      [
        '--no-defaults',
        `--datadir=${join(this.dir, 'data')}`,
        `--socket=${join(this.dir, 'mysqld.sock')}`,
        `--pid-file=${join(this.dir, 'mysqld.pid')}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        '--user=root',
        '--skip-name-resolve',
        `--tmpdir=${join(this.dir, 'tmp')}`,
        `--innodb-buffer-pool-size=${bufferPool}`,
        // every start measures from a cold pool, not the last run's pages
        '--innodb-buffer-pool-load-at-startup=OFF',
        '--innodb-buffer-pool-dump-at-shutdown=OFF',
        '--innodb-log-file-size=1G',
        '--skip-log-error',
        ...extra,
      ],
      join(this.dir, 'server.log'),
    );
    await waitFor(
      'mariadbd to accept connections',
      async () => {
        if (this.child?.exitCode !== null && this.child?.exitCode !== undefined)
          throw new Error(`mariadbd exited; see ${join(this.dir, 'server.log')}`);
        await (await this.connect('root')).end();
        return true;
      },
      300_000,
      250,
    );
  }

  connect(user: 'root' | 'app' = 'app'): Promise<mysql.Connection> {
    return mysql.createConnection({
      host: '127.0.0.1',
      port: this.port,
      timezone: 'Z',
      ...(user === 'root'
        ? { user: 'root' }
        : { user: APP_DB.user, password: APP_DB.password, database: APP_DB.database }),
    });
  }

  env(): Record<string, string> {
    return {
      CASTAD_STAGE: '1',
      DB_ENGINE: 'mariadb',
      DB_HOST: '127.0.0.1',
      DB_PORT: String(this.port),
      DB_USER: APP_DB.user,
      DB_PASSWORD: APP_DB.password,
      DB_NAME: APP_DB.database,
      DB_MIGRATE_ON_START: 'false',
      JWT_SECRET: 'bench-data-secret-bench-data-secret-0123',
      KAKAO_CLIENT_ID: 'bench',
      KAKAO_APP_ID: '1',
      KAKAO_REDIRECT_URI: 'http://127.0.0.1/v1/auth/kakao/callback',
      LOG_LEVEL: 'warn',
    };
  }

  /** A clean shutdown (a big fill flushes its pages first): the datadir is kept. */
  stop(): Promise<void> {
    return stopProcess(this.child, 'SIGTERM', 900_000);
  }
}

/** The cache key: the schema (migrations), the generator's version and the scale. */
function cacheKey(scale: VolumeScale): string {
  return createHash('sha256')
    .update(MIGRATIONS.map((m) => m.name).join(','))
    .update(String(GENERATOR_VERSION))
    .update(JSON.stringify(scale))
    .digest('hex')
    .slice(0, 16);
}

/** The copy's datadir from the cache, or filled now (migrations, then generated rows). */
async function prepare(name: string, scale: VolumeScale): Promise<Copy> {
  const dir = join(CACHE, `${name}-${cacheKey(scale)}`);
  const metaFile = join(dir, 'meta.json');
  if (existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    console.log(`${name}: cached in ${dir} (filled in ${meta.fillSeconds} s)`);
    return { name, dir, ...meta, volume: new DataVolume(scale, new Date(meta.anchor)) };
  }
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  execFileSync(
    findBinary('mariadb-install-db')!,
    [
      '--no-defaults',
      `--datadir=${join(building, 'data')}`,
      '--user=root',
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ],
    { stdio: 'ignore' },
  );
  const server = new Server(building);
  // a fill nobody must survive a crash of: no doublewrite, log flushed once a second
  await server.start('4G', ['--skip-innodb-doublewrite', '--innodb-flush-log-at-trx-commit=0']);
  const started = Date.now();
  try {
    const root = await server.connect('root');
    await root.query(
      `CREATE DATABASE ${APP_DB.database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    await root.query(`CREATE USER '${APP_DB.user}'@'%' IDENTIFIED BY '${APP_DB.password}'`);
    await root.query(`GRANT ALL ON ${APP_DB.database}.* TO '${APP_DB.user}'@'%'`);
    await root.end();
    const app = await databaseApp(server.env(), 'cli');
    await app.dataSource.runMigrations({ transaction: 'each' });
    await app.close();
    const volume = new DataVolume(scale, new Date());
    const c = await server.connect();
    await volume.fill(c, (what) => console.log(`${name}: ${what} (${elapsed(started)} s)`), {
      deferIndexes: true,
    });
    const [[{ n }]] = (await c.query('SELECT MAX(seq) AS n FROM project_events')) as any;
    const [tables] = (await c.query('SHOW TABLES')) as any;
    for (const t of tables) await c.query(`ANALYZE TABLE \`${Object.values(t)[0]}\``);
    await c.end();
    const meta = {
      anchor: volume.anchor.toISOString(),
      generatedEvents: Number(n),
      fillSeconds: elapsed(started),
    };
    await server.stop();
    writeFileSync(join(building, 'meta.json'), JSON.stringify(meta, null, 2));
    rmSync(dir, { recursive: true, force: true });
    renameSync(building, dir);
    console.log(`${name}: filled in ${meta.fillSeconds} s`);
    return {
      name,
      dir,
      volume,
      generatedEvents: meta.generatedEvents,
      fillSeconds: meta.fillSeconds,
    };
  } finally {
    await server.stop();
  }
}

const elapsed = (since: number) => Math.round((Date.now() - since) / 1000);

interface Timing {
  medianMs: number;
  p90Ms: number;
  statements: number;
}

const summary = (ms: number[], statements: number): Timing => {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    medianMs: sorted[Math.floor(sorted.length / 2)],
    p90Ms: sorted[Math.floor(sorted.length * 0.9)],
    statements,
  };
};

/** A copy served by its own mariadbd, with the repositories' hot queries over it. */
interface Running {
  copy: Copy;
  server: Server;
  raw: mysql.Connection;
  app: Awaited<ReturnType<typeof databaseApp>>;
  queries: HotQuery[];
}

async function open(copy: Copy, pool: string): Promise<Running> {
  const server = new Server(copy.dir);
  await server.start(pool);
  const raw = await server.connect();
  await copy.volume.restoreMutable(raw, copy.generatedEvents);
  const app = await databaseApp(server.env(), 'cli');
  const queries = hotQueries(app.router, app.module.get(AppConfig), copy.volume);
  return { copy, server, raw, app, queries };
}

async function close(r: Running): Promise<void> {
  await r.app.close();
  await r.raw.end();
  await r.server.stop();
}

/** Runs a query once; what it changed (leases) goes back as generated. */
async function once(r: Running, q: HotQuery): Promise<number> {
  const t0 = process.hrtime.bigint();
  await q.run();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (q.mutates) await r.copy.volume.restoreLeases(r.raw);
  return ms;
}

async function savePlans(r: Running, q: HotQuery, statements: CapturedStatement[]): Promise<void> {
  const plans = [];
  for (const s of statements.filter(explainable)) {
    const [[row]] = (await r.raw.query(`EXPLAIN FORMAT=JSON ${s.sql}`, s.params)) as any;
    plans.push({ sql: s.sql, params: s.params, plan: JSON.parse(Object.values(row)[0] as string) });
  }
  const file = `${q.name
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/-$/, '')
    .toLowerCase()}.json`;
  writeFileSync(join(RESULTS, 'data-plans', file), JSON.stringify(plans, null, 2));
}

/**
 * Both copies at once under the same buffer pool size, each query run alternately on one and
 * the other (two warm-ups, then RUNS each), so the other agents' load falls on both alike.
 */
async function measure(
  month: Copy,
  year: Copy,
  pool: (typeof POOLS)[number],
  plans: boolean,
): Promise<{ small: Map<string, Timing>; big: Map<string, Timing> }> {
  const [s, b] = [await open(month, pool.size), await open(year, pool.size)];
  const small = new Map<string, Timing>();
  const big = new Map<string, Timing>();
  try {
    for (let i = 0; i < b.queries.length; i++) {
      const [qs, qb] = [s.queries[i], b.queries[i]];
      // the SQL the repository sends, and its plan on the year
      const captured = await captureSql(b.app.dataSource, qb.run);
      if (qb.mutates) await year.volume.restoreLeases(b.raw);
      if (plans) await savePlans(b, qb, captured.statements);
      const ms: [number[], number[]] = [[], []];
      for (let run = 0; run < RUNS + 2; run++) {
        const t = [await once(s, qs), await once(b, qb)];
        if (run >= 2) t.forEach((x, k) => ms[k].push(x));
      }
      small.set(qs.name, summary(ms[0], captured.statements.length));
      big.set(qb.name, summary(ms[1], captured.statements.length));
      console.log(
        `  ${pool.name}: ${qb.name}: month ${small.get(qs.name)!.medianMs.toFixed(2)} ms, year ${big.get(qb.name)!.medianMs.toFixed(2)} ms`,
      );
    }
  } finally {
    await close(s);
    await close(b);
  }
  return { small, big };
}

/** Bytes on disk of the app's tables (InnoDB files), per table and in all. */
async function sizeOnDisk(copy: Copy): Promise<{ total: number; tables: Record<string, number> }> {
  const tables: Record<string, number> = {};
  const du = execFileSync('du', ['-sb', ...listIbd(copy)], { encoding: 'utf8' });
  for (const line of du.trim().split('\n')) {
    const [bytes, file] = line.split('\t');
    tables[
      file
        .split('/')
        .pop()!
        .replace(/\.ibd$/, '')
    ] = Number(bytes);
  }
  return { total: Object.values(tables).reduce((a, b) => a + b, 0), tables };
}

function listIbd(copy: Copy): string[] {
  const dir = join(copy.dir, 'data', APP_DB.database);
  return execFileSync('ls', [dir], { encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.endsWith('.ibd'))
    .map((f) => join(dir, f));
}

async function main(): Promise<void> {
  const t0 = Date.now();
  mkdirSync(join(RESULTS, 'data-plans'), { recursive: true });
  const month = await prepare('month', MONTH);
  const year = await prepare('year', YEAR);
  const rows: object[] = [];
  const misses: string[] = [];
  for (const pool of POOLS) {
    const { small, big } = await measure(month, year, pool, pool === POOLS[0]);
    for (const [name, b] of big) {
      const s = small.get(name)!;
      const ratio = b.medianMs / s.medianMs;
      if (ratio > GOAL) misses.push(`${name} @ ${pool.name}: ${ratio.toFixed(2)}x`);
      rows.push({
        pool: pool.name,
        query: name,
        'month ms': Number(s.medianMs.toFixed(2)),
        'year ms': Number(b.medianMs.toFixed(2)),
        'year p90 ms': Number(b.p90Ms.toFixed(2)),
        ratio: Number(ratio.toFixed(2)),
        statements: b.statements,
        met: ratio <= GOAL ? 'yes' : 'no',
      });
    }
  }
  const size = await sizeOnDisk(year);
  const monthSize = await sizeOnDisk(month);
  const perProject = size.total / YEAR.projects;
  report('data', rows, {
    runsPerQuery: RUNS,
    goal: `each hot query on a year of data within ${GOAL}x of the month copy`,
    misses,
    year: { ...YEAR, fillSeconds: year.fillSeconds },
    month: { ...MONTH, fillSeconds: month.fillSeconds },
    sizeOnDiskGB: Number((size.total / 1e9).toFixed(2)),
    monthSizeOnDiskGB: Number((monthSize.total / 1e9).toFixed(2)),
    bytesPerProject: Math.round(perProject),
    tablesMB: Object.fromEntries(
      Object.entries(size.tables)
        .sort((a, b) => b[1] - a[1])
        .map(([t, b]) => [t, Math.round(b / 1e6)]),
    ),
    seedEstimate: `${SEED_GB} GB after a year at stage 3 (500,000 projects); at ${Math.round(perProject)} bytes per project a year is ${((perProject * STAGE3_YEAR.projects) / 1e9).toFixed(1)} GB (${(((perProject * STAGE3_YEAR.projects) / 1e9 / SEED_GB) * 100).toFixed(1)}% of the estimate); 120 GB would mean ${Math.round((SEED_GB * 1e9) / STAGE3_YEAR.projects / 1000)} KB per project`,
    plans: join(RESULTS, 'data-plans'),
    seconds: elapsed(t0),
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
