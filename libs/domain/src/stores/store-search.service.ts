import { Injectable } from '@nestjs/common';
import {
  fetchPlaceDetails,
  ImageCandidate,
  PlaceDetails,
  StoreCandidate,
  StoreSearch,
} from '@app/integrations';
import { AppConfig } from '../config/app-config';
import { StoreEntity, StoreSource } from '../entities/store.entity';
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

  async find(query: string): Promise<{ items: StoreCandidate[]; source: StoreSource }> {
    const q = query.trim().replace(/\s+/g, ' ');
    if (q.length < 1) throw new InvalidInputError('query must not be empty');
    const items = await this.cache.remember(
      `search:${this.search.name}:${q.toLowerCase()}`,
      SEARCH_TTL_SEC,
      () => this.search.search(q),
    );
    return { items, source: this.search.name };
  }

  /** Candidate photos for a store: an image search on its name and district, cached. */
  async photoCandidates(store: StoreEntity): Promise<{ items: ImageCandidate[]; source: string }> {
    const district = (store.roadAddress ?? store.address ?? '').split(/\s+/).slice(1, 2).join(' ');
    const q = `${district} ${store.name}`.trim();
    const items = await this.cache.remember(
      `images:${this.search.name}:${q.toLowerCase()}`,
      SEARCH_TTL_SEC,
      () => this.search.images(q),
    );
    return { items, source: this.search.name };
  }

  /** Menu, hours and photos from the store's own page when it publishes them; cached either way. */
  async placeDetails(store: StoreEntity): Promise<PlaceDetails> {
    const link = store.sourceRef && /^https?:\/\//.test(store.sourceRef) ? store.sourceRef : null;
    return this.cache.remember<PlaceDetails>(
      `place:${link ?? store.id}`,
      (d) => (d.available ? DETAILS_TTL_SEC : SEARCH_TTL_SEC),
      () =>
        fetchPlaceDetails(link, {
          timeoutMs: this.config.providerTimeoutMs,
          allowHosts: this.config.photos.fetchAllowHosts,
        }),
    );
  }
}
