import { Global, Module } from '@nestjs/common';
import { RedisConnection } from './redis-connection';

/** One Redis per process, for every module (see RedisConnection). */
@Global()
@Module({ providers: [RedisConnection], exports: [RedisConnection] })
export class RedisModule {}
