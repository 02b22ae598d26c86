import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, ProviderName } from '@app/domain';
import { WorkDispatcher, WorkJob } from './work-dispatcher';
import { WorkRunners } from './work-runners';

/**
 * The embedded and stage 1-2 driver: the scheduler runs the work itself, at most N at once
 * per provider (a global cap, since exactly one scheduler works).
 */
@Injectable()
export class InProcessDispatcher extends WorkDispatcher {
  private readonly logger = new Logger(InProcessDispatcher.name);
  private readonly active = new Map<ProviderName, number>();
  private readonly running = new Set<Promise<unknown>>();
  /** rows with a run going here: never two runs of one project (or publication) at once */
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly config: AppConfig,
    private readonly runners: WorkRunners,
  ) {
    super();
  }

  capacity(provider: ProviderName): number {
    return this.config.pipeline.concurrency[provider] - (this.active.get(provider) ?? 0);
  }

  async dispatch(job: WorkJob): Promise<void> {
    if (this.inFlight.has(job.id)) return;
    this.inFlight.add(job.id);
    this.active.set(job.provider, (this.active.get(job.provider) ?? 0) + 1);
    const run = this.runners
      .run(job)
      .catch((err: Error) =>
        this.logger.error(`${job.kind} ${job.key} crashed: ${err.stack ?? err.message}`),
      )
      .finally(() => {
        this.inFlight.delete(job.id);
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
