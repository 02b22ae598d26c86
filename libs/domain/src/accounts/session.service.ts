import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { UserEntity } from '../entities/user.entity';
import { ForbiddenError, UnauthorizedError } from '../errors/domain-errors';
import { AccessTokens } from './access-tokens';
import { RefreshTokenRepository } from './refresh-token.repository';
import { newSecret, sha256 } from './secrets';
import { UserRepository } from './user.repository';
import { UserStatusService } from './user-status.service';

export interface Session {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshExpiresIn: number;
  user: UserEntity;
}

/**
 * Our sessions: a short-lived access JWT plus an opaque refresh token, stored hashed and
 * rotated on every use. Presenting a refresh token that was already rotated means someone
 * else has it: the whole family (this login's chain) is revoked.
 */
@Injectable()
export class SessionService {
  private readonly logger = new Logger(SessionService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly tokens: AccessTokens,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly users: UserRepository,
    private readonly status: UserStatusService,
  ) {}

  async start(user: UserEntity): Promise<Session> {
    if (user.blockedAt) throw new ForbiddenError('this account is blocked');
    return this.issue(user, randomUUID());
  }

  async refresh(refreshToken: string): Promise<Session> {
    const result = await this.refreshTokens.rotate(sha256(refreshToken));
    if (result.outcome === 'reused') {
      await this.refreshTokens.revokeFamily(result.familyId);
      await this.status.changed(result.userId);
      this.logger.warn(`refresh token reuse detected: family ${result.familyId} revoked`);
      throw new UnauthorizedError(
        'refresh token already used: this session has been revoked, sign in again',
      );
    }
    if (result.outcome === 'invalid')
      throw new UnauthorizedError('refresh token invalid or expired');
    const user = await this.users.findById(result.userId);
    if (!user) throw new UnauthorizedError('account no longer exists');
    if (user.blockedAt) throw new ForbiddenError('this account is blocked');
    return this.issue(user, result.familyId);
  }

  /** Ends the login the refresh token belongs to (every token of its family). */
  async logout(refreshToken: string): Promise<void> {
    const family = await this.refreshTokens.familyOf(sha256(refreshToken));
    if (!family) return;
    await this.refreshTokens.revokeFamily(family.familyId);
    // the family's access tokens stop at once, on every instance (UserStatus.revokedFamilies)
    await this.status.changed(family.userId);
  }

  private async issue(user: UserEntity, familyId: string): Promise<Session> {
    const refreshToken = newSecret();
    const refreshTtl = this.config.auth.refreshTtlSec;
    await this.refreshTokens.create(
      user.id,
      familyId,
      sha256(refreshToken),
      new Date(Date.now() + refreshTtl * 1000),
    );
    return {
      accessToken: this.tokens.signAccess({ sub: user.id, role: user.role, fam: familyId }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.tokens.ttlSec,
      refreshExpiresIn: refreshTtl,
      user,
    };
  }
}
