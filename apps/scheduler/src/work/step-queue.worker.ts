import { OnQueueError, Process, Processor } from '@nestjs/bull';
import { Inject, Logger, Optional, Type } from '@nestjs/common';
import type { Job } from 'bull';
import { ProviderName, stepQueueName, WorkResult } from '@app/domain';
import { BullDispatcher } from './bull.dispatcher';
import { WorkJob } from './work-dispatcher';
import { WorkRunners } from './work-runners';

/**
 * Runs that spend a step's key: the step advanced, failed, or counted an attempt, so no later
 * job has its id (project:step:attempt, with the retry generation). Their finished jobs stay
 * on the board. Any other end (a wait, a release, a lost lease, a skip) is followed by the same
 * key again, and so is a publication's (its attempts restart at each stage): those records go
 * as the job finishes, or the next add of that id would be taken for a duplicate.
 */
const KEY_SPENT: ReadonlySet<WorkResult> = new Set(['advanced', 'retrying', 'failed']);

export function keepsFinishedRecord(job: WorkJob, result: WorkResult): boolean {
  return job.kind === 'step' && KEY_SPENT.has(result);
}

/**
 * The Bull worker of one provider's queue (stage 3): runs each job with its runner, at most
 * `concurrency` at once in this process. A class per queue, made here because @Processor names
 * one queue and @Process's concurrency comes from the configuration. In a scheduler it tells
 * the dispatcher beside it that a job it dispatched has started; a worker process has none.
 */
export function stepQueueWorker(provider: ProviderName, concurrency: number): Type<unknown> {
  @Processor(stepQueueName(provider))
  class StepQueueWorker {
    private readonly logger = new Logger(`StepQueueWorker(${provider})`);

    constructor(
      @Inject(WorkRunners) private readonly runners: WorkRunners,
      @Optional() @Inject(BullDispatcher) private readonly dispatcher?: BullDispatcher,
    ) {}

    @Process({ concurrency })
    async run(job: Job<WorkJob>): Promise<WorkResult> {
      this.dispatcher?.started(job.data.key);
      const result = await this.runners.run(job.data);
      // read by Bull as it moves the job to completed, in the same script
      if (!keepsFinishedRecord(job.data, result)) job.opts.removeOnComplete = true;
      return result;
    }

    @OnQueueError()
    onError(err: Error): void {
      this.logger.warn(`queue ${provider}: ${err.message}`);
    }
  }
  Object.defineProperty(StepQueueWorker, 'name', { value: `StepQueueWorker_${provider}` });
  return StepQueueWorker;
}
