import { Injectable } from '@nestjs/common';
import { CacheService } from '../cache/cache.service';
import { PartnerRepository } from './partner.repository';
import { LOCAL_STATUS_TTL_MS } from './user-status.service';

/** How long a key's standing is kept in the shared cache (a revocation drops it at once). */
const SHARED_TTL_SEC = 60;

/**
 * Whether a partner key still stands (not revoked, not gone), for what asks again as it goes (a
 * live stream, every heartbeat): kept like a user's status, in the shared cache at stage 3
 * (dropped when the key is revoked) or for a moment in this process, so a thousand open streams
 * do not read the primary on every beat.
 */
@Injectable()
export class ApiKeyStanding {
  private readonly local = new Map<string, { stands: boolean; until: number }>();

  constructor(
    private readonly partners: PartnerRepository,
    private readonly cache: CacheService,
  ) {}

  async stands(keyId: string): Promise<boolean> {
    const key = `api-key-standing:${keyId}`;
    if (this.cache.shared) {
      const hit = await this.cache.get<boolean>(key);
      if (hit !== undefined) return hit;
    } else {
      const hit = this.local.get(keyId);
      if (hit && hit.until > Date.now()) return hit.stands;
    }
    const row = await this.partners.findKey(keyId);
    const stands = row !== null && row.revokedAt === null;
    if (this.cache.shared) await this.cache.set(key, stands, SHARED_TTL_SEC);
    else {
      if (this.local.size > 10_000) this.local.clear(); // bounded
      this.local.set(keyId, { stands, until: Date.now() + LOCAL_STATUS_TTL_MS });
    }
    return stands;
  }

  /** The key was revoked: what was kept about it goes. */
  async changed(keyId: string): Promise<void> {
    this.local.delete(keyId);
    if (this.cache.shared) await this.cache.del(`api-key-standing:${keyId}`);
  }
}
