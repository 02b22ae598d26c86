import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../accounts/principal';
import { DatabaseRouter } from '../database/database-router';
import { SocialAccountEntity } from '../entities/social.entity';

@Injectable()
export class SocialAccountRepository {
  constructor(private readonly db: DatabaseRouter) {}

  /** One row per (user, platform, channel): connecting again replaces the tokens. */
  upsert(
    grant: Omit<
      SocialAccountEntity,
      | 'id'
      | 'createdAt'
      | 'updatedAt'
      | 'reconnectNeededAt'
      | 'reconnectReason'
      | 'publishingPartnerId'
    >,
  ): Promise<SocialAccountEntity> {
    // connecting again is what a dead grant waits for
    const row = { ...grant, reconnectNeededAt: null, reconnectReason: null };
    return this.db.transaction(async (em) => {
      const existing = await em.findOne(SocialAccountEntity, {
        where: { userId: row.userId, platform: row.platform, externalId: row.externalId },
      });
      return em.save(
        existing
          ? Object.assign(existing, row)
          : // the owner's earlier choice of a publishing partner survives connecting again
            em.create(SocialAccountEntity, { ...row, id: randomUUID(), publishingPartnerId: null }),
      );
    });
  }

  listFor(userId: string): Promise<SocialAccountEntity[]> {
    // read from the primary: a just-connected account must show up on the next screen
    return this.db.read((em) =>
      em.find(SocialAccountEntity, { where: { userId }, order: { createdAt: 'ASC' } }),
    );
  }

  /** Accounts whose owners let this partner publish to them. */
  listForPartner(partnerId: string): Promise<SocialAccountEntity[]> {
    return this.db.read((em) =>
      em.find(SocialAccountEntity, {
        where: { publishingPartnerId: partnerId },
        order: { createdAt: 'ASC' },
      }),
    );
  }

  /** An account the caller may publish to: the user's own, or one its owner let the partner use. */
  findPublishable(id: string, by: Principal): Promise<SocialAccountEntity | null> {
    const where =
      by.kind === 'user' ? { id, userId: by.userId } : { id, publishingPartnerId: by.partnerId };
    return this.db.read((em) => em.findOne(SocialAccountEntity, { where }));
  }

  async setPublishingPartner(id: string, partnerId: string | null): Promise<void> {
    await this.db.write((em) =>
      em.update(SocialAccountEntity, { id }, { publishingPartnerId: partnerId }),
    );
  }

  findOwned(id: string, userId: string): Promise<SocialAccountEntity | null> {
    return this.db.read((em) => em.findOne(SocialAccountEntity, { where: { id, userId } }));
  }

  findById(id: string): Promise<SocialAccountEntity | null> {
    return this.db.read((em) => em.findOne(SocialAccountEntity, { where: { id } }));
  }

  async saveTokens(
    id: string,
    patch: Pick<SocialAccountEntity, 'accessTokenEnc' | 'refreshTokenEnc' | 'tokenExpiresAt'>,
  ): Promise<void> {
    await this.db.write((em) => em.update(SocialAccountEntity, { id }, patch));
  }

  /** The grant died: the account waits for its owner to connect it again. */
  async markReconnectNeeded(id: string, reason: string): Promise<void> {
    await this.db.write((em) =>
      em.update(
        SocialAccountEntity,
        { id },
        { reconnectNeededAt: new Date(), reconnectReason: reason },
      ),
    );
  }

  async delete(id: string): Promise<void> {
    await this.db.write((em) => em.delete(SocialAccountEntity, { id }));
  }
}
