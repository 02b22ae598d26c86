/* bench:api — our authenticated reads and creating writes on one API instance (MariaDB, stage 1)
   against their floors in the same run: bare Node http + one mysql2 primary-key read (reads),
   bare Node http + one mysql2 INSERT (writes), no framework. Per request: DB statements and
   round trips (the API's own counters, from /metrics), the API's CPU and MariaDB's. */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { AppProcess, waitForHttp } from '../test/harness/app-process';
import { ReplicatedMariaDb } from '../test/harness/mariadb';
import { freePort } from '../test/harness/ports';
import { removeDir, tempDir } from '../test/harness/process';
import { mkdirSync, readFileSync } from 'node:fs';
import { BENCH_SECRET, load, LoadResult, processCost, report } from './common';
import { seedOwner } from './stage3-stack';
import { summarise } from './profile-summary';
import { execFileSync } from 'node:child_process';

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  const port = await freePort();
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  return { server, port };
}

/** One load of a profiled pass: its name, path and (for a write) its JSON body. */
interface Pass {
  name: string;
  path: string;
  body?: unknown;
}

/**
 * What bounds a set of routes: the API's CPU profile (self time) over a separate pass of them,
 * started after a warm-up of the same routes so that start-up is left out.
 */
async function profiled(env: Record<string, string>, token: string, what: string, passes: Pass[]) {
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  const profile = join(__dirname, 'results', `api-${what}.cpuprofile`);
  const port = await freePort();
  const api = new AppProcess(
    'dist/apps/api/src/main.js',
    {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_OPTIONS: `-r ${join(__dirname, 'cpu-profile-hook.js')}`,
      CASTAD_CPU_PROFILE: profile,
      CASTAD_CPU_PROFILE_ON: 'SIGUSR2',
    },
    '/dev/null',
  ).start();
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health/live`);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const run = (p: Pass, label: string, seconds: number) =>
      p.body === undefined
        ? load(
            label,
            `http://127.0.0.1:${port}${p.path}`,
            { authorization: headers.authorization },
            seconds,
          )
        : load(label, `http://127.0.0.1:${port}${p.path}`, headers, seconds, 100, p.body);
    for (const p of passes) await run(p, 'profile warm-up', 2);
    api.signal('SIGUSR2');
    for (const p of passes) await run(p, `profiled: ${p.name}`, 5);
  } finally {
    await api.stop();
  }
  return summarise(profile, 15);
}

