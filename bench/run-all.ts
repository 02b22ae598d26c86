/*
 * `npm run bench`: every `bench:*` script of package.json, one after the other (in the order
 * they are listed there, so nothing else loads the machine while one measures), then one table
 * of what each reported in bench/results/<name>.json: its headline figures, its goal and whether
 * it was met, and how long it took. The table is also written to bench/results/summary.md, the
 * source of the README's Performance table; a complete run with no failure copies the results
 * to docs/performance. BENCH_ONLY=api,data runs a subset (and copies nothing).
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

/** the whole run's budget on the 2-core reference machine (issue #19) */
const BUDGET_MIN = 20;

interface BenchResult {
  at?: string;
  goal?: string;
  met?: boolean | Record<string, boolean>;
  headline?: string;
}

const root = join(__dirname, '..');
const results = join(__dirname, 'results');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  engines: { node: string };
};
/** where a whole run's evidence is kept in the repository (the README's table cites it) */
const published = join(root, 'docs', 'performance');

/**
 * After a run of every bench: the table and each bench's JSON (its profile summary, the EXPLAIN
 * plans of bench:data) into docs/performance, so a goal not met is reported with what bounds
 * it. The raw .cpuprofile files stay in bench/results (megabytes; open them in Chrome DevTools).
 */
function publish(since: number): void {
  rmSync(published, { recursive: true, force: true });
  cpSync(results, published, {
    recursive: true,
    // this run's files only (an older run's, of a bench since renamed, would mislead)
    filter: (src) =>
      statSync(src).isDirectory() ||
      (!src.endsWith('.cpuprofile') && statSync(src).mtimeMs >= since),
  });
}

function benchNames(): string[] {
  const scripts = manifest.scripts;
  const all = Object.keys(scripts)
    .filter((s) => s.startsWith('bench:'))
    .map((s) => s.slice('bench:'.length));
  const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
  const unknown = only.filter((n) => !all.includes(n));
  if (unknown.length) throw new Error(`BENCH_ONLY names no bench: ${unknown.join(', ')}`);
  return only.length ? all.filter((n) => only.includes(n)) : all;
}

/** "yes", "no", or "partly (a, b not met)" for a bench's `met` */
function metText(met: BenchResult['met']): string {
  if (met === undefined) return 'no verdict';
  if (typeof met === 'boolean') return met ? 'yes' : 'no';
  const missed = Object.entries(met)
    .filter(([, ok]) => !ok)
    .map(([k]) => k);
  if (!missed.length) return 'yes';
  return missed.length === Object.keys(met).length ? 'no' : `partly (not: ${missed.join(', ')})`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The runtime package.json's engines names: figures from another Node are not ours to report. */
function checkRuntime(): void {
  const wanted = manifest.engines.node;
  const major = (v: string) => Number(/(\d+)/.exec(v)?.[1]);
  if (major(process.versions.node) < major(wanted))
    throw new Error(
      `npm run bench needs Node ${wanted} (package.json engines); this is ${process.versions.node}`,
    );
}

function main(): void {
  checkRuntime();
  mkdirSync(results, { recursive: true });
  const started = Date.now();
  const rows: { bench: string; minutes: number; headline: string; goal: string; met: string }[] =
    [];
  let failed = 0;
  for (const name of benchNames()) {
    const t0 = Date.now();
    console.log(`\n### bench:${name} (load average ${loadavg()[0].toFixed(2)})`);
    const run = spawnSync(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, `${name}.bench.ts`)],
      { cwd: root, stdio: 'inherit', env: process.env },
    );
    const minutes = Number(((Date.now() - t0) / 60_000).toFixed(1));
    const file = join(results, `${name}.json`);
    const result: BenchResult = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as BenchResult)
      : {};
    const fresh = result.at !== undefined && Date.parse(result.at) >= t0;
    if (run.status !== 0 || !fresh) failed++;
    rows.push({
      bench: `bench:${name}`,
      minutes,
      headline:
        run.status !== 0 || !fresh
          ? `FAILED (exit ${run.status ?? run.signal}; no fresh results)`
          : (result.headline ?? '(see bench/results/' + name + '.json)'),
      goal: result.goal ?? '',
      met: fresh ? metText(result.met) : 'not measured',
    });
  }
  const totalMin = Number(((Date.now() - started) / 60_000).toFixed(1));
  console.log('\n== all benchmarks ==');
  console.table(rows.map(({ bench, minutes, met }) => ({ bench, minutes, met })));
  const md = [
    `Run of ${new Date().toISOString().slice(0, 16)}Z on ${cpus().length} cores, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}: ` +
      `${totalMin} minutes in all (budget ${BUDGET_MIN}).`,
    '',
    '| benchmark | result | goal | met | minutes |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) => `| \`${r.bench}\` | ${cell(r.headline)} | ${cell(r.goal)} | ${r.met} | ${r.minutes} |`,
    ),
    '',
  ].join('\n');
  writeFileSync(join(results, 'summary.md'), md);
  console.log(`\n${md}`);
  if (!process.env.BENCH_ONLY && !failed) {
    publish(started);
    console.log('results copied to docs/performance');
  }
  if (totalMin > BUDGET_MIN)
    console.log(`the run took ${totalMin} minutes: over its ${BUDGET_MIN}-minute budget`);
  process.exitCode = failed ? 1 : 0;
}

main();
