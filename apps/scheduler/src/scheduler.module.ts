import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import {
  AccountsModule,
  AppConfig,
  CastadConfigModule,
  DatabaseModule,
  PipelineModule,
  ResultsModule,
  SchedulingModule,
  SocialModule,
} from '@app/domain';
import { IntegrationsModule } from '@app/integrations';
import { HousekeepingService } from './housekeeping.service';
import { LeadershipService } from './leadership.service';
import { SchedulerHealthServer } from './scheduler-health.server';
import { WorkDispatchModule } from './work/work-dispatch.module';
import { WorkTicker } from './work/work-ticker';

/**
 * Root module of the one background app. Only this app imports ScheduleModule: crons and
 * pipeline consumers must never run inside the N API instances. Imported through
 * forRoot(config), which provides the app's AppConfig to every module. Started as a worker
 * (role `worker`, stage 3), it only works its Bull queues: no leader lease, no tick, no crons.
 */
@Module({})
export class SchedulerModule {
  static forRoot(config: AppConfig): DynamicModule {
    const worker = config.role === 'worker';
    return {
      module: SchedulerModule,
      imports: [
        CastadConfigModule.forRoot(config),
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (c: AppConfig) => ({
            pinoHttp: { level: c.logLevel, base: { instance: c.instanceId, app: c.role } },
          }),
        }),
        ...(worker ? [] : [ScheduleModule.forRoot()]),
        DatabaseModule,
        AccountsModule,
        PipelineModule,
        SchedulingModule,
        SocialModule,
        ResultsModule,
        IntegrationsModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (c: AppConfig) => c.integrations,
        }),
        // the work dispatcher of the configured driver (Bull's queues and workers only when chosen)
        WorkDispatchModule.forRoot(config),
      ],
      providers: worker
        ? [SchedulerHealthServer]
        : [SchedulerHealthServer, LeadershipService, HousekeepingService, WorkTicker],
    };
  }
}
