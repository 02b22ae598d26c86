import { DynamicModule, Module } from '@nestjs/common';
import {
  AppConfig,
  PipelineModule,
  ResultsModule,
  SchedulingModule,
  SocialModule,
  StepQueuesModule,
} from '@app/domain';
import { BullDispatcher } from './bull.dispatcher';
import { InProcessDispatcher } from './in-process.dispatcher';
import { QueueWorkDrain } from './queue-work-drain';
import { stepQueueWorker } from './step-queue.worker';
import { WorkDispatcher } from './work-dispatcher';
import { WorkRunners } from './work-runners';

const RUNNERS = [PipelineModule, SocialModule, ResultsModule];

/**
 * The WorkDispatcher of the configured driver: in-process, or Bull (the step queues, a worker
 * per queue this process works, the dispatcher that fills them). Nothing of Bull exists
 * in-process: a Bull queue connects to Redis as soon as it is made. A worker process (role
 * `worker`) only works its queues: no dispatcher, nothing claimed.
 */
@Module({})
export class WorkDispatchModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (config.pipeline.driver !== 'bull')
      return {
        module: WorkDispatchModule,
        imports: RUNNERS,
        providers: [WorkRunners, { provide: WorkDispatcher, useClass: InProcessDispatcher }],
        exports: [WorkDispatcher],
      };
    const { concurrency } = config.pipeline;
    const { workQueues, workConcurrency } = config.scheduler;
    const queues = StepQueuesModule.forRoot({ redisUrl: config.redisUrl!, concurrency });
    const workers = workQueues.map((p) => stepQueueWorker(p, workConcurrency ?? concurrency[p]));
    if (config.role === 'worker')
      return {
        module: WorkDispatchModule,
        imports: [...RUNNERS, queues],
        providers: [WorkRunners, ...workers, QueueWorkDrain],
      };
    return {
      module: WorkDispatchModule,
      imports: [...RUNNERS, SchedulingModule, queues],
      providers: [
        WorkRunners,
        ...workers,
        BullDispatcher,
        { provide: WorkDispatcher, useExisting: BullDispatcher },
      ],
      exports: [WorkDispatcher],
    };
  }
}
