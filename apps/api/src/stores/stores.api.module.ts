import { Module } from '@nestjs/common';
import { StoresModule } from '@app/domain';
import { StoresController } from './stores.controller';
import { StorePhotosController } from './store-photos.controller';

@Module({ imports: [StoresModule], controllers: [StoresController, StorePhotosController] })
export class StoresApiModule {}
