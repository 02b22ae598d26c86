/* bench:pipeline — projects through the scheduler with zero-latency fakes on real MariaDB:
   wall time, DB statements and scheduler CPU per step; then the due-work poll with 100,000
   finished projects in the table against the empty table. */
import { mkdirSync, readFileSync } from 'node:fs';
import { StagedStack } from '../test/harness/staged-stack';
import { join } from 'node:path';
import { report } from './common';
import { summarise } from './profile-summary';

const N = Number(process.env.BENCH_PROJECTS ?? 1000);

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
}

async function statements(stack: StagedStack): Promise<number> {
  let n = 0;
  for (const k of ['Com_select', 'Com_insert', 'Com_update', 'Com_delete'])
    n += await stack.db.primary.globalStatus(k);
  return n;
}

async function duePollMs(stack: StagedStack): Promise<number> {
  const sql =
    "SELECT p.id FROM castad.projects p WHERE p.next_run_at <= NOW(3) AND (p.lease_until IS NULL OR p.lease_until < NOW(3)) AND p.state IN ('DRAFT','STORE_READY') ORDER BY p.next_run_at LIMIT 8";
  for (let i = 0; i < 20; i++) await stack.db.primary.query(sql);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 200; i++) await stack.db.primary.query(sql);
  return Number(process.hrtime.bigint() - t0) / 1e6 / 200;
}

async function main(): Promise<void> {
  const stack = new StagedStack({
    PROJECTS_PER_DAY: '100000',
    SUNO_DEDUPES_IDEMPOTENCY_KEY: 'true',
    CREATOMATE_DEDUPES_IDEMPOTENCY_KEY: 'true',
    SONG_POLL_MS: '10',
    VIDEO_POLL_MS: '10',
    PIPELINE_POLL_MS: '50',
    PIPELINE_CONCURRENCY_SONG: '16',
    PIPELINE_CONCURRENCY_VIDEO: '16',
    PIPELINE_CONCURRENCY_LYRICS: '16',
    PIPELINE_CONCURRENCY_OTHER: '16',
    LOG_LEVEL: 'warn',
  });
  await stack.start();
  stack.suno.generationMs = 0;
  stack.suno.sendCallbacks = false;
  stack.creatomate.renderMs = 0;
  stack.creatomate.sendWebhooks = false;
  try {
    const emptyPoll = await duePollMs(stack);
    const ids = await stack.createProjects(N);
    const { proc } = await stack.startScheduler();
    const cpu0 = cpuMs(proc.child!.pid!);
    const q0 = await statements(stack);
    const t0 = Date.now();
    await stack.waitAll(ids, (s) => s === 'DONE', 900_000);
    const wall = (Date.now() - t0) / 1000;
    const steps = Number(
      (
        await stack.db.primary.query<{ n: number }[]>(
          'SELECT COUNT(*) AS n FROM castad.project_events WHERE step IS NOT NULL',
        )
      )[0].n,
    );
    const q = (await statements(stack)) - q0;
    const cpu = cpuMs(proc.child!.pid!) - cpu0;
    await proc.stop();
    // then a smaller run under the profiler (its sampling costs CPU, so it is not the measured run):
    // what the CPU per step is spent on
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    const profile = join(__dirname, 'results', 'pipeline-scheduler.cpuprofile');
    const profiled = await stack.createProjects(Math.max(50, Math.round(N / 5)));
    const second = await stack.startScheduler({
      NODE_OPTIONS: `-r ${join(__dirname, 'cpu-profile-hook.js')}`,
      CASTAD_CPU_PROFILE: profile,
    });
    await stack.waitAll(profiled, (s) => s === 'DONE', 600_000);
    await second.proc.stop();
    const where = summarise(profile, 12);
    // 100,000 finished projects, then the same poll
    await stack.db.primary.query(
      "INSERT INTO castad.projects (id, owner_user_id, partner_id, store_id, state, step_attempts, retries, autopilot, options, callback_token, created_at, updated_at) SELECT UUID(), NULL, partner_id, store_id, 'DONE', 0, 0, 1, '{}', 't', NOW(3), NOW(3) FROM castad.projects LIMIT 1",
    );
    for (let total = 1; total < 100_000; total *= 2) {
      await stack.db.primary.query(
        `INSERT INTO castad.projects (id, owner_user_id, partner_id, store_id, state, step_attempts, retries, autopilot, options, callback_token, created_at, updated_at) SELECT UUID(), NULL, partner_id, store_id, 'DONE', 0, 0, 1, '{}', 't', NOW(3), NOW(3) FROM castad.projects WHERE state = 'DONE' LIMIT ${Math.min(total, 100_000 - total)}`,
      );
    }
    await stack.db.primary.query('ANALYZE TABLE castad.projects');
    const fullPoll = await duePollMs(stack);
    report(
      'pipeline',
      [
        { measure: 'projects', value: N },
        { measure: 'steps run', value: steps },
        { measure: 'wall seconds', value: wall },
        { measure: 'DB statements per step (primary)', value: Number((q / steps).toFixed(2)) },
        { measure: 'scheduler CPU ms per step', value: Number((cpu / steps).toFixed(2)) },
        { measure: 'due poll ms, empty table', value: Number(emptyPoll.toFixed(3)) },
        { measure: 'due poll ms, +100,000 finished', value: Number(fullPoll.toFixed(3)) },
        { measure: 'poll ratio', value: Number((fullPoll / emptyPoll).toFixed(2)) },
      ],
      {
        goals:
          'at most 10 DB statements and 5 ms CPU per step; poll with 100,000 finished rows within 1.2x of empty',
        met: {
          statements: q / steps <= 10,
          cpu: cpu / steps <= 5,
          poll: fullPoll / emptyPoll <= 1.2,
        },
        schedulerCpuByPackage: where.packages,
        schedulerCpuTopFunctions: where.functions,
      },
    );
  } finally {
    await stack.destroy();
  }
}

void main();
