import { Module } from '@nestjs/common';
import { StoreRepository } from './store.repository';
import { StoreService } from './store.service';
import { CacheService } from '../cache/cache.service';

@Module({ providers: [StoreRepository, StoreService, CacheService], exports: [StoreService, CacheService] })
export class StoresModule {}
