import { Injectable } from '@nestjs/common';
import { SocialGrant, SocialPlatform, VideoPublisher, VideoPublishers } from '@app/integrations';
import type { Principal } from '../accounts/principal';
import { PartnerRepository } from '../accounts/partner.repository';
import { PUBLISHING_SWITCH } from '../config/providers-config';
import { SocialAccountEntity } from '../entities/social.entity';
import { ConflictError, NotFoundError } from '../errors/domain-errors';
import { PublicationRepository } from './publication.repository';
import { SocialAccountRepository } from './social-account.repository';
import { ResultReaderRepository } from '../results/result-reader.repository';
import { TokenCipher } from './token-cipher';

/** A connected account as the API shows it: never a token. */
export interface SocialAccountView {
  id: string;
  platform: SocialPlatform;
  externalId: string;
  displayName: string | null;
  tokenExpiresAt: Date | null;
  connectedAt: Date;
  /** set when the platform refused the grant for good: connect again to go on publishing */
  needsReconnect: { since: Date; reason: string } | null;
  /** the partner the owner lets publish here with its API keys (scope `publish`), if any */
  publishingPartnerId: string | null;
}

/** Connecting and disconnecting YouTube and Instagram accounts; tokens stay sealed at rest. */
@Injectable()
export class SocialService {
  constructor(
    private readonly publishers: VideoPublishers,
    private readonly accounts: SocialAccountRepository,
    private readonly publications: PublicationRepository,
    private readonly cipher: TokenCipher,
    private readonly readers: ResultReaderRepository,
    private readonly partners: PartnerRepository,
  ) {}

  get platforms(): SocialPlatform[] {
    return this.publishers.platforms;
  }

  publisher(platform: SocialPlatform): VideoPublisher {
    const p = this.publishers.find(platform);
    if (!p)
      throw new ConflictError(
        `${platform} publishing is not configured on this server (${PUBLISHING_SWITCH[platform]})`,
      );
    return p;
  }

  authorizeUrl(platform: SocialPlatform, state: string, redirectUri: string): string {
    return this.publisher(platform).authorizeUrl(state, redirectUri);
  }

  async connect(
    userId: string,
    platform: SocialPlatform,
    code: string,
    redirectUri: string,
  ): Promise<SocialAccountView> {
    const grant = await this.publisher(platform).exchangeCode(code, redirectUri);
    const row = await this.accounts.upsert({
      userId,
      platform,
      externalId: grant.externalId,
      displayName: grant.displayName,
      ...this.sealed(grant),
    });
    // publications parked while its grant was dead go on by themselves
    await this.publications.resumeFor(row.id);
    // and so does the reading of its videos' results
    await this.readers.resume(row.id);
    return view(row);
  }

  /** A user's connected accounts; for a partner key, the accounts their owners let it publish to. */
  async list(by: Principal): Promise<SocialAccountView[]> {
    const rows =
      by.kind === 'user'
        ? await this.accounts.listFor(by.userId)
        : await this.accounts.listForPartner(by.partnerId);
    return rows.map(view);
  }

  /**
   * The owner's consent: the partner (id or name) may publish the partner's own videos to this
   * account with its API keys holding `publish`. One partner per account; another replaces it.
   */
  async allowPartner(userId: string, id: string, partnerRef: string): Promise<SocialAccountView> {
    const row = await this.accounts.findOwned(id, userId);
    if (!row) throw new NotFoundError('no such connected account');
    const partner = await this.partners.findByIdOrName(partnerRef);
    if (!partner) throw new NotFoundError(`no partner "${partnerRef}"`, { field: 'partner' });
    await this.accounts.setPublishingPartner(row.id, partner.id);
    return view({ ...row, publishingPartnerId: partner.id });
  }

  /** The owner takes the consent back: the partner's publications not yet uploaded fail. */
  async disallowPartner(userId: string, id: string): Promise<void> {
    const row = await this.accounts.findOwned(id, userId);
    if (!row) throw new NotFoundError('no such connected account');
    await this.accounts.setPublishingPartner(row.id, null);
  }

  async disconnect(userId: string, id: string): Promise<void> {
    const row = await this.accounts.findOwned(id, userId);
    if (!row) throw new NotFoundError('no such connected account');
    await this.accounts.delete(row.id);
    await this.readers.delete(row.id);
  }

  /** The account's grant with fresh tokens (renewed ones are sealed and stored first). */
  async freshGrant(row: SocialAccountEntity): Promise<SocialGrant> {
    const grant: SocialGrant = {
      externalId: row.externalId,
      displayName: row.displayName,
      accessToken: this.cipher.open(row.accessTokenEnc),
      refreshToken: row.refreshTokenEnc ? this.cipher.open(row.refreshTokenEnc) : null,
      expiresAt: row.tokenExpiresAt,
    };
    const fresh = await this.publisher(row.platform).fresh(grant);
    if (fresh.accessToken !== grant.accessToken)
      await this.accounts.saveTokens(row.id, this.sealed(fresh));
    return fresh;
  }

  /** Tokens the platform renewed while publishing: sealed and stored for the next call. */
  async saveRenewed(row: SocialAccountEntity, grant: SocialGrant): Promise<void> {
    await this.accounts.saveTokens(row.id, this.sealed(grant));
  }

  private sealed(g: SocialGrant) {
    return {
      accessTokenEnc: this.cipher.seal(g.accessToken),
      refreshTokenEnc: g.refreshToken ? this.cipher.seal(g.refreshToken) : null,
      tokenExpiresAt: g.expiresAt,
    };
  }
}

function view(r: SocialAccountEntity): SocialAccountView {
  return {
    id: r.id,
    platform: r.platform,
    externalId: r.externalId,
    displayName: r.displayName,
    tokenExpiresAt: r.tokenExpiresAt,
    connectedAt: r.createdAt,
    needsReconnect: r.reconnectNeededAt
      ? { since: r.reconnectNeededAt, reason: r.reconnectReason ?? 'connect the account again' }
      : null,
    publishingPartnerId: r.publishingPartnerId,
  };
}
