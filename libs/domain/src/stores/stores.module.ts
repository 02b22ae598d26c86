import { Module } from '@nestjs/common';
import { StoreRepository } from './store.repository';
import { StoreService } from './store.service';

@Module({ providers: [StoreRepository, StoreService], exports: [StoreService] })
export class StoresModule {}
