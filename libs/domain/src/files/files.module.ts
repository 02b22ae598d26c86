import { Module } from '@nestjs/common';
import { BlobObjectRepository } from './blob-object.repository';

/** What we keep in the blob store (sizes, owners, tiers): one repository, owned here. */
@Module({ providers: [BlobObjectRepository], exports: [BlobObjectRepository] })
export class FilesModule {}
