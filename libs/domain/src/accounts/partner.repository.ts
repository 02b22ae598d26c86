import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DatabaseRouter } from '../database/database-router';
import { ApiKeyEntity, PartnerEntity } from '../entities/partner.entity';

@Injectable()
export class PartnerRepository {
  constructor(private readonly db: DatabaseRouter) {}

  create(name: string): Promise<PartnerEntity> {
    return this.db.write((em) => em.save(em.create(PartnerEntity, { id: randomUUID(), name })));
  }

  findByIdOrName(ref: string): Promise<PartnerEntity | null> {
    return this.db.read((em) => em.findOne(PartnerEntity, { where: [{ id: ref }, { name: ref }] }));
  }

  saveKey(
    key: Omit<ApiKeyEntity, 'createdAt' | 'lastUsedAt' | 'revokedAt'>,
  ): Promise<ApiKeyEntity> {
    return this.db.write((em) =>
      em.save(em.create(ApiKeyEntity, { ...key, lastUsedAt: null, revokedAt: null })),
    );
  }

  /** Revocation must bite at once on every instance: keys are always read from the primary. */
  findKeyByPrefix(prefix: string): Promise<ApiKeyEntity | null> {
    return this.db.read((em) => em.findOne(ApiKeyEntity, { where: { prefix } }));
  }

  findKey(ref: string): Promise<ApiKeyEntity | null> {
    return this.db.read((em) =>
      em.findOne(ApiKeyEntity, { where: [{ id: ref }, { prefix: ref }] }),
    );
  }

  async revokeKey(id: string, now = new Date()): Promise<void> {
    await this.db.write((em) => em.update(ApiKeyEntity, { id }, { revokedAt: now }));
  }

  async touchKey(id: string, now = new Date()): Promise<void> {
    await this.db.write((em) => em.update(ApiKeyEntity, { id }, { lastUsedAt: now }));
  }

  listKeys(partnerId?: string): Promise<(ApiKeyEntity & { partnerName: string })[]> {
    return this.db.read(async (em) => {
      const q = em
        .createQueryBuilder(ApiKeyEntity, 'k')
        .innerJoin(PartnerEntity, 'p', 'p.id = k.partner_id')
        .addSelect('p.name', 'partner_name')
        .orderBy('k.created_at', 'DESC');
      if (partnerId) q.where('k.partner_id = :partnerId', { partnerId });
      const { entities, raw } = await q.getRawAndEntities();
      return entities.map((e, i) =>
        Object.assign(e, { partnerName: raw[i].partner_name as string }),
      );
    });
  }
}
