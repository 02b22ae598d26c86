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
 * forRoot(config), which provides the app's AppConfig to every module.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          base: { instance: config.instanceId, app: 'scheduler' },
        },
      }),
    }),
    ScheduleModule.forRoot(),
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
  ],
  providers: [SchedulerHealthServer, LeadershipService, HousekeepingService, WorkTicker],
})
export class SchedulerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SchedulerModule,
      // the work dispatcher of the configured driver (Bull's queues and workers only when chosen)
      imports: [CastadConfigModule.forRoot(config), WorkDispatchModule.forRoot(config)],
    };
  }
}
