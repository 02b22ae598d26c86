import { Injectable, OnModuleInit } from '@nestjs/common';
import { StorePhotoService, StoreService } from '@app/domain';
import { IdempotentReplays } from '../http/idempotent-replays';
import { StoreDto } from './store.dto';
import { StorePhotoView } from './store-photo.view';

/** A replayed store or photo request answers with the store or photo as it is now. */
@Injectable()
export class StoreReplays implements OnModuleInit {
  constructor(
    private readonly replays: IdempotentReplays,
    private readonly stores: StoreService,
    private readonly photos: StorePhotoService,
    private readonly photoView: StorePhotoView,
  ) {}

  onModuleInit(): void {
    this.replays.register('store', async (by, [id]) =>
      StoreDto.from(await this.stores.get(by, id)),
    );
    this.replays.register('photo', async (by, [id]) =>
      this.photoView.of(await this.photos.get(by, id)),
    );
  }
}
