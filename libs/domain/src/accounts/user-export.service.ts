import { Injectable } from '@nestjs/common';
import { KakaoIdentity } from '@app/integrations';
import { NotFoundError } from '../errors/domain-errors';
import { UserExportRepository } from './user-export.repository';
import { UserRepository } from './user.repository';

/** Everything we hold about one user, for a privacy request. Tokens and secrets are left out. */
@Injectable()
export class UserExportService {
  constructor(
    private readonly users: UserRepository,
    private readonly exports: UserExportRepository,
  ) {}

  async export(ref: string): Promise<Record<string, unknown>> {
    const user = await this.users.findByIdOrKakaoId(ref);
    if (!user) throw new NotFoundError(`no user with id or ${KakaoIdentity.label} id "${ref}"`);
    return this.exports.collect(user);
  }
}
