import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import Bull, { Job, Queue } from 'bull';
import { AppConfig, PROVIDER_NAMES, ProviderName, stepQueueName } from '@app/domain';
import { WorkDispatcher, WorkJob } from './work-dispatcher';
import { WorkRunners } from './work-runners';

const REDIS_OP_TIMEOUT_MS = 2000;

/** Job options in one place: id, retention, attempts (the StepRunner does the retrying). */
export function workJobOptions(job: WorkJob): Bull.JobOptions {
  return { jobId: job.key, attempts: 1, removeOnComplete: 500, removeOnFail: 500 };
}

/**
 * Stage 3: one Bull queue per provider on Redis; the scheduler enqueues and (here, in the
 * scheduler app only) processes, with a rate limiter and a concurrency per provider. Redis
 * only dispatches: the DB stays the truth, and a step whose job Redis lost is claimed again
 * when its lease expires.
 */
@Injectable()
export class BullDispatcher extends WorkDispatcher implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(BullDispatcher.name);
  private readonly queues = new Map<ProviderName, Queue<WorkJob>>();
  private readonly backlog = new Map<ProviderName, number>();

  constructor(
    private readonly config: AppConfig,
    private readonly runners: WorkRunners,
  ) {
    super();
  }

  onModuleInit(): void {
    if (this.config.pipeline.driver !== 'bull') return;
    for (const provider of PROVIDER_NAMES) {
      const max = this.config.pipeline.concurrency[provider];
      const queue = new Bull<WorkJob>(stepQueueName(provider), this.config.redisUrl!, {
        limiter: { max: max * 4, duration: 1000 },
        settings: { stalledInterval: 5000, maxStalledCount: 2 },
      });
      queue.on('error', (err) => this.logger.warn(`queue ${provider}: ${err.message}`));
      void queue.process(max, (job: Job<WorkJob>) => this.runners.run(job.data));
      this.queues.set(provider, queue);
    }
  }

  capacity(provider: ProviderName): number {
    // jobs waiting or running, as last seen; refreshed on every dispatch and tick
    void this.refresh(provider);
    return (
      this.config.pipeline.concurrency[provider] * 2 - (this.backlog.get(provider) ?? Infinity)
    );
  }

  /** A duplicate of a live job is a no-op; a finished job of the same id is replaced. */
  async dispatch(job: WorkJob): Promise<void> {
    const queue = this.queues.get(job.provider)!;
    const opts = workJobOptions(job);
    await withTimeout(
      (async () => {
        const existing = await queue.getJob(opts.jobId as string);
        if (existing) {
          // a live job (waiting, running, delayed) makes this a no-op; a finished one, or one
          // Redis half-lost (state "unknown" after a flush), is replaced
          if (['waiting', 'active', 'delayed', 'paused'].includes(await existing.getState()))
            return;
          await existing.remove().catch(() => undefined);
        }
        // the claimed row stays here: the job may run much later, and reads the row then
        await queue.add({ ...job, claimed: undefined }, opts);
      })(),
    ).catch((err: Error) =>
      this.logger.warn(
        `could not enqueue ${opts.jobId}: ${err.message} (it is claimed again when its lease expires)`,
      ),
    );
  }

  async depth(): Promise<Record<string, { waiting: number; active: number }>> {
    const out: Record<string, { waiting: number; active: number }> = {};
    for (const [p, q] of this.queues) {
      const c = await withTimeout(q.getJobCounts()).catch(() => undefined);
      if (c) out[p] = { waiting: c.waiting + c.delayed, active: c.active };
    }
    return out;
  }

  async drain(): Promise<void> {
    await Promise.all(
      [...this.queues.values()].map((q) => q.whenCurrentJobsFinished().catch(() => undefined)),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
  }

  private async refresh(provider: ProviderName): Promise<void> {
    try {
      const c = await withTimeout(this.queues.get(provider)!.getJobCounts());
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
