import { Injectable } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { DatabaseRouter } from '../database/database-router';
import { AuthNonceEntity } from '../entities/auth-nonce.entity';

@Injectable()
export class AuthNonceRepository {
  constructor(private readonly db: DatabaseRouter) {}

  /** True the first time a nonce is used; false for every replay (the primary key decides). */
  async useOnce(nonce: string, expiresAt: Date): Promise<boolean> {
    try {
      await this.db.write((em) => em.insert(AuthNonceEntity, { nonce, expiresAt }));
      return true;
    } catch {
      return false;
    }
  }

  async deleteExpired(now = new Date()): Promise<number> {
    // READ COMMITTED: only the expired rows are locked, no gap a new nonce goes into
    const r = await this.db.transaction(
      (em) => em.delete(AuthNonceEntity, { expiresAt: LessThan(now) }),
      { readCommitted: true },
    );
    return r.affected ?? 0;
  }
}
