import { Module } from '@nestjs/common';
import { StoresModule } from '@app/domain';
import { StoresController } from './stores.controller';
import { StorePhotosController } from './store-photos.controller';
import { StorePhotoView } from './store-photo.view';
import { StoreReplays } from './store.replays';

@Module({
  imports: [StoresModule],
  controllers: [StoresController, StorePhotosController],
  providers: [StorePhotoView, StoreReplays],
})
export class StoresApiModule {}
