import { Module } from '@nestjs/common';
import { BlobObjectRepository } from './blob-object.repository';
import { BlobTiering } from './blob-tiering';
import { MediaLinks } from './media-links';

/** What we keep in the blob store (sizes, owners, tiers) and the links people get to it. */
@Module({
  providers: [BlobObjectRepository, BlobTiering, MediaLinks],
  exports: [BlobObjectRepository, BlobTiering, MediaLinks],
})
export class FilesModule {}
