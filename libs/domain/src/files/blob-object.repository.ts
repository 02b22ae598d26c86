import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DatabaseRouter } from '../database/database-router';
import { EntityRows } from '../database/entity-rows';
import { BlobObjectEntity } from '../entities/blob-object.entity';

/** Every stored file, so access tiers and deletions are driven from the DB. */
@Injectable()
export class BlobObjectRepository {
  /** raw INSERTs (EntityRows): every result a step copies is tracked */
  private readonly rows: EntityRows<BlobObjectEntity>;

  constructor(private readonly db: DatabaseRouter) {
    this.rows = new EntityRows(db.dataSource, BlobObjectEntity, 'b');
  }

  track(f: TrackedFile): Promise<void> {
    return this.trackAll([f]);
  }

  /** Several files in one statement; a file copied again (a step run twice) updates its row. */
  async trackAll(files: TrackedFile[]): Promise<void> {
    if (files.length === 0) return;
    const now = new Date();
    await this.db.write((em) =>
      this.rows.insert(
        em,
        files.map((f) => ({
          id: randomUUID(),
          ...f,
          tier: 'Hot' as const,
          lastAccessedAt: now,
          deleteRequestedAt: null,
          createdAt: now,
        })),
        {
          conflict: ['container', 'blob_key'],
          update: ['bytes', 'content_type', 'last_accessed_at', 'tier'],
        },
      ),
    );
  }

  /** A link was handed out: the file counts as accessed (it stays Hot). */
  async touch(container: string, blobKey: string): Promise<void> {
    await this.db.write((em) =>
      em.update(BlobObjectEntity, { container, blobKey }, { lastAccessedAt: new Date() }),
    );
  }

  find(container: string, blobKey: string): Promise<BlobObjectEntity | null> {
    return this.db.read((em) => em.findOne(BlobObjectEntity, { where: { container, blobKey } }));
  }

  /** Forgets files whose blobs were deleted. */
  async forget(container: string, blobKeys: string[]): Promise<void> {
    if (blobKeys.length)
      await this.db.write((em) =>
        em
          .createQueryBuilder()
          .delete()
          .from(BlobObjectEntity)
          .where('container = :container AND blob_key IN (:...blobKeys)', { container, blobKeys })
          .execute(),
      );
  }

  staleHot(before: Date, limit = 1000): Promise<BlobObjectEntity[]> {
    return this.db.read((em) =>
      em
        .createQueryBuilder(BlobObjectEntity, 'b')
        .where(
          "b.tier = 'Hot' AND b.last_accessed_at < :before AND b.delete_requested_at IS NULL",
          { before },
        )
        .orderBy('b.last_accessed_at')
        .take(limit)
        .getMany(),
    );
  }

  async setTier(id: string, tier: BlobObjectEntity['tier']): Promise<void> {
    await this.db.write((em) => em.update(BlobObjectEntity, { id }, { tier }));
  }
}

/** A stored file as the blob store has it. */
export interface TrackedFile {
  container: string;
  blobKey: string;
  contentType: string;
  bytes: number;
  ownerUserId: string | null;
}
