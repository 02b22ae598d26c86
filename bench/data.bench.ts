/* bench:data — a year of data at the seed's stage 3 (50,000 users, 500,000 projects with their
   lyrics, songs, videos, files and usage, 5,000,000 events) in MariaDB, against a copy with one
   month of the same traffic: every hot query through our repositories, with the buffer pool at
   a generous size and at the compose files' default (MySQL's 128 MiB), each within 1.5x of the
   month copy; the EXPLAIN plans, the size on disk and bytes per project, projected against the
   seed's 120 GB. The generated datadirs are cached (keyed by the migrations and the generator)
   in ~/.cache/castad-bench, so only the first run fills. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, loadavg } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { AppConfig, MIGRATIONS } from '@app/domain';
import { databaseApp } from '../test/harness/database-app';
import {
  DataVolume,
  GENERATOR_VERSION,
  STAGE3_YEAR,
  VolumeScale,
} from '../test/harness/data-volume';
import { HotQuery, hotQueries } from '../test/harness/hot-queries';
import { APP_DB, MariaDbServer } from '../test/harness/mariadb';
import {
  CapturedStatement,
  captureSql,
  explainable,
  tableAccesses,
} from '../test/harness/sql-capture';
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
  /** filled by this run (not taken from the cache) */
  filledNow: boolean;
}

/**
 * One mariadbd on a copy's kept datadir: every start measures from a cold pool (no dump or
 * load of the last run's pages), with a redo log a big fill does not wait on.
 */
const dataServer = (dir: string, args: string[]) =>
  new MariaDbServer('bench-data', 1, {
    dir,
    args: [
      '--innodb-log-file-size=1G',
      '--innodb-buffer-pool-load-at-startup=OFF',
      '--innodb-buffer-pool-dump-at-shutdown=OFF',
      ...args,
    ],
    startTimeoutMs: 300_000,
  });

const appEnv = (server: MariaDbServer) =>
  server.env({ DB_MIGRATE_ON_START: 'false', LOG_LEVEL: 'warn' });

/** A clean shutdown (a big fill flushes its pages first): the datadir is kept. */
const stopKeeping = (server: MariaDbServer) => server.stop('SIGTERM', 900_000);

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
    return {
      name,
      dir,
      ...meta,
      volume: new DataVolume(scale, new Date(meta.anchor)),
      filledNow: false,
    };
  }
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  // a fill nobody must survive a crash of: no doublewrite, log flushed once a second
  const server = dataServer(building, [
    '--innodb-buffer-pool-size=4G',
    '--skip-innodb-doublewrite',
    '--innodb-flush-log-at-trx-commit=0',
  ]);
  await server.init();
  const started = Date.now();
  try {
    await server.createAppDatabase();
    const app = await databaseApp(appEnv(server), 'cli');
    await app.dataSource.runMigrations({ transaction: 'each' });
    await app.close();
    const volume = new DataVolume(scale, new Date());
    const c = await server.appConnection();
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
    await stopKeeping(server);
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
      filledNow: true,
    };
  } finally {
    await stopKeeping(server);
  }
}

const elapsed = (since: number) => Math.round((Date.now() - since) / 1000);

interface Timing {
  medianMs: number;
  p90Ms: number;
  statements: number;
  /** per run (medians): rows the handler read, pages asked of the buffer pool, pages read from disk */
  rowsRead: number;
  pages: number;
  diskReads: number;
}

interface Run {
  ms: number;
  /** what the server counted during the run: see COUNTERS */
  work: number[];
}

