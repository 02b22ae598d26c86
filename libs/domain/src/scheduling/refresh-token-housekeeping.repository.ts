import { Injectable } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { DatabaseRouter } from '../database/database-router';
import { RefreshTokenEntity } from '../entities/refresh-token.entity';

@Injectable()
export class RefreshTokenHousekeeping {
  constructor(private readonly db: DatabaseRouter) {}

  /** Expired refresh tokens can no longer be presented: their rows only cost space. */
  async deleteExpired(now = new Date()): Promise<number> {
    // READ COMMITTED: the expired rows are locked, not the next token or the gaps beside them
    return this.db.transaction(
      async (em) => {
        const r = await em.delete(RefreshTokenEntity, { expiresAt: LessThan(now) });
        return r.affected ?? 0;
      },
      { readCommitted: true },
    );
  }
}
