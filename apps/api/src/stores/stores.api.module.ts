import { Module } from '@nestjs/common';
import { StoresModule } from '@app/domain';
import { StoresController } from './stores.controller';

@Module({ imports: [StoresModule], controllers: [StoresController] })
export class StoresApiModule {}