/** The server's own counts of the work a query did (the server runs nothing else meanwhile). */
const COUNTERS = [
  // rows the handler read, any access (a key lookup, the next or previous entry, a scan)
  [
    'Handler_read_first',
    'Handler_read_key',
    'Handler_read_last',
    'Handler_read_next',
    'Handler_read_prev',
    'Handler_read_rnd',
    'Handler_read_rnd_next',
  ],
  ['Innodb_buffer_pool_read_requests'],
  ['Innodb_buffer_pool_reads'],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const summary = (runs: Run[], statements: number): Timing => {
  const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
  const work = (k: number) => median(runs.map((r) => r.work[k]));
  return {
    medianMs: sorted[Math.floor(sorted.length / 2)],
    p90Ms: sorted[Math.floor(sorted.length * 0.9)],
    statements,
    rowsRead: work(0),
    pages: work(1),
    diskReads: work(2),
  };
};

/** A copy served by its own mariadbd, with the repositories' hot queries over it. */
interface Running {
  copy: Copy;
  server: MariaDbServer;
  raw: mysql.Connection;
  app: Awaited<ReturnType<typeof databaseApp>>;
  queries: HotQuery[];
}

async function open(copy: Copy, pool: string): Promise<Running> {
  const server = dataServer(copy.dir, [`--innodb-buffer-pool-size=${pool}`]);
  await server.start();
  const raw = await server.appConnection();
  await copy.volume.restoreMutable(raw, copy.generatedEvents);
  const app = await databaseApp(appEnv(server), 'cli');
  const queries = hotQueries(app.router, app.module.get(AppConfig), copy.volume);
  const running = { copy, server, raw, app, queries };
  await purged(running);
  return running;
}

async function close(r: Running): Promise<void> {
  await r.app.close();
  await r.raw.end();
  await stopKeeping(r.server);
}

async function counters(r: Running): Promise<number[]> {
  const [rows] = (await r.raw.query('SHOW GLOBAL STATUS WHERE Variable_name IN (?)', [
    COUNTERS.flat(),
  ])) as unknown as [{ Variable_name: string; Value: string }[]];
  const value = (name: string) => Number(rows.find((x) => x.Variable_name === name)?.Value ?? 0);
  return COUNTERS.map((names) => names.reduce((sum, n) => sum + value(n), 0));
}

/**
 * Waits for InnoDB's purge of what the restore changed (the year's copy has more of it: its
 * refresh tokens), so it does not run into the first queries measured.
 */
async function purged(r: Running): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    // root's (PROCESS privilege)
    const [row] = await r.server.query<{ Status: string }[]>('SHOW ENGINE INNODB STATUS');
    const history = /History list length (\d+)/.exec(String(row?.Status ?? ''));
    if (!history || Number(history[1]) < 1000) return;
    await new Promise((ok) => setTimeout(ok, 500));
  }
}

/** Runs a query once, counting its work; what it changed (leases) goes back as generated. */
async function once(r: Running, q: HotQuery): Promise<Run> {
  const before = await counters(r);
  const t0 = process.hrtime.bigint();
  await q.run();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const after = await counters(r);
  if (q.mutates) await r.copy.volume.restoreLeases(r.raw);
  return { ms, work: after.map((x, k) => x - before[k]) };
}

/** Saves the year's plans of a query's statements; returns each table's access in short. */
async function savePlans(
  r: Running,
  q: HotQuery,
  statements: CapturedStatement[],
): Promise<string[]> {
  const plans = [];
  const accesses: string[] = [];
  for (const s of statements.filter(explainable)) {
    const [[row]] = (await r.raw.query(`EXPLAIN FORMAT=JSON ${s.sql}`, s.params)) as any;
    const plan = JSON.parse(Object.values(row)[0] as string);
    plans.push({ sql: s.sql, params: s.params, plan });
    for (const a of tableAccesses(plan))
      accesses.push(
        `${a.table}: ${a.accessType} ${a.key ?? '(no index)'}${a.coveringIndex ? ' (index only)' : ''}, ~${a.rows} rows${a.sorted ? ', sorted' : ''}`,
      );
  }
  const file = `${q.name
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/-$/, '')
    .toLowerCase()}.json`;
  writeFileSync(join(RESULTS, 'data-plans', file), JSON.stringify(plans, null, 2));
  return accesses;
}

/**
 * Both copies at once under the same buffer pool size, each query run alternately on one and
 * the other (two warm-ups, then RUNS each), so the other agents' load falls on both alike.
 */
