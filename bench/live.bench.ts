/* bench:live — live progress at stage 3: 1,000 open SSE streams on 2 API instances (Redis
   pub/sub, MariaDB primary + replica). What the idle streams cost the primary (Com_select per
   second, against the same window with no stream open), and how long an event takes from its
   write to every stream following its project: owner actions (cancel) are sent to instance A,
   so A's streams get them in-process and B's through Redis; both are reported. */
import { openSse, SseStream } from '../test/harness/sse';
import { seedOwner, Stage3Stack } from './stage3-stack';
import { report } from './common';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const PROJECTS = STREAMS / 10;
const IDLE_SECONDS = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: number[], p: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] : 0;

async function main(): Promise<void> {
  // one owner follows every stream here: the per-user cap is raised to let them all open
  const stack = new Stage3Stack(1, {
    DISPATCH_DRIVER: 'inprocess',
    LOG_LEVEL: 'warn',
    SSE_STREAMS_PER_USER: '1000',
  });
  await stack.start();
  const db = stack.db;
  const { token, projects } = await seedOwner(db.primary, PROJECTS, {
    state: 'LYRICS_READY',
    events: true,
  });
  const ports = await stack.startApis(2);
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
      headline:
        `stage 3, 2 API instances, Redis: ${STREAMS} idle SSE streams cost the primary ` +
        `${(idle - noStreams).toFixed(1)} SELECTs/s; a cancel reached ${delivered} of ${STREAMS} streams ` +
        `(${ended} ended): p50 ${percentile(a, 0.5)} ms in-process, ${percentile(b, 0.5)} ms through Redis, max ${maxLag} ms`,
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
    await stack.destroy();
  }
}

void main();
