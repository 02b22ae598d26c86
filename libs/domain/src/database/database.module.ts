import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { CacheModule } from '../cache/cache.module';
import { dataSourceOptions } from './data-source-options';
import { DatabaseRouter } from './database-router';
import { DatabaseHealth } from './database-health';
import { DatabaseServer } from './database-server';
import { SchemaMigrations } from './schema-migrations';
import { TimestampSubscriber } from './timestamp.subscriber';
import { DbPoolCollector } from '../metrics/db-pool.collector';
import { LeaderLeaseRepository } from '../scheduling/leader-lease.repository';
import { RefreshTokenHousekeeping } from '../scheduling/refresh-token-housekeeping.repository';
import { IdempotencyRepository } from '../idempotency/idempotency.repository';
import { IdempotentRequests } from '../idempotency/idempotent-requests';

export function buildDataSourceOptions(config: AppConfig): DataSourceOptions {
  const db = config.database;
  if (db.kind === 'sqlite' && db.path !== ':memory:') {
    mkdirSync(dirname(resolve(db.path)), { recursive: true });
  }
  return {
    ...dataSourceOptions(db),
    subscribers: [TimestampSubscriber],
    migrationsRun: db.migrateOnStart,
  } as DataSourceOptions;
}

/** The database for whichever app imports it: SQLite embedded, MySQL pools from stage 1. */
@Global()
@Module({
  imports: [
    CacheModule,
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...buildDataSourceOptions(config),
        // fail fast at boot with the driver's message instead of retrying silently
        retryAttempts: 0,
      }),
    }),
  ],
  providers: [
    DatabaseRouter,
    DatabaseHealth,
    DatabaseServer,
    SchemaMigrations,
    LeaderLeaseRepository,
    RefreshTokenHousekeeping,
    IdempotencyRepository,
    // beside its repository: every API module's creating routes use it
    IdempotentRequests,
    DbPoolCollector,
  ],
  exports: [
    DatabaseRouter,
    DatabaseHealth,
    DatabaseServer,
    SchemaMigrations,
    LeaderLeaseRepository,
    RefreshTokenHousekeeping,
    IdempotencyRepository,
    IdempotentRequests,
  ],
})
export class DatabaseModule {}
