import { BullModule, InjectQueue } from '@nestjs/bull';
import { DynamicModule, Injectable, Module } from '@nestjs/common';
import type { Queue } from 'bull';
import { PROVIDER_NAMES, ProviderName, stepQueueName } from '../pipeline/project-state';

/** What the step queues need from the configuration (stage 3, Bull dispatch). */
export interface StepQueuesOptions {
  redisUrl: string;
  /** runs at once per provider: the worker's concurrency; the queue's rate limit follows it */
  concurrency: Record<ProviderName, number>;
}

/**
 * The Bull queues of leased work, one per provider, as registered with BullModule: the
 * scheduler fills and works them, the API's queue board reads them. One injectable, so both
 * apps see the same registered queues.
 */
@Injectable()
export class StepQueues {
  private readonly byProvider: Record<ProviderName, Queue>;

  constructor(
    @InjectQueue(stepQueueName('store')) store: Queue,
    @InjectQueue(stepQueueName('lyrics')) lyrics: Queue,
    @InjectQueue(stepQueueName('song')) song: Queue,
    @InjectQueue(stepQueueName('video')) video: Queue,
    @InjectQueue(stepQueueName('publish')) publish: Queue,
  ) {
    this.byProvider = { store, lyrics, song, video, publish };
  }

  of(provider: ProviderName): Queue {
    return this.byProvider[provider];
  }

  all(): { provider: ProviderName; queue: Queue }[] {
    return PROVIDER_NAMES.map((provider) => ({ provider, queue: this.byProvider[provider] }));
  }
}

/**
 * Registers the step queues on Redis (imported only where the Bull driver is chosen: a Bull
 * queue connects as soon as it exists). Each app closes its queues on shutdown (@nestjs/bull).
 */
@Module({})
export class StepQueuesModule {
  static forRoot(options: StepQueuesOptions): DynamicModule {
    const queues = BullModule.registerQueue(
      ...PROVIDER_NAMES.map((provider) => ({
        name: stepQueueName(provider),
        limiter: { max: options.concurrency[provider] * 4, duration: 1000 },
      })),
    );
    return {
      module: StepQueuesModule,
      imports: [
        BullModule.forRoot({
          url: options.redisUrl,
          // a worker that died mid-job gives it back within seconds (the DB lease decides anyway)
          settings: { stalledInterval: 5000, maxStalledCount: 2 },
        }),
        queues,
      ],
      providers: [StepQueues],
      exports: [StepQueues, queues],
    };
  }
}
