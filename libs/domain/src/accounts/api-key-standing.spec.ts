import type { CacheService } from '../cache/cache.service';
import type { ApiKeyEntity } from '../entities/partner.entity';
import { ApiKeyStanding } from './api-key-standing';
import type { PartnerRepository } from './partner.repository';

/** Keys by id, counting the reads a standing costs. */
class KeysDouble {
  readonly rows = new Map<string, Pick<ApiKeyEntity, 'id' | 'revokedAt'>>();
  reads = 0;
  async findKey(id: string) {
    this.reads++;
    return this.rows.get(id) ?? null;
  }
  as = () => this as unknown as PartnerRepository;
}

/** No Redis: the process keeps the standing itself. */
const unshared = { shared: false } as CacheService;

describe('ApiKeyStanding', () => {
  it('answers the beats of a stream from one read, and a revocation at once', async () => {
    const keys = new KeysDouble();
    keys.rows.set('k1', { id: 'k1', revokedAt: null });
    const standing = new ApiKeyStanding(keys.as(), unshared);
    for (let beat = 0; beat < 20; beat++) expect(await standing.stands('k1')).toBe(true);
    expect(keys.reads).toBe(1);
    keys.rows.set('k1', { id: 'k1', revokedAt: new Date() });
    await standing.changed('k1');
    expect(await standing.stands('k1')).toBe(false);
  });

  it('says an unknown key does not stand', async () => {
    const standing = new ApiKeyStanding(new KeysDouble().as(), unshared);
    expect(await standing.stands('gone')).toBe(false);
  });
});
