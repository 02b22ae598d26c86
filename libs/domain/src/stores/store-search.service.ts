import { Injectable } from '@nestjs/common';
import { fetchPlaceDetails, ImageCandidate, PlaceDetails, StoreCandidate, StoreSearch } from '@app/integrations';
import { AppConfig } from '../config/app-config';
import { StoreEntity } from '../entities/store.entity';
import { CacheService } from '../cache/cache.service';
import { InvalidInputError } from '../errors/domain-errors';

const SEARCH_TTL_SEC = 600;
const DETAILS_TTL_SEC = 24 * 3600;

/** Store search, cached (Redis at stage 3, memory otherwise): Naver allows 25,000 calls a day. */
@Injectable()
export class StoreSearchService {
  constructor(
    private readonly search: StoreSearch,
    private readonly cache: CacheService,
    private readonly config: AppConfig,
  ) {}

  async find(query: string): Promise<{ items: StoreCandidate[]; source: string; cached: boolean }> {
    const q = query.trim().replace(/\s+/g, ' ');
    if (q.length < 1) throw new InvalidInputError('query must not be empty');
    const key = `search:${this.search.name}:${q.toLowerCase()}`;
    const hit = await this.cache.get<StoreCandidate[]>(key);
    if (hit) return { items: hit, source: this.search.name, cached: true };
    const items = await this.search.search(q);
    await this.cache.set(key, items, SEARCH_TTL_SEC);
    return { items, source: this.search.name, cached: false };
  }

  /** Candidate photos for a store: an image search on its name and district, cached. */
  async photoCandidates(store: StoreEntity): Promise<{ items: ImageCandidate[]; source: string }> {
    const district = (store.roadAddress ?? store.address ?? '').split(/\s+/).slice(1, 2).join(' ');
    const q = `${district} ${store.name}`.trim();
    const key = `images:${this.search.name}:${q.toLowerCase()}`;
    const hit = await this.cache.get<ImageCandidate[]>(key);
    if (hit) return { items: hit, source: this.search.name };
    const items = await this.search.images(q);
    await this.cache.set(key, items, SEARCH_TTL_SEC);
    return { items, source: this.search.name };
  }

  /** Menu, hours and photos from the store's own page when it publishes them; cached either way. */
  async placeDetails(store: StoreEntity): Promise<PlaceDetails> {
    const link = store.sourceRef && /^https?:\/\//.test(store.sourceRef) ? store.sourceRef : null;
    const key = `place:${link ?? store.id}`;
    const hit = await this.cache.get<PlaceDetails>(key);
    if (hit) return hit;
    const details = await fetchPlaceDetails(link, { timeoutMs: this.config.providerTimeoutMs, allowHosts: this.config.photos.fetchAllowHosts });
    await this.cache.set(key, details, details.available ? DETAILS_TTL_SEC : SEARCH_TTL_SEC);
    return details;
  }
}
