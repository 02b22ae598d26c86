/* bench:live — live progress at stage 3: 1,000 open SSE streams on 2 API instances (Redis
   pub/sub, MariaDB primary + replica). What the idle streams cost the primary (Com_select per
   second, against the same window with no stream open), and how long an event takes from its
   write to every stream following its project: owner actions (cancel) are sent to instance A,
   so A's streams get them in-process and B's through Redis; both are reported. */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { AppProcess, waitForHttp } from '../test/harness/app-process';
import { ReplicatedMariaDb } from '../test/harness/mariadb';
import { freePort } from '../test/harness/ports';
import { RedisServer } from '../test/harness/redis';
import { openSse, SseStream } from '../test/harness/sse';
import { BENCH_SECRET, benchToken, report } from './common';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const PROJECTS = STREAMS / 10;
const IDLE_SECONDS = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: number[], p: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] : 0;

async function main(): Promise<void> {
  const db = new ReplicatedMariaDb(1);
  const redis = new RedisServer();
  await Promise.all([db.start(), redis.start()]);
  const env = db.env({
    CASTAD_STAGE: '3',
    DISPATCH_DRIVER: 'inprocess',
    REDIS_URL: redis.url,
    JWT_SECRET: BENCH_SECRET,
    RATE_LIMIT_PER_MINUTE: '100000000',
    LOG_LEVEL: 'warn',
  });
  execFileSync(process.execPath, ['dist/apps/cli/src/main.js', 'migrate'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: 'ignore',
  });
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
  const projects: string[] = [];
  for (let i = 0; i < PROJECTS; i++) {
    const id = randomUUID();
    projects.push(id);
    await db.primary.query(
      "INSERT INTO castad.projects (id, owner_user_id, store_id, state, step_attempts, retries, autopilot, options, callback_token, created_at, updated_at) VALUES (?, ?, ?, 'LYRICS_READY', 0, 0, 0, '{}', 't', NOW(3), NOW(3))",
      [id, userId, storeId],
    );
    await db.primary.query(
      "INSERT INTO castad.project_events (project_id, from_state, to_state, message, at) VALUES (?, 'DRAFT', 'LYRICS_READY', 'bench', NOW(3))",
      [id],
    );
  }
  const token = benchToken(userId);
  const ports = [await freePort(), await freePort()];
  const apis = ports.map((port, i) =>
    new AppProcess(
      'dist/apps/api/src/main.js',
      { ...env, PORT: String(port), HOST: '127.0.0.1', INSTANCE_ID: `api-${i}` },
      '/dev/null',
    ).start(),
  );
  await Promise.all(ports.map((p) => waitForHttp(`http://127.0.0.1:${p}/health/live`)));
  const streams: { project: string; instance: 'A' | 'B'; sse: SseStream }[] = [];
  const selectsPerSecond = async (seconds: number) => {
    const before = await db.primary.globalStatus('Com_select');
    await sleep(seconds * 1000);
    return ((await db.primary.globalStatus('Com_select')) - before) / seconds;
  };
  try {
    await db.waitForReplicas();
    const noStreams = await selectsPerSecond(5);
    for (let i = 0; i < STREAMS; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, STREAMS - i) }, (_, k) => {
          const n = i + k;
          const project = projects[n % PROJECTS];
          const instance = n % 2 ? 'B' : 'A';
          return openSse(
            `http://127.0.0.1:${ports[instance === 'A' ? 0 : 1]}/v1/projects/${project}/events`,
            { authorization: `Bearer ${token}` },
          ).then((sse) => ({ project, instance: instance as 'A' | 'B', sse }));
        }),
      );
      streams.push(...batch);
    }
    const refused = streams.filter((s) => s.sse.status !== 200).length;
    // every stream has read its catch-up (one event) before the idle window
    for (let t = 0; t < 300 && streams.some((s) => s.sse.events.length < 1); t++) await sleep(100);
    const idle = await selectsPerSecond(IDLE_SECONDS);

    // one owner action per project, 20 a second, all sent to instance A
    for (const project of projects) {
      const res = await fetch(`http://127.0.0.1:${ports[0]}/v1/projects/${project}/cancel`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status !== 200) throw new Error(`cancel answered ${res.status}`);
      await sleep(50);
    }
    await Promise.race([Promise.all(streams.map((s) => s.sse.ended)), sleep(10_000)]);
    const lag = (instance: 'A' | 'B') =>
      streams
        .filter((s) => s.instance === instance)
        .map((s) => s.sse.events.find((e) => e.data.state === 'CANCELLED'))
        .filter((e) => e !== undefined)
        .map((e) => e.receivedAt - Date.parse(e.data.at));
    const a = lag('A');
    const b = lag('B');
    const delivered = a.length + b.length;
    const ended = streams.filter((s) => s.sse.isEnded()).length;
    const rows = [
      { measure: 'primary SELECTs/s, no stream open', value: Number(noStreams.toFixed(1)) },
      { measure: `primary SELECTs/s, ${STREAMS} idle streams`, value: Number(idle.toFixed(1)) },
      { measure: 'event to stream ms, instance A (in-process) p50', value: percentile(a, 0.5) },
      { measure: 'event to stream ms, instance A max', value: Math.max(0, ...a) },
      { measure: 'event to stream ms, instance B (Redis) p50', value: percentile(b, 0.5) },
      { measure: 'event to stream ms, instance B p99', value: percentile(b, 0.99) },
      { measure: 'event to stream ms, instance B max', value: Math.max(0, ...b) },
    ];
    const maxLag = Math.max(0, ...a, ...b);
    report('live', rows, {
      streams: STREAMS,
      refused,
      delivered,
      endedAfterCancel: ended,
      goal: `${STREAMS} idle streams cost <= 10 primary queries/s; an event reaches every stream within 200 ms`,
      met: refused === 0 && delivered === STREAMS && idle - noStreams <= 10 && maxLag <= 200,
      primaryQueriesPerSecondForStreams: Number((idle - noStreams).toFixed(1)),
      maxEventToStreamMs: maxLag,
    });
  } finally {
    for (const s of streams) s.sse.close();
    await Promise.all(apis.map((a) => a.stop()));
    await Promise.all([db.destroy(), redis.destroy()]);
  }
}

void main();
