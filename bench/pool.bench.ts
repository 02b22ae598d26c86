/* bench:pool — stage 3 shape under load: 3 API instances on one primary; the primary's peak
   connections against the capacity planner's budget. */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { planCapacity } from '../libs/domain/src/config/capacity';
import { AppProcess, waitForHttp } from '../test/harness/app-process';
import { ReplicatedMariaDb } from '../test/harness/mariadb';
import { freePort } from '../test/harness/ports';
import { RedisServer } from '../test/harness/redis';
import { load, report } from './common';

const SECRET = 'bench-secret-bench-secret-bench-secret-0123';

async function main(): Promise<void> {
  const db = new ReplicatedMariaDb(2);
  const redis = new RedisServer();
  await Promise.all([db.start(), redis.start()]);
  const env = db.env({
    CASTAD_STAGE: '3',
    REDIS_URL: redis.url,
    JWT_SECRET: SECRET,
    RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: 'warn',
  });
  execFileSync(process.execPath, ['dist/apps/cli/src/main.js', 'migrate'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'ignore',
  });
  const userId = randomUUID();
  await db.primary.query(
    "INSERT INTO castad.users (id, nickname, role, created_at, updated_at) VALUES (?, 'bench', 'user', NOW(3), NOW(3))",
    [userId],
  );
  const token = jwt.sign({ role: 'user', typ: 'access', fam: 'bench' }, SECRET, {
    algorithm: 'HS256',
    issuer: 'castad',
    audience: 'castad-api',
    subject: userId,
    expiresIn: 3600,
  });
  const apis: AppProcess[] = [];
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    ports.push(port);
    apis.push(
      new AppProcess(
        'dist/apps/api/src/main.js',
        { ...env, PORT: String(port), HOST: '127.0.0.1', INSTANCE_ID: `api-${i}` },
        '/dev/null',
      ).start(),
    );
  }
  await Promise.all(ports.map((p) => waitForHttp(`http://127.0.0.1:${p}/health/live`)));
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(
        peak,
        (await db.primary.globalStatus('Threads_connected')) - 1 - db.replicas.length,
      );
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    // writes (POST /v1/stores) go to the primary: the part of the load that uses its pool
    const results = await Promise.all(
      ports.map((p) =>
        load(
          `api :${p} POST /v1/stores`,
          `http://127.0.0.1:${p}/v1/stores`,
          { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          8,
          60,
          { name: '부하 가게' },
        ).catch((e) => ({
          name: String(e),
          reqPerSec: 0,
          p50ms: 0,
          p99ms: 0,
          errors: 1,
          non2xx: 0,
          total: 0,
        })),
      ),
    );
    sampling = false;
    await sampler;
    const budget = planCapacity('3', 3).primaryTotal;
    report('pool', results, {
      headline: `3 API instances under write load: primary peak ${peak} connections; planner budget ${budget} (the seed document: 128)`,
      goal: "the primary's peak connections within the capacity planner's budget",
      met: peak <= budget,
      primaryPeakConnections: peak,
      plannerBudget: budget,
      documentPrimaryTotal: 128,
    });
  } finally {
    sampling = false;
    await Promise.all(apis.map((a) => a.stop()));
    await Promise.all([db.destroy(), redis.destroy()]);
  }
}

void main();
