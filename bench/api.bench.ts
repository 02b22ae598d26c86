/* bench:api — a bare Node http hello-world against our authenticated, DB-backed reads on one
   API instance (MariaDB), same autocannon settings, same run. */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { createPool } from 'mysql2/promise';
import { AppProcess, waitForHttp } from '../test/harness/app-process';
import { ReplicatedMariaDb } from '../test/harness/mariadb';
import { freePort } from '../test/harness/ports';
import { removeDir, tempDir } from '../test/harness/process';
import { mkdirSync } from 'node:fs';
import { load, report } from './common';
import { summarise } from './profile-summary';
import { execFileSync } from 'node:child_process';

const SECRET = 'bench-secret-bench-secret-bench-secret-0123';

async function main(): Promise<void> {
  const dir = tempDir('bench-api');
  const db = new ReplicatedMariaDb(0);
  await db.start();
  const env = db.env({
    CASTAD_STAGE: '1',
    JWT_SECRET: SECRET,
    RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  });
  execFileSync(process.execPath, ['dist/apps/cli/src/main.js', 'migrate'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'ignore',
  });
  // one user with a store and 200 projects
  const userId = randomUUID();
  const storeId = randomUUID();
  await db.primary.query(
    "INSERT INTO castad.users (id, nickname, role, created_at, updated_at) VALUES (?, 'bench', 'user', NOW(3), NOW(3))",
    [userId],
  );
  await db.primary.query(
    "INSERT INTO castad.stores (id, owner_user_id, name, source, created_at, updated_at) VALUES (?, ?, '벤치 가게', 'manual', NOW(3), NOW(3))",
    [storeId, userId],
  );
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) {
    const id = randomUUID();
    ids.push(id);
    await db.primary.query(
      "INSERT INTO castad.projects (id, owner_user_id, store_id, state, step_attempts, retries, autopilot, options, callback_token, created_at, updated_at) VALUES (?, ?, ?, 'DONE', 0, 0, 0, '{}', 't', NOW(3) - INTERVAL ? SECOND, NOW(3))",
      [id, userId, storeId, i],
    );
  }
  const token = jwt.sign({ role: 'user', typ: 'access', fam: 'bench' }, SECRET, {
    algorithm: 'HS256',
    issuer: 'castad',
    audience: 'castad-api',
    subject: userId,
    expiresIn: 3600,
  });

  const bare = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('hello world');
  });
  const barePort = await freePort();
  await new Promise<void>((ok) => bare.listen(barePort, '127.0.0.1', ok));
  // the floor the database sets on this machine: bare Node http doing the same primary-key read with mysql2
  const pool = createPool({
    host: '127.0.0.1',
    port: Number(env.DB_PORT),
    user: env.DB_USER,
    password: env.DB_PASSWORD,
    database: env.DB_NAME,
    connectionLimit: 40,
  });
  const withDb = createServer((_req, res) => {
    pool.query('SELECT * FROM projects WHERE id = ? AND owner_user_id = ?', [ids[0], userId]).then(
      ([rows]) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify((rows as unknown[])[0]));
      },
      () => res.writeHead(500).end(),
    );
  });
  const withDbPort = await freePort();
  await new Promise<void>((ok) => withDb.listen(withDbPort, '127.0.0.1', ok));
  const apiPort = await freePort();
  // the API's CPU profile over the whole run, written when it stops: what bounds the ratio
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  const profile = join(__dirname, 'results', 'api.cpuprofile');
  const api = new AppProcess(
    'dist/apps/api/src/main.js',
    {
      ...env,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      NODE_OPTIONS: `-r ${join(__dirname, 'cpu-profile-hook.js')}`,
      CASTAD_CPU_PROFILE: profile,
    },
    '/dev/null',
  ).start();
  await waitForHttp(`http://127.0.0.1:${apiPort}/health/live`);
  const auth = { authorization: `Bearer ${token}` };
  try {
    const baseline = await load('bare node http (hello world)', `http://127.0.0.1:${barePort}/`);
    const floor = await load(
      'bare node http + one mysql2 read (no framework)',
      `http://127.0.0.1:${withDbPort}/`,
    );
    const one = await load(
      'GET /v1/projects/:id (JWT, MariaDB)',
      `http://127.0.0.1:${apiPort}/v1/projects/${ids[0]}`,
      auth,
    );
    const list = await load(
      'GET /v1/projects?limit=20 (JWT, MariaDB)',
      `http://127.0.0.1:${apiPort}/v1/projects?limit=20`,
      auth,
    );
    const rows = [baseline, floor, one, list].map((r) => ({
      ...r,
      ratioToBaseline: Number((r.reqPerSec / baseline.reqPerSec).toFixed(3)),
    }));
    await api.stop();
    const where = summarise(profile, 15);
    console.log('\nAPI CPU by package / top functions (self time):');
    console.table(where.packages);
    console.table(where.functions);
    report('api', rows, {
      goal: 'authenticated DB-backed read >= 30% of the bare server',
      met: rows[2].ratioToBaseline >= 0.3,
      ofTheDatabaseFloor: Number((one.reqPerSec / floor.reqPerSec).toFixed(3)),
      apiCpuByPackage: where.packages,
      apiCpuTopFunctions: where.functions,
    });
  } finally {
    bare.close();
    withDb.close();
    await pool.end();
    await api.stop();
    await db.destroy();
    removeDir(dir);
  }
}

void main();
