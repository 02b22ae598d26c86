import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import {
  AccountsModule,
  AppConfig,
  CastadConfigModule,
  DatabaseModule,
  StepQueuesModule,
} from '@app/domain';
import { IntegrationsModule } from '@app/integrations';
import { AuthModule } from './auth/auth.module';
import { HealthController } from './health/health.controller';
import { McpApiModule } from './mcp/mcp.api.module';
import { MetricsController } from './metrics/metrics.controller';
import { BearerModule } from './auth/bearer.module';
import { ProjectsApiModule } from './projects/projects.api.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { StoresApiModule } from './stores/stores.api.module';
import { SocialApiModule } from './social/social.api.module';
import { ResultsApiModule } from './results/results.api.module';
import { RedisHealth } from './health/redis-health';
import { HttpErrorFilter } from './http/http-error.filter';
import { IdempotentReplaysModule } from './http/idempotent-replays';
import { loggerParams } from './http/logging';
import { restValidation } from './http/request-validation';
import { StudioController } from './studio/studio.controller';

/**
 * Root module of the HTTP app: controllers and guards over the shared domain providers.
 * Imported through forRoot(config), which provides the app's AppConfig to every module.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: loggerParams }),
    DatabaseModule,
    IdempotentReplaysModule,
    IntegrationsModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (c: AppConfig) => c.integrations,
    }),
    RateLimitModule,
    AuthModule,
    BearerModule,
    AccountsModule,
    StoresApiModule,
    ProjectsApiModule,
    SocialApiModule,
    ResultsApiModule,
    McpApiModule,
    TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 }),
  ],
  controllers: [HealthController, MetricsController],
  providers: [
    RedisHealth,
    { provide: APP_FILTER, useClass: HttpErrorFilter },
    { provide: APP_PIPE, useValue: restValidation() },
  ],
})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    const { driver, concurrency } = config.pipeline;
    // with Bull dispatch, the step queues the queue board reads (none otherwise: a Bull queue
    // connects to Redis as soon as it is made)
    const queues =
      driver === 'bull'
        ? [StepQueuesModule.forRoot({ redisUrl: config.redisUrl!, concurrency })]
        : [];
    return {
      module: ApiModule,
      imports: [CastadConfigModule.forRoot(config), ...queues],
      // the studio page at / (embedded default; STUDIO_ENABLED elsewhere)
      controllers: config.http.studio ? [StudioController] : [],
    };
  }
}
