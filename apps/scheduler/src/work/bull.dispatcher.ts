import { Injectable, Logger } from '@nestjs/common';
import type { JobOptions } from 'bull';
import { AppConfig, ProviderName, StepQueues } from '@app/domain';
import { WorkDispatcher, WorkJob } from './work-dispatcher';

const REDIS_OP_TIMEOUT_MS = 2000;

/**
 * Job options in one place. The job id is the work's key (project:step:attempt): Bull adds a
 * job only when no job of that id exists, in one script, so a second dispatch of live work is
 * a no-op. A failed job's record goes at once (its key is dispatched again); see
 * StepQueueWorker for which finished jobs keep theirs.
 */
export function workJobOptions(job: WorkJob): JobOptions {
  return { jobId: job.key, attempts: 1, removeOnComplete: 500, removeOnFail: true };
}

/**
 * Stage 3: the registered step queues on Redis (one per provider, rate-limited); the scheduler
 * enqueues here and works them with its StepQueueWorkers. Redis only dispatches: the DB stays
 * the truth, and a step whose job Redis lost is claimed again when its lease expires.
 */
@Injectable()
export class BullDispatcher extends WorkDispatcher {
  private readonly logger = new Logger(BullDispatcher.name);
  private readonly backlog = new Map<ProviderName, number>();

  constructor(
    private readonly config: AppConfig,
    private readonly queues: StepQueues,
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
    // the claimed row stays here: the job may run much later, and reads the row then
    await withTimeout(this.queues.of(job.provider).add({ ...job, claimed: undefined }, opts)).catch(
      (err: Error) =>
        this.logger.warn(
          `could not enqueue ${opts.jobId}: ${err.message} (it is claimed again when its lease expires)`,
        ),
    );
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
