import { Injectable } from '@nestjs/common';
import { CacheService } from '../cache/cache.service';
import { DatabaseRouter } from '../database/database-router';
import { UserEntity, UserRole } from '../entities/user.entity';

export interface UserStatus {
  role: UserRole;
  state: 'active' | 'blocked' | 'deleted';
}

const TTL_SEC = 60;
/** without Redis each instance keeps an answer this long: a change made elsewhere (another instance, the CLI) shows within it */
export const LOCAL_STATUS_TTL_MS = 2000;

/**
 * Whether a user may act right now, and with which role: checked on every request so a
 * block, a deletion or a role change takes effect at once, not when the access token
 * expires. With Redis (stage 3) the answer is cached and dropped on every change (by the
 * API or the CLI); without it, one primary-key read on a replica, remembered for 2 seconds
 * (a change made through this instance applies at once, one made elsewhere within 2 s). A user
 * the replica does not know yet is read on the primary; only found users are remembered.
 */
@Injectable()
export class UserStatusService {
  constructor(
    private readonly db: DatabaseRouter,
    private readonly cache: CacheService,
  ) {}

  private readonly local = new Map<string, { status: UserStatus | null; until: number }>();

  async of(userId: string): Promise<UserStatus | null> {
    const key = `user-status:${userId}`;
    if (!this.cache.shared) {
      const hit = this.local.get(userId);
      if (hit && hit.until > Date.now()) return hit.status;
    }
    if (this.cache.shared) {
      const hit = await this.cache.get<UserStatus>(key);
      if (hit) return hit;
    }
    // a user the replica does not have yet is read on the primary (DatabaseRouter.read);
    // "missing" is never remembered: it may be a user made a moment ago on another instance
    const row = await this.db.read((em) =>
      em.findOne(UserEntity, {
        select: { id: true, role: true, blockedAt: true, deletedAt: true },
        where: { id: userId },
      }),
    );
    if (!row) return null;
    const status: UserStatus = {
      role: row.role,
      state: row.deletedAt ? 'deleted' : row.blockedAt ? 'blocked' : 'active',
    };
    if (this.cache.shared) await this.cache.set(key, status, TTL_SEC);
    else {
      if (this.local.size > 50_000) this.local.clear(); // bounded: a burst of users cannot grow it forever
      this.local.set(userId, { status, until: Date.now() + LOCAL_STATUS_TTL_MS });
    }
    return status;
  }

  async changed(userId: string): Promise<void> {
    this.local.delete(userId);
    if (this.cache.shared) await this.cache.del(`user-status:${userId}`);
  }
}
