import { Injectable, Logger } from '@nestjs/common';
import type { JobOptions } from 'bull';
import { AppConfig, ProviderName, StepQueues, WorkClaims } from '@app/domain';
import { WorkDispatcher, WorkJob } from './work-dispatcher';

const REDIS_OP_TIMEOUT_MS = 2000;
/** how often dispatched jobs no worker has started are checked for in Redis */
const LOST_JOB_CHECK_MS = 1000;

/**
 * Job options in one place. The job id is the work's key (project:step:attempt): Bull adds a
 * job only when no job of that id exists, in one script, so a second dispatch of live work is
 * a no-op. A failed job's record goes at once (its key is dispatched again); see
 * StepQueueWorker for which finished jobs keep theirs.
 */
export function workJobOptions(job: WorkJob): JobOptions {
  return { jobId: job.key, attempts: 1, removeOnComplete: 500, removeOnFail: true };
}

/** A job's record that is in none of Bull's lists, or finished: it holds its id, runs never. */
const DEAD_RECORD: ReadonlySet<string> = new Set(['stuck', 'completed', 'failed']);

/**
 * Stage 3: the registered step queues on Redis (one per provider, rate-limited); the scheduler
 * enqueues here and works them with its StepQueueWorkers. Redis only dispatches: the DB stays
 * the truth. A job Redis lost (restarted empty, flushed, or down when it was added) is found
 * within about a second of Redis answering again (looked for on the ticks), and its claim is given back so the next tick
 * claims and dispatches it anew, instead of waiting out the lease (30 s in production).
 */
@Injectable()
export class BullDispatcher extends WorkDispatcher {
  private readonly logger = new Logger(BullDispatcher.name);
  private readonly backlog = new Map<ProviderName, number>();
  /** dispatched here, not yet started by a worker of this process, by key */
  private readonly unstarted = new Map<string, { job: WorkJob; at: number }>();
  private checkedAt = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly queues: StepQueues,
    private readonly claims: WorkClaims,
  ) {
    super();
  }

  capacity(provider: ProviderName): number {
    // jobs waiting or running, as last seen; refreshed on every dispatch and tick
    void this.refresh(provider);
    return (
      this.config.pipeline.concurrency[provider] * 2 - (this.backlog.get(provider) ?? Infinity)
    );
  }

  async dispatch(job: WorkJob): Promise<void> {
    const opts = workJobOptions(job);
    this.unstarted.set(job.key, { job: { ...job, claimed: undefined }, at: Date.now() });
    // the claimed row stays here: the job may run much later, and reads the row then
    await withTimeout(this.add(job, opts)).catch((err: Error) =>
      this.logger.warn(
        `could not enqueue ${opts.jobId}: ${err.message} (given back once Redis answers)`,
      ),
    );
  }

  /** a worker of this process took the job: whatever Redis loses now, the run goes on here */
  started(key: string): void {
    this.unstarted.delete(key);
  }

  async depth(): Promise<Record<string, { waiting: number; active: number }>> {
    const out: Record<string, { waiting: number; active: number }> = {};
    for (const { provider, queue } of this.queues.all()) {
      const c = await withTimeout(queue.getJobCounts()).catch(() => undefined);
      if (c) out[provider] = { waiting: c.waiting + c.delayed, active: c.active };
    }
    return out;
  }

  async drain(): Promise<void> {
    await Promise.all(
      this.queues.all().map(({ queue }) => queue.whenCurrentJobsFinished().catch(() => undefined)),
    );
  }

  /**
   * Adds the job unless a live one has its id. A record left behind with that id in no list
   * (a run that ended while Redis restarted under it: "Missing key", "not in the active
   * state") would make every later add a silent no-op, and the work would never run again.
   */
  private async add(job: WorkJob, opts: JobOptions): Promise<void> {
    const queue = this.queues.of(job.provider);
    const existing = await queue.getJob(job.key);
    if (existing && DEAD_RECORD.has(await existing.getState())) await existing.remove();
    await queue.add({ ...job, claimed: undefined }, opts);
  }

  /**
   * Jobs dispatched a while ago that no worker here has started and that Redis no longer
   * holds: their claims are given back (claimable at the next tick, under a new token, so a
   * run of the old one somewhere is fenced). Entries whose lease has run out are dropped.
   */
  override async giveBackLost(): Promise<void> {
    const now = Date.now();
    if (now - this.checkedAt < LOST_JOB_CHECK_MS || !this.unstarted.size) return;
    this.checkedAt = now;
    try {
      const due = [...this.unstarted.values()].filter((e) => now - e.at >= LOST_JOB_CHECK_MS);
      for (const e of due)
        if (now - e.at > this.config.pipeline.leaseMs) this.unstarted.delete(e.job.key);
      const live = due.filter((e) => this.unstarted.has(e.job.key));
      if (!live.length) return;
      const held = await withTimeout(this.held(live.map((e) => e.job)));
      const lost = live.filter((_, i) => !held[i]);
      for (const { job } of lost) {
        this.unstarted.delete(job.key);
        await this.claims.releaseClaim(job);
      }
      if (lost.length)
        this.logger.warn(`${lost.length} dispatched jobs were gone from Redis; claims given back`);
    } catch {
      // Redis (or the DB) not answering: looked at again next time
    }
  }

  /** whether Redis holds each job's record, in one round trip */
  private async held(jobs: WorkJob[]): Promise<boolean[]> {
    const pipe = this.queues.of(jobs[0].provider).client.pipeline();
    for (const job of jobs) pipe.exists(this.queues.of(job.provider).toKey(job.key));
    const replies = (await pipe.exec()) ?? [];
    return jobs.map((_, i) => {
      const [err, n] = replies[i] ?? [new Error('no reply'), 0];
      if (err) throw err;
      return n === 1;
    });
  }

  private async refresh(provider: ProviderName): Promise<void> {
    try {
      const c = await withTimeout(this.queues.of(provider).getJobCounts());
      this.backlog.set(provider, c.waiting + c.active + c.delayed);
    } catch {
      this.backlog.delete(provider); // unknown: claim nothing until Redis answers
    }
  }
}

function withTimeout<T>(p: Promise<T>): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, fail) =>
      setTimeout(
        () => fail(new Error(`Redis did not answer in ${REDIS_OP_TIMEOUT_MS} ms`)),
        REDIS_OP_TIMEOUT_MS,
      ).unref(),
    ),
  ]);
}
