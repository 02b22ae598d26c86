import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, ProviderName, StepRunner } from '@app/domain';
import { StepDispatcher, StepJob } from './step-dispatcher';

/**
 * The embedded and stage 1-2 driver: the scheduler runs steps itself, at most N at once
 * per provider (a global cap, since exactly one scheduler works).
 */
@Injectable()
export class InProcessDispatcher extends StepDispatcher {
  private readonly logger = new Logger(InProcessDispatcher.name);
  private readonly active = new Map<ProviderName, number>();
  private readonly running = new Set<Promise<unknown>>();
  /** projects with a step running here: never two steps of one project at once */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly config: AppConfig,
    private readonly runner: StepRunner,
  ) {
    super();
  }

  capacity(provider: ProviderName): number {
    return this.config.pipeline.concurrency[provider] - (this.active.get(provider) ?? 0);
  }

  async dispatch(job: StepJob): Promise<void> {
    if (this.inFlight.has(job.projectId)) return;
    this.inFlight.add(job.projectId);
    this.active.set(job.provider, (this.active.get(job.provider) ?? 0) + 1);
    const run = this.runner
      .run(job.projectId, job.leaseOwner)
      .catch((err: Error) =>
        this.logger.error(
          `step ${job.step} of ${job.projectId} crashed: ${err.stack ?? err.message}`,
        ),
      )
      .finally(() => {
        this.inFlight.delete(job.projectId);
        this.active.set(job.provider, (this.active.get(job.provider) ?? 1) - 1);
        this.running.delete(run);
      });
    this.running.add(run);
  }

  async depth(): Promise<Record<string, { waiting: number; active: number }>> {
    return Object.fromEntries(
      [...this.active.entries()].map(([p, n]) => [p, { waiting: 0, active: n }]),
    );
  }

  async drain(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
