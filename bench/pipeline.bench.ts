/* bench:pipeline — projects through the scheduler with zero-latency fakes on real MariaDB:
   wall time, DB statements, round trips and scheduler CPU per step; then the scheduler's
   due-work claim with 100,000 finished projects in the table against the empty table. */
import { mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ProjectEventRepository, ProjectRepository } from '@app/domain/repositories';
import { databaseApp } from '../test/harness/database-app';
import { CLAIM_GROUPS } from '../test/harness/hot-queries';
import { StagedStack } from '../test/harness/staged-stack';
import { processCost, report } from './common';
import { summarise } from './profile-summary';

const N = Number(process.env.BENCH_PROJECTS ?? 1000);

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
}

/**
 * A tick's claim as the scheduler makes it (ProjectRepository.claimGroups: every provider's
 * states, through LeasedTable's locking UNION ALL) when nothing is due: the cost of polling.
 */
async function duePollMs(stack: StagedStack): Promise<number> {
  const app = await databaseApp(stack.env(), 'scheduler');
  try {
    const projects = new ProjectRepository(app.router, new ProjectEventRepository(app.router));
    const groups = Object.values(CLAIM_GROUPS).map((states) => ({ states, limit: 16 }));
    const tick = async () => {
      if ((await projects.claimGroups('bench-poll:1', groups, 30_000)).length)
        throw new Error('the due poll claimed work: the table was to hold none due');
    };
    for (let i = 0; i < 20; i++) await tick();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 200; i++) await tick();
    return Number(process.hrtime.bigint() - t0) / 1e6 / 200;
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const stack = new StagedStack({
    PROJECTS_PER_DAY: '100000',
    SUNO_DEDUPES_IDEMPOTENCY_KEY: 'true',
    CREATOMATE_DEDUPES_IDEMPOTENCY_KEY: 'true',
    SONG_POLL_MS: '10',
    VIDEO_POLL_MS: '10',
    PIPELINE_POLL_MS: '50',
    // the production lease (the stack's 3 s is for crash tests' quick recovery): a step's lease
    // is extended only when the step runs long, as in production
    PIPELINE_LEASE_MS: '30000',
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
    const loadBefore = loadavg()[0];
    const { proc, healthPort } = await stack.startScheduler();
    const cpu0 = cpuMs(proc.child!.pid!);
    // what the scheduler itself sent (castad_db_statements_total), not other clients
    const q0 = await processCost(healthPort);
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
    const q1 = await processCost(healthPort);
    const q = q1.statements - q0.statements;
    const trips = q1.roundTrips - q0.roundTrips;
    const cpu = cpuMs(proc.child!.pid!) - cpu0;
    const loadAfter = loadavg()[0];
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
        { measure: 'DB statements per step (scheduler)', value: Number((q / steps).toFixed(2)) },
        { measure: 'DB round trips per step', value: Number((trips / steps).toFixed(2)) },
        { measure: 'scheduler CPU ms per step', value: Number((cpu / steps).toFixed(2)) },
        { measure: 'due claim ms (one tick), empty table', value: Number(emptyPoll.toFixed(3)) },
        { measure: 'due claim ms, +100,000 finished', value: Number(fullPoll.toFixed(3)) },
        { measure: 'poll ratio', value: Number((fullPoll / emptyPoll).toFixed(2)) },
      ],
      {
        headline:
          `${N} projects, ${steps} steps in ${wall} s: ${(q / steps).toFixed(2)} statements ` +
          `(${(trips / steps).toFixed(2)} round trips) and ${(cpu / steps).toFixed(1)} ms scheduler CPU per step; ` +
          `due claim ${emptyPoll.toFixed(2)} ms empty vs ${fullPoll.toFixed(2)} ms with 100,000 finished ` +
          `(${(fullPoll / emptyPoll).toFixed(2)}x); load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)}`,
        goal: 'at most 5 DB statements and 5 ms CPU per step; the due claim with 100,000 finished rows within 1.2x of empty',
        met: {
          statements: q / steps <= 5,
          cpu: cpu / steps <= 5,
          poll: fullPoll / emptyPoll <= 1.2,
        },
        // other work on the 2 cores while it ran (1-minute load average before and after)
        loadAverage: [loadBefore, loadAfter].map((l) => Number(l.toFixed(2))),
        schedulerCpuByPackage: where.packages,
        schedulerCpuTopFunctions: where.functions,
      },
    );
  } finally {
    await stack.destroy();
  }
}

void main();
