/*
 * `npm run bench`: the build, then every `bench:*` script of package.json, one after the other
 * (in the order they are listed there, so nothing else loads the machine while one measures),
 * each timed against what it is expected to take, then one table
 * of what each reported in bench/results/<name>.json: its headline figures, its goal and whether
 * it was met, and how long it took. The table is also written to bench/results/summary.md, the
 * source of the README's Performance table; a complete run with no failure copies the results
 * to docs/performance. BENCH_ONLY=api,data runs a subset (and copies nothing). A run over its
 * 20-minute budget fails (exit code 1) after saying so, bench by bench.
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

/** the whole run's budget on the 2-core reference machine (issues #19, #30) */
const BUDGET_MIN = 20;
/**
 * What each step takes on the quiet 2-core reference machine (the README's table; render-scale
 * and the build estimated): their sum must stay well under the budget, so a bench made longer
 * is seen here before a run goes over. A bench missing from this list fails the run.
 */
const EXPECTED_MIN: Record<string, number> = {
  build: 0.6,
  api: 1.8,
  render: 1.0,
  'render-scale': 3.0,
  pipeline: 2.8,
  pool: 0.3,
  stage3: 1.0,
  data: 0.8,
  live: 0.7,
};

interface BenchResult {
  at?: string;
  goal?: string;
  met?: boolean | Record<string, boolean>;
  headline?: string;
  /** seconds of this run a repeat does not spend (bench:data filling its cache): off budget */
  oneOffSeconds?: number;
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

const minutesSince = (t0: number) => Number(((Date.now() - t0) / 60_000).toFixed(1));

/** The selected benches' expected minutes, said before the run; throws for a bench not listed. */
function plan(names: string[]): number {
  const unlisted = names.filter((n) => EXPECTED_MIN[n] === undefined);
  if (unlisted.length)
    throw new Error(
      `bench/run-all.ts EXPECTED_MIN has no estimate for ${unlisted.join(', ')}: add one (the budget is ${BUDGET_MIN} minutes)`,
    );
  const expected = ['build', ...names].reduce((sum, n) => sum + EXPECTED_MIN[n], 0);
  console.log(
    `expected on a quiet 2-core machine: ${['build', ...names].map((n) => `${n} ${EXPECTED_MIN[n]}`).join(', ')} = ` +
      `${expected.toFixed(1)} of ${BUDGET_MIN} minutes`,
  );
  return expected;
}

/** `npm run build` (the benches run dist/), timed like a bench; throws when it fails. */
function build(): number {
  const t0 = Date.now();
  console.log(`\n### build (load average ${loadavg()[0].toFixed(2)})`);
  const run = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`npm run build failed (exit ${run.status ?? run.signal})`);
  return minutesSince(t0);
}

function main(): void {
  checkRuntime();
  mkdirSync(results, { recursive: true });
  const started = Date.now();
  const names = benchNames();
  plan(names);
  const rows: { bench: string; minutes: number; headline: string; goal: string; met: string }[] = [
    { bench: 'build', minutes: build(), headline: '', goal: '', met: '' },
  ];
  let failed = 0;
  let oneOffMin = 0;
  for (const name of names) {
    const t0 = Date.now();
    console.log(`\n### bench:${name} (load average ${loadavg()[0].toFixed(2)})`);
    const run = spawnSync(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, `${name}.bench.ts`)],
      { cwd: root, stdio: 'inherit', env: process.env },
    );
    const minutes = minutesSince(t0);
    const file = join(results, `${name}.json`);
    const result: BenchResult = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as BenchResult)
      : {};
    const fresh = result.at !== undefined && Date.parse(result.at) >= t0;
    if (run.status !== 0 || !fresh) failed++;
    const oneOff = fresh ? (result.oneOffSeconds ?? 0) / 60 : 0;
    oneOffMin += oneOff;
    console.log(
      `### bench:${name} took ${minutes} minutes (expected ${EXPECTED_MIN[name]}` +
        (oneOff ? `; ${oneOff.toFixed(1)} of them a one-off cache fill, off budget` : '') +
        `); ${(minutesSince(started) - oneOffMin).toFixed(1)} of ${BUDGET_MIN} minutes spent`,
    );
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
  const totalMin = minutesSince(started);
  const budgetMin = Number((totalMin - oneOffMin).toFixed(1));
  const overBudget = budgetMin > BUDGET_MIN;
  console.log('\n== all benchmarks ==');
  console.table([
    ...rows.map(({ bench, minutes, met }) => ({
      bench,
      minutes,
      expected: EXPECTED_MIN[bench.replace(/^bench:/, '')],
      met,
    })),
    { bench: 'total', minutes: totalMin, expected: '', met: '' },
  ]);
  const md = [
    `Run of ${new Date().toISOString().slice(0, 16)}Z on ${cpus().length} cores, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}: ` +
      `${totalMin} minutes in all` +
      (oneOffMin ? ` (${budgetMin} without bench:data's one-off cache fill)` : '') +
      ` (budget ${BUDGET_MIN}${overBudget ? ': OVER BUDGET' : ''}), of which the build ${rows[0].minutes}.`,
    '',
    '| benchmark | result | goal | met | minutes |',
    '|---|---|---|---|---|',
    ...rows
      .slice(1)
      .map(
        (r) =>
          `| \`${r.bench}\` | ${cell(r.headline)} | ${cell(r.goal)} | ${r.met} | ${r.minutes} |`,
      ),
    '',
  ].join('\n');
  writeFileSync(join(results, 'summary.md'), md);
  console.log(`\n${md}`);
  if (!process.env.BENCH_ONLY && !failed) {
    publish(started);
    console.log('results copied to docs/performance');
  }
  if (overBudget)
    console.error(
      `\nOVER BUDGET: the run took ${budgetMin} minutes against its ${BUDGET_MIN}` +
        (oneOffMin
          ? ` (a one-off cache fill of ${oneOffMin.toFixed(1)} minutes not counted)`
          : '') +
        `; the benches over their expected minutes: ` +
        (rows
          .filter((r) => r.minutes > EXPECTED_MIN[r.bench.replace(/^bench:/, '')])
          .map(
            (r) =>
              `${r.bench} ${r.minutes} (expected ${EXPECTED_MIN[r.bench.replace(/^bench:/, '')]})`,
          )
          .join(', ') || 'none (the machine was slow overall)'),
    );
  process.exitCode = failed || overBudget ? 1 : 0;
}

main();
