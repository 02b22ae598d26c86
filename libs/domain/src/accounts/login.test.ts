import type { KakaoProfile } from '@app/integrations';
import type { AppConfig } from '../config/app-config';
import type { UserEntity } from '../entities/user.entity';
import type { AuthNonceRepository } from './auth-nonce.repository';
import type { Session, SessionService } from './session.service';
import type { UserRepository } from './user.repository';

/** In-memory doubles of the accounts' repositories and sessions, for the login use cases' specs. */

export function loginConfig(auth: Partial<AppConfig['auth']> = {}, kakaoAppId?: string) {
  return {
    auth: {
      jwt: { algorithm: 'HS256', secret: 'unit-secret-unit-secret-unit-secret-0' },
      accessTtlSec: 900,
      stateTtlSec: 600,
      frontendRedirects: ['https://app.example/login'],
      devLogin: true,
      ...auth,
    },
    ...(kakaoAppId ? { kakao: { appId: kakaoAppId } } : {}),
  } as unknown as AppConfig;
}

export class UsersDouble {
  readonly rows: UserEntity[] = [];

  async findOrCreateLocal(nickname: string): Promise<UserEntity> {
    return (
      this.rows.find((u) => u.kakaoId === null && u.nickname === nickname) ??
      this.add({ kakaoId: null, nickname })
    );
  }

  async upsertFromKakao(profile: KakaoProfile): Promise<UserEntity> {
    const found = this.rows.find((u) => u.kakaoId === profile.kakaoId);
    if (found) return Object.assign(found, { nickname: profile.nickname });
    return this.add({ kakaoId: profile.kakaoId, nickname: profile.nickname });
  }

  private add(fields: Pick<UserEntity, 'kakaoId' | 'nickname'>): UserEntity {
    const user = { id: `u${this.rows.length + 1}`, role: 'user', ...fields } as UserEntity;
    this.rows.push(user);
    return user;
  }

  as(): UserRepository {
    return this as unknown as UserRepository;
  }
}

export class SessionsDouble {
  readonly started: UserEntity[] = [];

  async start(user: UserEntity): Promise<Session> {
    this.started.push(user);
    return {
      accessToken: `access-${user.id}`,
      refreshToken: `refresh-${user.id}`,
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshExpiresIn: 3600,
      user,
    };
  }

  as(): SessionService {
    return this as unknown as SessionService;
  }
}

/** Used nonces, as the auth_nonces table keeps them: the first use wins. */
export class NoncesDouble {
  readonly used = new Map<string, Date>();

  async useOnce(nonce: string, expiresAt: Date): Promise<boolean> {
    if (this.used.has(nonce)) return false;
    this.used.set(nonce, expiresAt);
    return true;
  }

  as(): AuthNonceRepository {
    return this as unknown as AuthNonceRepository;
  }
}
