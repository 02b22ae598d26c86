import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { DatabaseRouter } from '../database/database-router';
import { EntityRows } from '../database/entity-rows';
import { newestFirstAfter } from '../database/keyset';
import { sqlTime } from '../database/raw-sql';
import { StoreEntity, StorePhotoEntity } from '../entities/store.entity';
import { recordCreated, writeCreating } from '../idempotency/idempotency.repository';
import { Owner } from './owner';

@Injectable()
export class StoreRepository {
  private readonly rows: EntityRows<StoreEntity>;
  private readonly photoRows: EntityRows<StorePhotoEntity>;

  constructor(private readonly db: DatabaseRouter) {
    this.rows = new EntityRows(db.dataSource, StoreEntity, 's');
    this.photoRows = new EntityRows(db.dataSource, StorePhotoEntity, 'ph');
  }

  /**
   * One INSERT of every column, with the row it made (no look-up, no re-read, no builder): one
   * round trip; a request's Idempotency-Key is completed with it in the same transaction.
   */
  insert(store: Omit<StoreEntity, 'createdAt' | 'updatedAt'>): Promise<StoreEntity> {
    const now = new Date();
    const row: StoreEntity = { ...store, createdAt: now, updatedAt: now };
    return writeCreating(this.db, async (em) => {
      const at = sqlTime(em, now);
      await em.query(
        `INSERT INTO stores (id, owner_user_id, partner_id, name, category, address, road_address,
           phone, latitude, longitude, description, menu, hours, pitch, source, source_ref,
           created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          row.id,
          row.ownerUserId,
          row.partnerId,
          row.name,
          row.category,
          row.address,
          row.roadAddress,
          row.phone,
          row.latitude,
          row.longitude,
          row.description,
          row.menu === null ? null : JSON.stringify(row.menu),
          row.hours,
          row.pitch,
          row.source,
          row.sourceRef,
          at,
          at,
        ],
      );
      await recordCreated(em, 'store', [row.id]);
      return row;
    });
  }

  /** Raw SQL, fixed column list (EntityRows): the steps that write from the store read it. */
  findById(id: string): Promise<StoreEntity | null> {
    const sql = `SELECT ${this.rows.columns} FROM stores s WHERE s.id = :id LIMIT 1`;
    return this.db.read(async (em) => (await this.rows.query(em, sql, { id }))[0] ?? null);
  }

  /**
   * A store and its photos, oldest first (the order the owner added them, which a video
   * follows): one query, for a video's slides and end card.
   */
  async findWithPhotos(
    id: string,
  ): Promise<{ store: StoreEntity; photos: StorePhotoEntity[] } | null> {
    // raw SQL (EntityRows), the photos' columns under names of their own: submit_video reads it
    const sql =
      `SELECT ${this.rows.columns}, ${this.photoRows.prefixedColumns('ph_')} FROM stores s` +
      ' LEFT JOIN store_photos ph ON ph.store_id = s.id WHERE s.id = :id' +
      ' ORDER BY ph.created_at ASC, ph.id ASC';
    const rows = await this.db.read(async (em) => {
      const [text, values] = em.connection.driver.escapeQueryWithParameters(sql, { id });
      return (await em.query(text, values)) as Record<string, unknown>[];
    });
    if (rows.length === 0) return null;
    const photos = rows
      .map((r) => this.photoRows.hydratePrefixed(r, 'ph_'))
      .filter((p): p is StorePhotoEntity => p !== null);
    return { store: this.rows.hydrate(rows[0]), photos };
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
