import { Module } from '@nestjs/common';
import { StoreRepository } from './store.repository';
import { StoreService } from './store.service';
import { StoreSearchService } from './store-search.service';
import { CacheService } from '../cache/cache.service';

@Module({ providers: [StoreRepository, StoreService, CacheService, StoreSearchService], exports: [StoreService, CacheService, StoreSearchService] })
export class StoresModule {}
