import { Injectable } from '@nestjs/common';
import { photoSizeWarning, StorePhotoEntity, StorePhotoService } from '@app/domain';
import type { StorePhotoDto } from './store-photos.controller';

/** A photo as the API answers it: the row with a fresh short-lived link. */
@Injectable()
export class StorePhotoView {
  constructor(private readonly photos: StorePhotoService) {}

  async of(p: StorePhotoEntity): Promise<StorePhotoDto> {
    return {
      id: p.id,
      contentType: p.contentType,
      width: p.width,
      height: p.height,
      bytes: p.bytes,
      source: p.source,
      url: await this.photos.link(p),
      warning: photoSizeWarning(p.width, p.height),
      createdAt: p.createdAt,
    };
  }
}
