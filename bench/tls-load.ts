/* A load generator that records every request itself: `connections` keep-alive TLS connections
   (one node:https agent of one socket each), either paced at an offered total rate with each
   connection on its own phase (request starts spread evenly over time, never in synchronised
   bursts), or unbounded (each connection sends again as soon as it has its answer).
   A paced request's latency counts from when it was due, so a connection still busy with its
   previous request adds its wait (no coordinated omission). */
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';

export interface Sample {
  /** ms since the run began: when the request was due (paced) or sent (unbounded) */
  due: number;
  /** ms from due to the last byte of the answer (or to the error) */
  latency: number;
  status: number;
  error?: string;
  /** the connection's first request: it carried the TLS handshake */
  first: boolean;
}

export interface LoadRun {
  samples: Sample[];
  seconds: number;
  /** the client's own CPU over the run, seconds */
  clientCpuSec: number;
}

export interface LoadOptions {
  port: number;
  connections: number;
  /** offered requests per second over all connections; Infinity: closed loop */
  rate: number;
  seconds: number;
  /** the path and headers of connection `conn`'s `k`th request */
  request: (conn: number, k: number) => { path: string; headers: Record<string, string> };
  timeoutMs?: number;
}

export async function tlsLoad(o: LoadOptions): Promise<LoadRun> {
  const samples: Sample[] = [];
  const agents: Agent[] = [];
  const paced = Number.isFinite(o.rate);
  // each connection sends every `period` ms; connection i starts at i/rate s
  const period = (o.connections / o.rate) * 1000;
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + o.seconds * 1000;

  const runConnection = (conn: number) =>
    new Promise<void>((done) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false });
      agents.push(agent);
      let k = 0;
      const next = () => {
        const due = paced ? t0 + (conn * 1000) / o.rate + k * period : performance.now();
        if (due >= end) return done();
        const wait = due - performance.now();
        if (wait > 0) setTimeout(() => send(due), wait);
        else send(due);
      };
      const send = (due: number) => {
        const { path, headers } = o.request(conn, k);
        const first = k === 0;
        k++;
        let settled = false;
        const finish = (status: number, error?: string) => {
          if (settled) return;
          settled = true;
          samples.push({ due: due - t0, latency: performance.now() - due, status, error, first });
          next();
        };
        const req = request(
          {
            host: '127.0.0.1',
            port: o.port,
            path,
            method: 'GET',
            headers,
            agent,
            timeout: o.timeoutMs ?? 10_000,
          },
          (res) => {
            res.on('data', () => undefined);
            res.on('end', () => finish(res.statusCode ?? 0));
            res.on('error', (e) => finish(0, e.message));
          },
        );
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (e) => finish(0, e.message));
        req.end();
      };
      next();
    });

  await Promise.all(Array.from({ length: o.connections }, (_, i) => runConnection(i)));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  for (const a of agents) a.destroy();
  return { samples, seconds, clientCpuSec: (cpu.user + cpu.system) / 1e6 };
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : 0;

export interface Summary {
  requests: number;
  errors: number;
  reqPerSec: number;
  p50ms: number;
  p90ms: number;
  p99ms: number;
  maxMs: number;
}

export function summarise(samples: Sample[], seconds: number): Summary {
  const ms = samples.map((s) => s.latency).sort((a, b) => a - b);
  const round = (x: number) => Number(x.toFixed(1));
  return {
    requests: samples.length,
    errors: samples.filter((s) => s.status !== 200).length,
    reqPerSec: Math.round(samples.length / Math.max(seconds, 1e-9)),
    p50ms: round(percentile(ms, 0.5)),
    p90ms: round(percentile(ms, 0.9)),
    p99ms: round(percentile(ms, 0.99)),
    maxMs: round(ms.length ? ms[ms.length - 1] : 0),
  };
}

/**
 * Warm-up is every second up to the one in which the last connection had its first answer
 * (its TLS handshake); the steady state is every later second. `perSecond` is by due second.
 */
export function splitWarmUp(run: LoadRun) {
  const handshakesDone = Math.max(
    0,
    ...run.samples.filter((s) => s.first).map((s) => s.due + s.latency),
  );
  const warmUpSeconds = Math.ceil(handshakesDone / 1000);
  const warm = run.samples.filter((s) => s.due < warmUpSeconds * 1000);
  const steady = run.samples.filter((s) => s.due >= warmUpSeconds * 1000);
  const bySecond = new Map<number, Sample[]>();
  for (const s of run.samples) {
    const sec = Math.floor(s.due / 1000);
    if (!bySecond.has(sec)) bySecond.set(sec, []);
    bySecond.get(sec)!.push(s);
  }
  const perSecond = [...bySecond.entries()]
    .sort(([a], [b]) => a - b)
    .map(([second, xs]) => ({ second, ...summarise(xs, 1) }));
  const firstRequests = run.samples.filter((s) => s.first);
  return {
    warmUpSeconds,
    warmUp: summarise(warm, warmUpSeconds),
    handshakeRequests: summarise(firstRequests, warmUpSeconds),
    steady: summarise(steady, Math.max(1e-9, run.seconds - warmUpSeconds)),
    perSecond,
  };
}