async function main(): Promise<void> {
  const dir = tempDir('bench-api');
  const db = new ReplicatedMariaDb(0);
  await db.start();
  const env = db.env({
    CASTAD_STAGE: '1',
    JWT_SECRET: BENCH_SECRET,
    RATE_LIMIT_PER_MINUTE: '100000000',
    PROJECTS_PER_DAY: '100000000',
    METRICS_ALLOW_CIDRS: '127.0.0.1/32',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  });
  execFileSync(process.execPath, ['dist/apps/cli/src/main.js', 'migrate'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'ignore',
  });
  // one user with a store and 200 projects
  const { userId, storeId, token, projects: ids } = await seedOwner(db.primary, 200);

  const bare = await listen((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('hello world');
  });
  // the floors the database sets on this machine, in their own process (their CPU is read)
  const readPort = await freePort();
  const writePort = await freePort();
  const floors = new AppProcess(
    'bench/floor-server.ts',
    {
      ...env,
      NODE_OPTIONS: '-r @swc-node/register',
      FLOOR_READ_PORT: String(readPort),
      FLOOR_WRITE_PORT: String(writePort),
      FLOOR_USER_ID: userId,
      FLOOR_PROJECT_ID: ids[0],
    },
    '/dev/null',
  ).start();
  await waitForHttp(`http://127.0.0.1:${readPort}/cpu`);
  const floorCpuSec = async () => {
    const u = (await (await fetch(`http://127.0.0.1:${readPort}/cpu`)).json()) as {
      user: number;
      system: number;
    };
    return (u.user + u.system) / 1e6;
  };
  const apiPort = await freePort();
  // measured without a profiler attached (it costs CPU per request); the profile comes from a
  // second pass after the measured runs (see profiled())
  const api = new AppProcess(
    'dist/apps/api/src/main.js',
    { ...env, PORT: String(apiPort), HOST: '127.0.0.1' },
    '/dev/null',
  ).start();
  await waitForHttp(`http://127.0.0.1:${apiPort}/health/live`);
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const perRequest = (r: LoadResult, n: number) => Number((n / Math.max(1, r.total)).toFixed(3));
  /**
   * A run with what each request cost MariaDB (its process CPU: the same two cores the app and
   * autocannon share, so the rate follows the sum) beside the app's own figures.
   */
  const withDbCpu = async <T extends LoadResult>(run: () => Promise<T>) => {
    const before = databaseCpuSec(db);
    const r = await run();
    return { ...r, dbCpuMsPerReq: perRequest(r, (databaseCpuSec(db) - before) * 1000) };
  };
  /** a run against our API, with what each request cost it */
  const ours = (run: () => Promise<LoadResult>) =>
    withDbCpu(async () => {
      const before = await processCost(apiPort);
      const r = await run();
      const after = await processCost(apiPort);
      return {
        ...r,
        statementsPerReq: perRequest(r, after.statements - before.statements),
        roundTripsPerReq: perRequest(r, after.roundTrips - before.roundTrips),
        cpuMsPerReq: perRequest(r, (after.cpuSec - before.cpuSec) * 1000),
      };
    });
  /** a run against a floor: one statement per request by construction */
  const floor = (run: () => Promise<LoadResult>) =>
    withDbCpu(async () => {
      const before = await floorCpuSec();
      const r = await run();
      const cpu = (await floorCpuSec()) - before;
      return {
        ...r,
        statementsPerReq: 1,
        roundTripsPerReq: 1,
        cpuMsPerReq: perRequest(r, cpu * 1000),
      };
    });
  const loadBefore = loadavg()[0];
  try {
    const baseline = await load('bare node http (hello world)', `http://127.0.0.1:${bare.port}/`);
    const readFloor = await floor(() =>
      load('floor: bare http + one mysql2 PK read', `http://127.0.0.1:${readPort}/`),
    );
    // warm-up: the user's status and the step medians are cached after the first requests
    await load('warm-up', `http://127.0.0.1:${apiPort}/v1/projects/${ids[0]}`, auth, 2);
    const one = await ours(() =>
      load(
        'GET /v1/projects/:id (JWT, MariaDB)',
        `http://127.0.0.1:${apiPort}/v1/projects/${ids[0]}`,
        auth,
      ),
    );
    const list = await ours(() =>
      load(
        'GET /v1/projects?limit=20 (JWT, MariaDB)',
        `http://127.0.0.1:${apiPort}/v1/projects?limit=20`,
        auth,
      ),
    );
    const insertFloor = await floor(() =>
      load(
        'floor: bare http + one mysql2 INSERT',
        `http://127.0.0.1:${writePort}/`,
        { 'content-type': 'application/json' },
        10,
        100,
        { name: '부하 가게' },
      ),
    );
    const store = await ours(() =>
      load('POST /v1/stores', `http://127.0.0.1:${apiPort}/v1/stores`, json, 10, 100, {
        name: '부하 가게',
      }),
    );
    const project = await ours(() =>
      load('POST /v1/projects', `http://127.0.0.1:${apiPort}/v1/projects`, json, 10, 100, {
        storeId,
      }),
    );
    const ratio = (r: LoadResult, to: LoadResult) =>
      Number((r.reqPerSec / to.reqPerSec).toFixed(3));
    /** the floor's CPU per request over ours: the share of the floor's rate a CPU-bound API reaches */
    const cpuRatio = (r: { cpuMsPerReq: number }, to: { cpuMsPerReq: number }) =>
      Number((to.cpuMsPerReq / r.cpuMsPerReq).toFixed(3));
    const rows = [
      { ...baseline, ofFloor: null },
      { ...readFloor, ofFloor: 1 },
      { ...one, ofFloor: ratio(one, readFloor), cpuOfFloor: cpuRatio(one, readFloor) },
      { ...list, ofFloor: ratio(list, readFloor), cpuOfFloor: cpuRatio(list, readFloor) },
      { ...insertFloor, ofFloor: 1 },
      { ...store, ofFloor: ratio(store, insertFloor), cpuOfFloor: cpuRatio(store, insertFloor) },
      {
        ...project,
        ofFloor: ratio(project, insertFloor),
        cpuOfFloor: cpuRatio(project, insertFloor),
      },
    ];
    await api.stop();
    const where = await profiled(env, token, 'reads', [
      { name: 'GET one', path: `/v1/projects/${ids[0]}` },
      { name: 'list', path: '/v1/projects?limit=20' },
    ]);
    console.log(
      '\nAPI CPU by package / top functions (self time, a profiled pass of the two reads):',
    );
    console.table(where.packages);
    console.table(where.functions);
    const writes = await profiled(env, token, 'writes', [
      { name: 'POST /v1/stores', path: '/v1/stores', body: { name: '부하 가게' } },
      { name: 'POST /v1/projects', path: '/v1/projects', body: { storeId } },
    ]);
    console.log(
      '\nAPI CPU by package / top functions (self time, a profiled pass of the two writes):',
    );
    console.table(writes.packages);
    console.table(writes.functions);
    const goals = {
      getOne: ratio(one, readFloor) >= 0.6,
      list: ratio(list, readFloor) >= 0.45,
      postStores: ratio(store, insertFloor) >= 0.4,
      postProjects: ratio(project, insertFloor) >= 0.4,
    };
    const pct = (r: LoadResult, to: LoadResult) => `${Math.round(ratio(r, to) * 100)}%`;
    const cost = (r: { statementsPerReq: number; roundTripsPerReq: number; cpuMsPerReq: number }) =>
      `${r.statementsPerReq} statements, ${r.roundTripsPerReq} round trips, ${r.cpuMsPerReq} ms API CPU/req`;
    report('api', rows, {
      headline:
        `one API instance, MariaDB (load average ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)}). ` +
        `Read floor ${readFloor.reqPerSec} req/s (${readFloor.cpuMsPerReq} ms CPU/req): ` +
        `GET one ${one.reqPerSec} req/s = ${pct(one, readFloor)} (${cost(one)}); ` +
        `list of 20 ${list.reqPerSec} = ${pct(list, readFloor)} (${cost(list)}). ` +
        `INSERT floor ${insertFloor.reqPerSec} req/s (${insertFloor.cpuMsPerReq} ms): ` +
        `POST /v1/stores ${store.reqPerSec} = ${pct(store, insertFloor)} (${cost(store)}); ` +
        `POST /v1/projects ${project.reqPerSec} = ${pct(project, insertFloor)} (${cost(project)})`,
      goal: 'of the floor in the same run: GET one >= 60%, list >= 45%, POST /v1/stores and /v1/projects >= 40%',
      met: goals,
      machineLoadAverage: { before: loadBefore, after: loadavg()[0] },
      apiCpuByPackage: where.packages,
      apiCpuTopFunctions: where.functions,
      apiWriteCpuByPackage: writes.packages,
      apiWriteCpuTopFunctions: writes.functions,
    });
  } finally {
    bare.server.close();
    await floors.stop();
    await api.stop();
    await db.destroy();
    removeDir(dir);
  }
}

/** CPU seconds the primary mariadbd has used so far (user + system, from /proc). */
function databaseCpuSec(db: ReplicatedMariaDb): number {
  const pid = readFileSync(join(db.primary.dir, 'mysqld.pid'), 'utf8').trim();
  // the fields after the command name: utime and stime are the 12th and 13th, in clock ticks
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

void main();
