import { Injectable } from '@nestjs/common';
import { KakaoIdentity, KakaoProfile, ProviderUnavailableError } from '@app/integrations';
import { AppConfig } from '../config/app-config';
import { UnauthorizedError } from '../errors/domain-errors';
import { Session, SessionService } from './session.service';
import { UserRepository } from './user.repository';

/**
 * Kakao login, web and mobile: a Kakao profile in, our session out; the user is found by
 * their Kakao id, or made on first login. The web callback's code exchange (passport-kakao)
 * stays HTTP glue in the API; it hands the profile here.
 */
@Injectable()
export class KakaoLogin {
  constructor(
    private readonly config: AppConfig,
    private readonly kakao: KakaoIdentity,
    private readonly users: UserRepository,
    private readonly sessions: SessionService,
  ) {}

  async fromProfile(profile: KakaoProfile): Promise<Session> {
    return this.sessions.start(await this.users.upsertFromKakao(profile));
  }

  /**
   * The app signed in with the Kakao SDK and sends us its token. Kakao confirms the token
   * and which app it was minted for: a valid token of another app logs nobody in.
   */
  async fromMobileToken(accessToken: string): Promise<Session> {
    const kakao = this.config.kakao;
    if (!kakao)
      throw new ProviderUnavailableError(
        KakaoIdentity.provider,
        `${KakaoIdentity.label} login is not configured (KAKAO_CLIENT_ID)`,
      );
    const info = await this.kakao.tokenInfo(accessToken);
    if (info.appId !== kakao.appId)
      throw new UnauthorizedError(`this ${KakaoIdentity.label} token was issued to another app`);
    const profile = await this.kakao.profile(accessToken);
    if (profile.kakaoId !== info.kakaoId)
      throw new UnauthorizedError(`${KakaoIdentity.label} token and profile disagree`);
    return this.fromProfile(profile);
  }
}
