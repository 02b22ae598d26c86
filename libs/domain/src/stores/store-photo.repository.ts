import { Injectable } from '@nestjs/common';
import { DatabaseRouter } from '../database/database-router';
import { StorePhotoEntity } from '../entities/store.entity';

/** A store's photos (the files are in the blob store's `photos` container). */
@Injectable()
export class StorePhotoRepository {
  constructor(private readonly db: DatabaseRouter) {}

  count(storeId: string): Promise<number> {
    return this.db.read((em) => em.count(StorePhotoEntity, { where: { storeId } }));
  }

  /** Oldest first: the order the owner added them, which a video follows. */
  list(storeId: string): Promise<StorePhotoEntity[]> {
    return this.db.read((em) =>
      em.find(StorePhotoEntity, { where: { storeId }, order: { createdAt: 'ASC', id: 'ASC' } }),
    );
  }

  find(storeId: string, id: string): Promise<StorePhotoEntity | null> {
    return this.db.read((em) => em.findOne(StorePhotoEntity, { where: { id, storeId } }));
  }

  add(row: StorePhotoEntity): Promise<StorePhotoEntity> {
    return this.db.write((em) => em.save(row));
  }

  async delete(id: string): Promise<void> {
    await this.db.write((em) => em.delete(StorePhotoEntity, { id }));
  }
}
