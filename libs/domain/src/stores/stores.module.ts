import { Module } from '@nestjs/common';
import { StoreRepository } from './store.repository';
import { StoreService } from './store.service';
import { StoreSearchService } from './store-search.service';
import { StorePhotoService } from './store-photo.service';
import { BlobObjectRepository } from '../files/blob-object.repository';

@Module({
  providers: [
    StoreRepository,
    StoreService,
    StoreSearchService,
    StorePhotoService,
    BlobObjectRepository,
  ],
  exports: [StoreService, StoreSearchService, StorePhotoService],
})
export class StoresModule {}
