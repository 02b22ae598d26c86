import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig, CastadConfigModule, DatabaseModule } from '@app/domain';
import { IntegrationsModule } from '@app/integrations';
import { HealthController } from './health/health.controller';
import { RedisHealth } from './health/redis-health';
import { DatabaseContextMiddleware } from './http/database-context.middleware';
import { loggerParams } from './http/logging';

/** Root module of the HTTP app: controllers and guards over the shared domain providers. */
@Module({
  imports: [
    CastadConfigModule.forRoot('api'),
    LoggerModule.forRootAsync({ inject: [AppConfig], useFactory: loggerParams }),
    DatabaseModule,
    IntegrationsModule,
    TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 }),
  ],
  controllers: [HealthController],
  providers: [RedisHealth],
})
export class ApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(DatabaseContextMiddleware).forRoutes('*path');
  }
}
