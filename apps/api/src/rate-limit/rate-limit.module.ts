import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AccountsModule, AppConfig, RedisConnection } from '@app/domain';
import { RateLimitGuard } from './rate-limit.guard';
import { BearerModule } from '../auth/bearer.module';
import { ResilientThrottlerStorage } from './redis-throttler.storage';

/** Per user (or key, or address) request limits, shared across instances through Redis. */
@Module({
  imports: [
    AccountsModule,
    BearerModule,
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, RedisConnection],
      useFactory: (config: AppConfig, redis: RedisConnection) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.http.rateLimitPerMinute }],
        storage: new ResilientThrottlerStorage(redis),
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
