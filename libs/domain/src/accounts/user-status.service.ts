import { Injectable } from '@nestjs/common';
import { CacheService } from '../cache/cache.service';
import { AppConfig } from '../config/app-config';
import { UserRole } from '../entities/user.entity';
import { RefreshTokenRepository } from './refresh-token.repository';
import { UserRepository } from './user.repository';

export interface UserStatus {
  role: UserRole;
  state: 'active' | 'blocked' | 'deleted';
  /** login families ended (logout, refresh-token reuse) whose access tokens may still be unexpired */
  revokedFamilies: string[];
}

const TTL_SEC = 60;
/** longer than one status read on the primary takes */
const STALE_WRITE_MS = 1000;
/** without Redis each instance keeps an answer this long: a change made elsewhere (another instance, the CLI) shows within it */
export const LOCAL_STATUS_TTL_MS = 2000;

/**
 * Whether a user may act right now, and with which role: checked on every request so a
 * block, a deletion or a role change takes effect at once, not when the access token
 * expires. With Redis (stage 3) the answer is cached and dropped on every change (by the
 * API or the CLI); without it, one primary-key read on a replica, remembered for 2 seconds
 * (a change made through this instance applies at once, one made elsewhere within 2 s).
 * The status carries the user's login families revoked within an access token's lifetime, so a
 * logout ends that login's access tokens with the same immediacy, and no DB read per request.
 * It is read on the primary (only when not cached): a change, or a user made a moment ago on
 * another instance, is never missed on a lagging replica, and "missing" is never remembered.
 */
@Injectable()
export class UserStatusService {
  constructor(
    private readonly users: UserRepository,
    private readonly cache: CacheService,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly config: AppConfig,
  ) {}

  private readonly local = new Map<string, { status: UserStatus | null; until: number }>();
  /**
   * One read per user at a time: when a cached status runs out under load, every concurrent
   * request of that user would otherwise read it again (100 connections: 200 statements).
   */
  private readonly reading = new Map<string, Promise<UserStatus | null>>();

  async of(userId: string): Promise<UserStatus | null> {
    if (!this.cache.shared) {
      const hit = this.local.get(userId);
      if (hit && hit.until > Date.now()) return hit.status;
    }
    const pending = this.reading.get(userId);
    if (pending) return pending;
    const current = () => this.reading.get(userId) === read;
    const read: Promise<UserStatus | null> = this.read(userId, current).finally(() => {
      if (current()) this.reading.delete(userId);
    });
    this.reading.set(userId, read);
    return read;
  }

  /** `current()`: false once changed() let this read go (it may have read the old status) */
  private async read(userId: string, current: () => boolean): Promise<UserStatus | null> {
    const key = `user-status:${userId}`;
    if (this.cache.shared) {
      const hit = await this.cache.get<UserStatus>(key);
      if (hit) return hit;
    }
    const row = await this.users.statusOf(userId);
    if (!row) return null;
    const since = new Date(Date.now() - this.config.auth.accessTtlSec * 1000);
    const status: UserStatus = {
      role: row.role,
      state: row.deletedAt ? 'deleted' : row.blockedAt ? 'blocked' : 'active',
      revokedFamilies: await this.refreshTokens.familiesRevokedSince(userId, since),
    };
    // a change made while this read ran (changed() let it go) must not be covered by it
    if (!current()) return status;
    if (this.cache.shared) await this.cache.set(key, status, TTL_SEC);
    else {
      if (this.local.size > 50_000) this.local.clear(); // bounded: a burst of users cannot grow it forever
      this.local.set(userId, { status, until: Date.now() + LOCAL_STATUS_TTL_MS });
    }
    return status;
  }

  async changed(userId: string): Promise<void> {
    this.local.delete(userId);
    this.reading.delete(userId);
    if (!this.cache.shared) return;
    const key = `user-status:${userId}`;
    await this.cache.del(key);
    // a read on another instance that began before this change may still write the old status
    // back: dropping it again a moment later bounds that window to the delay
    setTimeout(() => void this.cache.del(key).catch(() => undefined), STALE_WRITE_MS).unref();
  }
}
