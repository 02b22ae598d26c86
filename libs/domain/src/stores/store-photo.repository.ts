import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isDuplicateKey } from '../database/connection-errors';
import { DatabaseRouter } from '../database/database-router';
import { StorePhotoEntity } from '../entities/store.entity';
import { recordCreated } from '../idempotency/idempotency.repository';

/** A store's photos (the files are in the blob store's `photos` container). */
@Injectable()
export class StorePhotoRepository {
  constructor(private readonly db: DatabaseRouter) {}

  /** Oldest first: the order the owner added them, which a video follows. */
  list(storeId: string): Promise<StorePhotoEntity[]> {
    return this.db.read((em) =>
      em.find(StorePhotoEntity, { where: { storeId }, order: { createdAt: 'ASC', id: 'ASC' } }),
    );
  }

  findById(id: string): Promise<StorePhotoEntity | null> {
    return this.db.read((em) => em.findOne(StorePhotoEntity, { where: { id } }));
  }

  find(storeId: string, id: string): Promise<StorePhotoEntity | null> {
    return this.db.read((em) => em.findOne(StorePhotoEntity, { where: { id, storeId } }));
  }

  /**
   * Adds the photo in one of the store's `cap` numbered places, or answers null when every
   * place is taken. The unique (store, place) index refuses a place that a concurrent upload
   * took first; the places are then read again and a free one tried, so the cap holds however
   * many uploads arrive at once. A request's Idempotency-Key is completed with the photo in
   * the same transaction.
   */
  async addWithinCap(row: StorePhotoEntity, cap: number): Promise<StorePhotoEntity | null> {
    for (let tries = 0; tries <= cap; tries++) {
      const slot = await this.freeSlot(row.storeId, cap);
      if (slot === null) return null;
      try {
        return await this.db.transaction(async (em) => {
          const saved = await em.save(Object.assign(row, { slot }));
          await recordCreated(em, 'photo', [saved.id]);
          return saved;
        });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    return null;
  }

  /** A free place of the store, at random among the free ones (concurrent uploads rarely collide). */
  async freeSlot(storeId: string, cap: number): Promise<number | null> {
    const rows: { slot: number | string | null }[] = await this.db.read((em) =>
      em.query('SELECT slot FROM store_photos WHERE store_id = ?', [storeId]),
    );
    // a photo without a place (from before them) still counts against the cap
    const unplaced = rows.filter((r) => r.slot === null).length;
    const taken = new Set(rows.map((r) => Number(r.slot)));
    const free = Array.from({ length: cap }, (_, i) => i).filter((i) => !taken.has(i));
    return free.length > unplaced ? free[randomInt(free.length)] : null;
  }

  async delete(id: string): Promise<void> {
    await this.db.write((em) => em.delete(StorePhotoEntity, { id }));
  }
}