async function measure(
  month: Copy,
  year: Copy,
  pool: (typeof POOLS)[number],
  plans: Map<string, string[]>,
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
      if (!plans.has(qb.name)) plans.set(qb.name, await savePlans(b, qb, captured.statements));
      const ms: [Run[], Run[]] = [[], []];
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
  // the fill alone (heavy for ~15 minutes, so it can run niced without holding the bench lock)
  if (process.env.BENCH_DATA_FILL_ONLY === '1') return;
  const rows: object[] = [];
  const misses: string[] = [];
  /** what bounds each miss: the year's plan and the work on both copies */
  const bounds: object[] = [];
  const plans = new Map<string, string[]>();
  const withinGoal: Record<string, number> = {};
  const measuring = Date.now();
  const load = loadavg()[0];
  for (const pool of POOLS) {
    const { small, big } = await measure(month, year, pool, plans);
    withinGoal[pool.name] = 0;
    for (const [name, b] of big) {
      const s = small.get(name)!;
      const ratio = b.medianMs / s.medianMs;
      if (ratio <= GOAL) withinGoal[pool.name]++;
      else {
        misses.push(`${name} @ ${pool.name}: ${ratio.toFixed(2)}x`);
        bounds.push({
          query: name,
          pool: pool.name,
          ms: { month: s.medianMs, year: b.medianMs },
          rowsRead: { month: s.rowsRead, year: b.rowsRead },
          bufferPoolPages: { month: s.pages, year: b.pages },
          diskReads: { month: s.diskReads, year: b.diskReads },
          yearPlan: plans.get(name),
        });
      }
      rows.push({
        pool: pool.name,
        query: name,
        'month ms': Number(s.medianMs.toFixed(2)),
        'year ms': Number(b.medianMs.toFixed(2)),
        'year p90 ms': Number(b.p90Ms.toFixed(2)),
        ratio: Number(ratio.toFixed(2)),
        statements: b.statements,
        'rows read (month/year)': `${s.rowsRead}/${b.rowsRead}`,
        'pool pages (month/year)': `${s.pages}/${b.pages}`,
        'disk reads (month/year)': `${s.diskReads}/${b.diskReads}`,
        met: ratio <= GOAL ? 'yes' : 'no',
      });
    }
  }
  const measureSeconds = elapsed(measuring);
  const size = await sizeOnDisk(year);
  const monthSize = await sizeOnDisk(month);
  const perProject = size.total / YEAR.projects;
  const yearGB = (perProject * STAGE3_YEAR.projects) / 1e9;
  const queries = rows.length / POOLS.length;
  report('data', rows, {
    headline:
      `a year (${YEAR.users.toLocaleString('en')} users, ${YEAR.projects.toLocaleString('en')} projects): ` +
      `${(size.total / 1e9).toFixed(2)} GB on disk, ${(perProject / 1000).toFixed(1)} KB per project, ` +
      `so a year projects to ${yearGB.toFixed(1)} GB against the seed's ${SEED_GB} GB; ` +
      POOLS.map((p) => `${withinGoal[p.name]} of ${queries} within ${GOAL}x at ${p.name}`).join(
        ', ',
      ) +
      (misses.length ? ` (misses: ${misses.join('; ')})` : ''),
    goal: `each hot query on a year of data within ${GOAL}x of a month of the same traffic, at both buffer pools`,
    met: Object.fromEntries(POOLS.map((p) => [p.name, withinGoal[p.name] === queries])),
    runsPerQuery: RUNS,
    misses,
    bounds,
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
    seedEstimate: `${SEED_GB} GB after a year at stage 3 (500,000 projects); at ${Math.round(perProject)} bytes per project a year is ${yearGB.toFixed(1)} GB (${((yearGB / SEED_GB) * 100).toFixed(1)}% of the estimate); 120 GB would mean ${Math.round((SEED_GB * 1e9) / STAGE3_YEAR.projects / 1000)} KB per project`,
    // beside this file (bench/results, or its copy in docs/performance)
    plans: 'data-plans/',
    loadAverageAtStart: Number(load.toFixed(2)),
    measureSeconds,
    seconds: elapsed(t0),
    // a first run's fill: npm run bench leaves it out of its 20-minute budget (cached after)
    oneOffSeconds: [month, year].reduce((sum, c) => sum + (c.filledNow ? c.fillSeconds : 0), 0),
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
