import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { NotFoundError } from '../errors/domain-errors';
import { Session, SessionService } from './session.service';
import { UserRepository } from './user.repository';

/**
 * Dev login: sign in without Kakao as the local user with this nickname, made on first use (the
 * same nickname reaches the same account again). Allowed only in the embedded default
 * (`auth.devLogin`); a staged deployment answers as for a route that does not exist.
 */
@Injectable()
export class DevLogin {
  constructor(
    private readonly config: AppConfig,
    private readonly users: UserRepository,
    private readonly sessions: SessionService,
  ) {}

  async signIn(nickname: string): Promise<Session> {
    if (!this.config.auth.devLogin)
      throw new NotFoundError('Route POST:/v1/auth/dev-login not found');
    return this.sessions.start(await this.users.findOrCreateLocal(nickname));
  }
}
