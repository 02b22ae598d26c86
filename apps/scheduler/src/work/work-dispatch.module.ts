import { DynamicModule, Module } from '@nestjs/common';
import {
  AppConfig,
  PipelineModule,
  PROVIDER_NAMES,
  ResultsModule,
  SchedulingModule,
  SocialModule,
  StepQueuesModule,
} from '@app/domain';
import { BullDispatcher } from './bull.dispatcher';
import { InProcessDispatcher } from './in-process.dispatcher';
import { stepQueueWorker } from './step-queue.worker';
import { WorkDispatcher } from './work-dispatcher';
import { WorkRunners } from './work-runners';

/**
 * The WorkDispatcher of the configured driver: in-process, or Bull (the step queues, a worker
 * per queue, the dispatcher that fills them). Nothing of Bull exists in-process: a Bull queue
 * connects to Redis as soon as it is made.
 */
@Module({})
export class WorkDispatchModule {
  static forRoot(config: AppConfig): DynamicModule {
    const { driver, concurrency } = config.pipeline;
    const common = {
      module: WorkDispatchModule,
      exports: [WorkDispatcher],
    };
    if (driver !== 'bull')
      return {
        ...common,
        imports: [PipelineModule, SocialModule, ResultsModule],
        providers: [WorkRunners, { provide: WorkDispatcher, useClass: InProcessDispatcher }],
      };
    return {
      ...common,
      imports: [
        PipelineModule,
        SocialModule,
        ResultsModule,
        SchedulingModule,
        StepQueuesModule.forRoot({ redisUrl: config.redisUrl!, concurrency }),
      ],
      providers: [
        WorkRunners,
        ...PROVIDER_NAMES.map((p) => stepQueueWorker(p, concurrency[p])),
        BullDispatcher,
        { provide: WorkDispatcher, useExisting: BullDispatcher },
      ],
    };
  }
}
