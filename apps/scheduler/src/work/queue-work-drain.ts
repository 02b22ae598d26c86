import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { AppConfig, StepQueues } from '@app/domain';

/**
 * A worker's clean stop: before the pools close (onApplicationShutdown), its queues stop handing
 * it jobs and the jobs it runs finish (a render was already aborted and its project released by
 * StepRunner.stop(), so they end at once). The pause is this process's only: other workers go on.
 */
@Injectable()
export class QueueWorkDrain implements BeforeApplicationShutdown {
  constructor(
    private readonly config: AppConfig,
    private readonly queues: StepQueues,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(
      this.config.scheduler.workQueues.map((p) =>
        this.queues
          .of(p)
          .pause(true)
          .catch(() => undefined),
      ),
    );
  }
}
