import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module';
import { StorePhotoRepository } from './store-photo.repository';
import { StoreRepository } from './store.repository';
import { StoreService } from './store.service';
import { StoreSearchService } from './store-search.service';
import { StorePhotoService } from './store-photo.service';

@Module({
  imports: [FilesModule],
  providers: [
    StoreRepository,
    StorePhotoRepository,
    StoreService,
    StoreSearchService,
    StorePhotoService,
  ],
  exports: [
    StoreRepository,
    StorePhotoRepository,
    StoreService,
    StoreSearchService,
    StorePhotoService,
  ],
})
export class StoresModule {}
