import { Injectable } from '@nestjs/common';
import { KakaoIdentity } from '@app/integrations';
import { UserEntity } from '../entities/user.entity';
import { NotFoundError } from '../errors/domain-errors';
import { RefreshTokenRepository } from './refresh-token.repository';
import { UserRepository } from './user.repository';
import { UserStatusService } from './user-status.service';

@Injectable()
export class AccountService {
  constructor(
    private readonly users: UserRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly status: UserStatusService,
  ) {}

  /** Users, newest first, a page at a time; `search` matches part of a nickname or email. */
  list(opts: {
    search?: string;
    limit: number;
    after?: { createdAt: Date; id: string };
  }): Promise<UserEntity[]> {
    return this.users.list(opts);
  }

  async get(userId: string): Promise<UserEntity> {
    const user = await this.users.findById(userId);
    if (!user) throw new NotFoundError('account not found');
    return user;
  }

  /** Personal data anonymised, every session ended, the user's files queued for deletion. */
  async delete(userId: string): Promise<{ blobsQueued: number }> {
    await this.get(userId);
    await this.refreshTokens.revokeAllOfUser(userId);
    const blobsQueued = await this.users.anonymise(userId);
    await this.status.changed(userId);
    return { blobsQueued };
  }

  /** admin:grant / admin:revoke, by our id or Kakao id. */
  async setRole(ref: string, role: 'user' | 'admin'): Promise<UserEntity> {
    const user = await this.byRef(ref);
    await this.users.setRole(user.id, role);
    await this.status.changed(user.id);
    return { ...user, role };
  }

  /** Blocked: every session ends and access tokens stop working on the next request. */
  async block(ref: string): Promise<UserEntity> {
    const user = await this.byRef(ref);
    const blockedAt = user.blockedAt ?? new Date();
    await this.users.setBlocked(user.id, blockedAt);
    await this.refreshTokens.revokeAllOfUser(user.id);
    await this.status.changed(user.id);
    return { ...user, blockedAt };
  }

  async unblock(ref: string): Promise<UserEntity> {
    const user = await this.byRef(ref);
    await this.users.setBlocked(user.id, null);
    await this.status.changed(user.id);
    return { ...user, blockedAt: null };
  }

  private async byRef(ref: string): Promise<UserEntity> {
    const user = await this.users.findByIdOrKakaoId(ref);
    if (!user) throw new NotFoundError(`no user with id or ${KakaoIdentity.label} id "${ref}"`);
    return user;
  }
}
