import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { DatabaseRouter } from '../database/database-router';
import { newestFirstAfter } from '../database/keyset';
import { StoreEntity } from '../entities/store.entity';
import { Owner } from './owner';

@Injectable()
export class StoreRepository {
  constructor(private readonly db: DatabaseRouter) {}

  insert(store: Omit<StoreEntity, 'createdAt' | 'updatedAt'>): Promise<StoreEntity> {
    // one INSERT: save() would wrap it in a transaction and look the new id up first
    return this.db.write(async (em) => {
      const row = em.create(StoreEntity, store);
      await em.insert(StoreEntity, row);
      return row;
    });
  }

  findById(id: string): Promise<StoreEntity | null> {
    return this.db.read((em) => em.findOne(StoreEntity, { where: { id } }));
  }

  /**
   * Null when it does not exist or belongs to someone else: callers answer 404 either way.
   */
  findOwned(id: string, owner: Owner): Promise<StoreEntity | null> {
    return this.db.read((em) => em.findOne(StoreEntity, { where: { id, ...ownerWhere(owner) } }));
  }

  /** Names by id, for a page of projects (the caller owns them). */
  async namesOf(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.read((em) =>
      em.find(StoreEntity, {
        select: { id: true, name: true },
        where: { id: In([...new Set(ids)]) },
      }),
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  save(store: StoreEntity): Promise<StoreEntity> {
    return this.db.write((em) => em.save(store));
  }

  /** Newest first, keyset-paginated on (created_at, id); lag-tolerant, so a replica serves it. */
  listOwned(
    owner: Owner,
    limit: number,
    after?: { createdAt: Date; id: string },
  ): Promise<StoreEntity[]> {
    return this.db.read((em) => {
      const q = em.createQueryBuilder(StoreEntity, 's');
      if (owner.ownerUserId) q.where('s.owner_user_id = :o', { o: owner.ownerUserId });
      else q.where('s.partner_id = :p', { p: owner.partnerId });
      return newestFirstAfter(q, 's', after, limit).getMany();
    });
  }
}

function ownerWhere(owner: Owner) {
  return owner.ownerUserId ? { ownerUserId: owner.ownerUserId } : { partnerId: owner.partnerId! };
}
