/* A load generator that records every request itself: `connections` keep-alive TLS connections
   from one process, either paced at an offered total rate with each connection on its own phase
   (request starts spread evenly over time, never in synchronised bursts), or unbounded (each
   connection sends again as soon as it has its answer). A paced request's latency counts from
   when it was due, so a connection still busy with its previous request adds its wait (no
   coordinated omission).
   HTTP/1.1 is written and read on the TLS sockets directly (status line, Content-Length or
   chunked end): the client shares the machine with what it measures, and node:https's
   per-request machinery cost more CPU than nginx did per request. */
import { connect, TLSSocket } from 'node:tls';
import { performance, PerformanceObserver } from 'node:perf_hooks';

export interface Sample {
  /** ms since the run began: when the request was due (paced) or sent (unbounded) */
  due: number;
  /** ms from due to the last byte of the answer (or to the error) */
  latency: number;
  status: number;
  error?: string;
  /** the connection's first request: it carried the TLS handshake */
  first: boolean;
  /** it carried the handshake of a connection opened again after one was lost */
  reconnected: boolean;
}

export interface LoadRun {
  samples: Sample[];
  /** paced requests never sent: their connection was still behind when the run had ended */
  unsent: number;
  seconds: number;
  /** the client's own CPU over the run, seconds */
  clientCpuSec: number;
  /**
   * The client's own stalls by second of the run (wall clock, not due time): its event loop's
   * worst lateness (a 10 ms timer) and its GC pauses, ms. Every latency this client records
   * includes them, so a second where every request is slow is told apart from a slow server.
   */
  clientStalls: { second: number; loopLateMaxMs: number; gcMs: number }[];
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

const HEAD_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('\r\n0\r\n\r\n');

/**
 * Where the HTTP/1.1 answer at the start of `buf` ends (and its status), or undefined while it
 * is incomplete.
 */
function answerEnd(buf: Buffer): { status: number; end: number; close: boolean } | undefined {
  const headEnd = buf.indexOf(HEAD_END);
  if (headEnd < 0) return undefined;
  const head = buf.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  const close = /\r\nconnection:\s*close/i.test(head);
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const end = headEnd + 4 + Number(length[1]);
    return buf.length >= end ? { status, end, close } : undefined;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    const at = buf.indexOf(CHUNKED_END, headEnd + 2);
    return at < 0 ? undefined : { status, end: at + CHUNKED_END.length, close };
  }
  return { status, end: headEnd + 4, close }; // no body (204, 304)
}

export async function tlsLoad(o: LoadOptions): Promise<LoadRun> {
  const samples: Sample[] = [];
  let unsent = 0;
  const sockets = new Set<TLSSocket>();
  const paced = Number.isFinite(o.rate);
  const timeoutMs = o.timeoutMs ?? 10_000;
  // each connection sends every `period` ms; connection i starts at i/rate s
  const period = (o.connections / o.rate) * 1000;
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + o.seconds * 1000;
  const stalls = clientStalls(t0);
  const inFlight = new Map<number, { sentAt: number; fail: (e: string) => void }>();
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const r of inFlight.values()) if (now - r.sentAt > timeoutMs) r.fail('timeout');
  }, 250);

  const runConnection = (conn: number) =>
    new Promise<void>((done) => {
      let socket: TLSSocket | undefined;
      let buf: Buffer | undefined;
      let current: { due: number; first: boolean; reconnected: boolean } | undefined;
      let k = 0;
      const finish = (status: number, error?: string) => {
        if (!current) return;
        const { due, first, reconnected } = current;
        current = undefined;
        inFlight.delete(conn);
        samples.push({
          due: due - t0,
          latency: performance.now() - due,
          status,
          error,
          first,
          reconnected,
        });
        next();
      };
      const drop = (error: string) => {
        socket?.destroy();
        socket = undefined;
        buf = undefined;
        finish(0, error);
      };
      const open = () => {
        const s = connect({ host: '127.0.0.1', port: o.port, rejectUnauthorized: false });
        s.setNoDelay(true);
        sockets.add(s);
        s.on('data', (chunk: Buffer) => {
          if (s !== socket) return;
          buf = buf ? Buffer.concat([buf, chunk]) : chunk;
          const answer = answerEnd(buf);
          if (!answer) return;
          buf = buf.length > answer.end ? buf.subarray(answer.end) : undefined;
          if (answer.close) {
            socket = undefined;
            s.end();
          }
          finish(answer.status);
        });
        const lost = (e?: Error) => {
          sockets.delete(s);
          if (s === socket) drop(e?.message ?? 'connection closed');
        };
        s.on('error', lost);
        s.on('close', () => lost());
        return s;
      };
      const next = () => {
        const due = paced ? t0 + (conn * 1000) / o.rate + k * period : performance.now();
        if (due >= end) return done();
        // a connection that is still this far behind when the run ends gives up the rest
        if (performance.now() > end + timeoutMs) {
          unsent += Math.ceil((end - due) / period);
          return done();
        }
        const wait = due - performance.now();
        if (wait > 0) setTimeout(() => send(due), wait);
        else send(due);
      };
      const send = (due: number) => {
        const { path, headers } = o.request(conn, k);
        current = { due, first: k === 0, reconnected: k > 0 && !socket };
        k++;
        socket ??= open();
        inFlight.set(conn, { sentAt: performance.now(), fail: drop });
        let text = `GET ${path} HTTP/1.1\r\nhost: 127.0.0.1:${o.port}\r\n`;
        for (const [name, value] of Object.entries(headers)) text += `${name}: ${value}\r\n`;
        socket.write(text + '\r\n');
      };
      next();
    });

  await Promise.all(Array.from({ length: o.connections }, (_, i) => runConnection(i)));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sweep);
  for (const s of sockets) s.destroy();
  return {
    samples,
    unsent,
    seconds,
    clientCpuSec: (cpu.user + cpu.system) / 1e6,
    clientStalls: stalls.stop(),
  };
}

/** Watches this process's event loop and GC from `t0` on (see LoadRun.clientStalls). */
function clientStalls(t0: number) {
  const TICK_MS = 10;
  const late: number[] = [];
  const gc: number[] = [];
  const secondOf = (t: number) => Math.max(0, Math.floor((t - t0) / 1000));
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    const s = secondOf(now);
    late[s] = Math.max(late[s] ?? 0, now - last - TICK_MS);
    last = now;
  }, TICK_MS);
  const pauses = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      gc[secondOf(e.startTime)] = (gc[secondOf(e.startTime)] ?? 0) + e.duration;
  });
  pauses.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      clearInterval(ticker);
      pauses.disconnect();
      return Array.from({ length: Math.max(late.length, gc.length) }, (_, second) => ({
        second,
        loopLateMaxMs: Number(Math.max(0, late[second] ?? 0).toFixed(1)),
        gcMs: Number((gc[second] ?? 0).toFixed(1)),
      }));
    },
  };
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
    reconnections: run.samples.filter((s) => s.reconnected).length,
    warmUpSeconds,
    warmUp: summarise(warm, warmUpSeconds),
    handshakeRequests: summarise(firstRequests, warmUpSeconds),
    steady: summarise(steady, Math.max(1e-9, run.seconds - warmUpSeconds)),
    perSecond,
  };
}
