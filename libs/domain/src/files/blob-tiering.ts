import { Injectable } from '@nestjs/common';
import { BlobContainer, BlobStore } from '@app/integrations';
import { BlobObjectEntity } from '../entities/blob-object.entity';
import { BlobObjectRepository } from './blob-object.repository';

/** Files nobody has opened for a while go to the cheaper Cool tier (ops, `blob:tier`). */
@Injectable()
export class BlobTiering {
  constructor(
    private readonly files: BlobObjectRepository,
    private readonly blob: BlobStore,
  ) {}

  /** The Hot files not accessed since `before`, moved to Cool unless it is a dry run. */
  async coolStale(before: Date, dryRun: boolean): Promise<BlobObjectEntity[]> {
    const stale = await this.files.staleHot(before);
    if (!dryRun)
      for (const f of stale) {
        await this.blob.setTier(f.container as BlobContainer, f.blobKey, 'Cool');
        await this.files.setTier(f.id, 'Cool');
      }
    return stale;
  }
}
