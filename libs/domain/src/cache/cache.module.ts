import { Global, Module } from '@nestjs/common';
import { CacheService } from './cache.service';

/** One cache (one Redis connection) per process, for every module. */
@Global()
@Module({ providers: [CacheService], exports: [CacheService] })
export class CacheModule {}
