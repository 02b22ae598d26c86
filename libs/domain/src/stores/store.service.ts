import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Principal } from '../accounts/principal';
import { StoreEntity, StoreSource } from '../entities/store.entity';
import { NotFoundError } from '../errors/domain-errors';
import { ownerOf } from './owner';
import { StoreRepository } from './store.repository';
import { CacheService } from '../cache/cache.service';
import { menuWithPrices } from './menu-price';

export interface StoreInput {
  name: string;
  category?: string | null;
  address?: string | null;
  roadAddress?: string | null;
  phone?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  description?: string | null;
  /** a price is the owner's text, or a number of won (stored as "9,000원": menuPrice) */
  menu?: { name: string; price?: string | number }[] | null;
  hours?: string | null;
  pitch?: string | null;
  /** where the facts came from: a search result, or the owner's own entry */
  source?: StoreSource;
  sourceRef?: string | null;
  /** a search result's own link, posted as it is: kept as `sourceRef` when none is given */
  link?: string | null;
}

/** Stores entered by hand (search results arrive with the Naver integration). */
const STORE_TTL_SEC = 300;
const revive = (s: StoreEntity): StoreEntity => ({
  ...s,
  createdAt: new Date(s.createdAt),
  updatedAt: new Date(s.updatedAt),
});

@Injectable()
export class StoreService {
  constructor(
    private readonly stores: StoreRepository,
    private readonly cache: CacheService,
  ) {}

  create(by: Principal, input: StoreInput): Promise<StoreEntity> {
    return this.stores.insert({
      id: randomUUID(),
      ...ownerOf(by),
      name: input.name,
      category: input.category ?? null,
      address: input.address ?? null,
      roadAddress: input.roadAddress ?? null,
      phone: input.phone ?? null,
      latitude: input.latitude ?? null,
      longitude: input.longitude ?? null,
      description: input.description ?? null,
      menu: input.menu ? menuWithPrices(input.menu) : null,
      hours: input.hours ?? null,
      pitch: input.pitch ?? null,
      source: input.source ?? 'manual',
      sourceRef: input.sourceRef ?? input.link ?? null,
    });
  }

  /** Store details are read often (every project step): cached, and dropped on every edit. */
  async get(by: Principal, id: string): Promise<StoreEntity> {
    const owner = ownerOf(by);
    // per-instance memory would serve other instances' stale copies after an edit: Redis only
    if (!this.cache.shared) return this.owned(by, id);
    const cached = await this.cache.get<StoreEntity>(`store:${id}`);
    if (cached && cached.ownerUserId === owner.ownerUserId && cached.partnerId === owner.partnerId)
      return revive(cached);
    const store = await this.owned(by, id);
    await this.cache.set(`store:${id}`, store, STORE_TTL_SEC);
    return store;
  }

  /** The row itself, for an edit: never a cached copy saved back over a newer one. */
  private async owned(by: Principal, id: string): Promise<StoreEntity> {
    const store = await this.stores.findOwned(id, ownerOf(by));
    if (!store) throw new NotFoundError(`store ${id} not found`);
    return store;
  }

  async update(by: Principal, id: string, patch: Partial<StoreInput>): Promise<StoreEntity> {
    const store = await this.owned(by, id);
    if (patch.menu) patch = { ...patch, menu: menuWithPrices(patch.menu) };
    for (const [k, v] of Object.entries(patch))
      if (v !== undefined) (store as unknown as Record<string, unknown>)[k] = v;
    const saved = await this.stores.save(store);
    // the new copy goes to the shared cache at once: a replica may still hold the old row
    if (this.cache.shared) await this.cache.set(`store:${id}`, saved, STORE_TTL_SEC);
    return saved;
  }

  list(
    by: Principal,
    limit: number,
    after?: { createdAt: Date; id: string },
  ): Promise<StoreEntity[]> {
    return this.stores.listOwned(ownerOf(by), limit, after);
  }
}
