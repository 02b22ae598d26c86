import { Injectable } from '@nestjs/common';
import { StoreCandidate, StoreSearch } from '@app/integrations';
import { CacheService } from '../cache/cache.service';
import { InvalidInputError } from '../errors/domain-errors';

const SEARCH_TTL_SEC = 600;

/** Store search, cached (Redis at stage 3, memory otherwise): Naver allows 25,000 calls a day. */
@Injectable()
export class StoreSearchService {
  constructor(
    private readonly search: StoreSearch,
    private readonly cache: CacheService,
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
}
