import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Brackets, IsNull } from 'typeorm';
import type { KakaoProfile } from '@app/integrations';
import { DatabaseRouter } from '../database/database-router';
import { newestFirstAfter } from '../database/keyset';
import { BlobObjectEntity } from '../entities/blob-object.entity';
import { UserEntity, UserRole } from '../entities/user.entity';
import { userSearchGrams } from './user-search.repository';

@Injectable()
export class UserRepository {
  constructor(private readonly db: DatabaseRouter) {}

  findById(id: string): Promise<UserEntity | null> {
    return this.db.read((em) => em.findOne(UserEntity, { where: { id, deletedAt: IsNull() } }));
  }

  /** By our id or by Kakao id, for ops commands. */
  /** Just what access checks need (role, block, deletion): a narrow row for every request. */
  statusOf(
    id: string,
  ): Promise<Pick<UserEntity, 'id' | 'role' | 'blockedAt' | 'deletedAt'> | null> {
    return this.db.read((em) =>
      em.findOne(UserEntity, {
        select: { id: true, role: true, blockedAt: true, deletedAt: true },
        where: { id },
      }),
    );
  }

  findByIdOrKakaoId(ref: string): Promise<UserEntity | null> {
    return this.db.read((em) =>
      em
        .createQueryBuilder(UserEntity, 'u')
        .where('u.deleted_at IS NULL')
        .andWhere(
          new Brackets((w) =>
            w.where('u.id = :ref', { ref }).orWhere('u.kakao_id = :ref', { ref }),
          ),
        )
        .getOne(),
    );
  }

  /** One user per Kakao id, however many times and on however many instances they log in. */
  async upsertFromKakao(profile: KakaoProfile): Promise<UserEntity> {
    return this.db.write(async (em) => {
      const existing = await em.findOne(UserEntity, { where: { kakaoId: profile.kakaoId } });
      if (existing) {
        const before = { ...existing };
        existing.nickname = profile.nickname;
        existing.email = profile.email ?? existing.email;
        existing.profileImageUrl = profile.profileImageUrl ?? existing.profileImageUrl;
        const saved = await em.save(existing);
        if (before.nickname !== saved.nickname || before.email !== saved.email)
          await userSearchGrams.replace(em, before, saved);
        return saved;
      }
      const user = em.create(UserEntity, {
        id: randomUUID(),
        kakaoId: profile.kakaoId,
        nickname: profile.nickname,
        email: profile.email ?? null,
        profileImageUrl: profile.profileImageUrl ?? null,
        role: 'user',
      });
      let saved: UserEntity;
      try {
        saved = await em.save(user);
      } catch (err) {
        // two first logins at once: the unique index let one win; use its row
        const winner = await em.findOne(UserEntity, { where: { kakaoId: profile.kakaoId } });
        if (winner) return winner;
        throw err;
      }
      await userSearchGrams.add(em, saved);
      return saved;
    });
  }

  /**
   * The embedded default's trial login: the local (non-Kakao) user with this nickname, made on
   * first use. Signing in again with it (after a restart, or once a token expired) reaches the
   * same account and its projects; the oldest wins if an earlier version made several. An
   * admin (made with the CLI) or a deleted account is never reached this way: a new one is made.
   */
  findOrCreateLocal(nickname: string): Promise<UserEntity> {
    return this.db.write(async (em) => {
      const found = await em.findOne(UserEntity, {
        // never an admin's or a deleted account: a nickname is no credential for those
        where: { kakaoId: IsNull(), nickname, role: 'user', deletedAt: IsNull() },
        order: { createdAt: 'ASC' },
      });
      if (found) return found;
      const made = await em.save(
        em.create(UserEntity, { id: randomUUID(), kakaoId: null, nickname, role: 'user' }),
      );
      await userSearchGrams.add(em, made);
      return made;
    });
  }

  async setBlocked(id: string, blockedAt: Date | null): Promise<void> {
    await this.db.write((em) =>
      em.update(UserEntity, { id }, { blockedAt, updatedAt: new Date() }),
    );
  }

  async setRole(id: string, role: UserRole): Promise<void> {
    await this.db.write((em) => em.update(UserEntity, { id }, { role, updatedAt: new Date() }));
  }

  /**
   * Account deletion: personal data removed (the row stays, anonymised, so projects and
   * costs still add up) and every file the user owns queued for deletion.
   */
  async anonymise(id: string, now = new Date()): Promise<number> {
    return this.db.transaction(async (em) => {
      const user = await em.findOne(UserEntity, { where: { id } });
      // no longer found by what it was called
      if (user && !user.deletedAt) await userSearchGrams.remove(em, user);
      await em.update(
        UserEntity,
        { id },
        {
          kakaoId: null,
          nickname: 'deleted user',
          email: null,
          profileImageUrl: null,
          deletedAt: now,
          updatedAt: now,
        },
      );
      const r = await em.update(
        BlobObjectEntity,
        { ownerUserId: id, deleteRequestedAt: IsNull() },
        { deleteRequestedAt: now },
      );
      return r.affected ?? 0;
    });
  }

  /**
   * Newest first, keyset-paginated on (created_at, id); `search` finds part of a nickname or
   * email, or an exact Kakao id, from an index (user-search.ts).
   */
  list(opts: {
    search?: string;
    limit: number;
    after?: { createdAt: Date; id: string };
  }): Promise<UserEntity[]> {
    const term = opts.search?.trim();
    return this.db.read((em) =>
      term
        ? userSearchGrams.search(em, term, opts)
        : newestFirstAfter(
            em.createQueryBuilder(UserEntity, 'u').where('u.deleted_at IS NULL'),
            'u',
            opts.after,
            opts.limit,
          ).getMany(),
    );
  }
}
