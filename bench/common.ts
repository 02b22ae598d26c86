import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import jwt from 'jsonwebtoken';

export interface LoadResult {
  name: string;
  reqPerSec: number;
  p50ms: number;
  p99ms: number;
  errors: number;
  non2xx: number;
  /** requests answered in the run */
  total: number;
}

/** autocannon with the same settings for the baseline and for us. */
export async function load(
  name: string,
  url: string,
  headers: Record<string, string> = {},
  seconds = 10,
  connections = 100,
  post?: unknown,
): Promise<LoadResult> {
  const r = await autocannon({
    url,
    connections,
    duration: seconds,
    headers,
    pipelining: 1,
    ...(post !== undefined ? { method: 'POST' as const, body: JSON.stringify(post) } : {}),
  });
  return {
    name,
    reqPerSec: Math.round(r.requests.average),
    p50ms: r.latency.p50,
    p99ms: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    total: r.requests.total,
  };
}

export function report(bench: string, rows: object[], extra: Record<string, unknown> = {}): void {
  console.log(`\n== ${bench} ==`);
  console.table(rows);
  for (const [k, v] of Object.entries(extra))
    console.log(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${bench}.json`),
    JSON.stringify({ bench, at: new Date().toISOString(), rows, ...extra }, null, 2),
  );
}

/** The JWT secret the benches run the API with. */
export const BENCH_SECRET = 'bench-secret-bench-secret-bench-secret-0123';

/** An access token for `userId`, as the API issues them (HS256 with BENCH_SECRET). */
export function benchToken(userId: string): string {
  return jwt.sign({ role: 'user', typ: 'access', fam: 'bench' }, BENCH_SECRET, {
    algorithm: 'HS256',
    issuer: 'castad',
    audience: 'castad-api',
    subject: userId,
    expiresIn: 3600,
  });
}

/** What one API process has spent so far, from its /metrics (read from an allowed network). */
export async function processCost(
  port: number,
): Promise<{ statements: number; roundTrips: number; cpuSec: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const sum = (pattern: RegExp) =>
    text
      .split('\n')
      .filter((l) => pattern.test(l))
      .reduce((a, l) => a + Number(l.split(' ').pop()), 0);
  const statements = sum(/^castad_db_statements_total\{.*kind="statement"/);
  return {
    statements,
    roundTrips: statements + sum(/^castad_db_statements_total\{.*kind="transaction"/),
    cpuSec: sum(/^process_cpu_seconds_total /),
  };
}
