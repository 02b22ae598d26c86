import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IsNull, MoreThan } from 'typeorm';
import { DatabaseRouter } from '../database/database-router';
import { RefreshTokenEntity } from '../entities/refresh-token.entity';

export type RotationResult =
  | { outcome: 'rotated'; userId: string; familyId: string }
  | { outcome: 'reused'; userId: string; familyId: string }
  | { outcome: 'invalid' };

@Injectable()
export class RefreshTokenRepository {
  constructor(private readonly db: DatabaseRouter) {}

  async create(
    userId: string,
    familyId: string,
    tokenHash: string,
    expiresAt: Date,
  ): Promise<void> {
    await this.db.write((em) =>
      em.insert(RefreshTokenEntity, {
        id: randomUUID(),
        userId,
        familyId,
        tokenHash,
        expiresAt,
        createdAt: new Date(),
      }),
    );
  }

  /**
   * Marks the presented token used, atomically: of two concurrent uses only one rotates, the
   * other counts as a reuse. A token already rotated means it leaked: the caller revokes the family.
   */
  async rotate(tokenHash: string, now = new Date()): Promise<RotationResult> {
    return this.db.transaction(async (em) => {
      const row = await em.findOne(RefreshTokenEntity, { where: { tokenHash } });
      if (!row || row.revokedAt || row.expiresAt <= now) return { outcome: 'invalid' };
      if (row.rotatedAt) return { outcome: 'reused', userId: row.userId, familyId: row.familyId };
      const claimed = await em.update(
        RefreshTokenEntity,
        { id: row.id, rotatedAt: IsNull() },
        { rotatedAt: now },
      );
      if ((claimed.affected ?? 0) !== 1)
        return { outcome: 'reused', userId: row.userId, familyId: row.familyId };
      return { outcome: 'rotated', userId: row.userId, familyId: row.familyId };
    });
  }

  async familyOf(tokenHash: string): Promise<{ familyId: string; userId: string } | null> {
    const row = await this.db.read((em) =>
      em.findOne(RefreshTokenEntity, { where: { tokenHash } }),
    );
    return row ? { familyId: row.familyId, userId: row.userId } : null;
  }

  /**
   * The user's login families revoked since `since` (logout, refresh-token reuse): their access
   * tokens, still unexpired, must stop working. Read on the primary: a revocation made a moment
   * ago on another instance must not be missed.
   */
  async familiesRevokedSince(userId: string, since: Date): Promise<string[]> {
    const rows = await this.db.read((em) =>
      em.find(RefreshTokenEntity, {
        select: { familyId: true },
        where: { userId, revokedAt: MoreThan(since) },
      }),
    );
    return [...new Set(rows.map((r) => r.familyId))];
  }

  async revokeFamily(familyId: string, now = new Date()): Promise<void> {
    await this.db.write((em) =>
      em.update(RefreshTokenEntity, { familyId, revokedAt: IsNull() }, { revokedAt: now }),
    );
  }

  async revokeAllOfUser(userId: string, now = new Date()): Promise<void> {
    await this.db.write((em) =>
      em.update(RefreshTokenEntity, { userId, revokedAt: IsNull() }, { revokedAt: now }),
    );
  }

  async isFamilyActive(familyId: string): Promise<boolean> {
    const n = await this.db.read((em) =>
      em.count(RefreshTokenEntity, { where: { familyId, revokedAt: IsNull() } }),
    );
    return n > 0;
  }
}
