import { Global, Module } from '@nestjs/common';
import { RedisModule } from '../redis/redis.module';
import { CacheService } from './cache.service';

/** One cache per process, for every module (on the shared Redis connection at stage 3). */
@Global()
@Module({ imports: [RedisModule], providers: [CacheService], exports: [CacheService] })
export class CacheModule {}
