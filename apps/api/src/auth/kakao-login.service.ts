import { Injectable } from '@nestjs/common';
import { AppConfig, Session, SessionService, UnauthorizedError, UserRepository } from '@app/domain';
import { KakaoIdentity, KakaoProfile, ProviderUnavailableError } from '@app/integrations';

/** Kakao profile in, our session out: the web callback and the mobile token exchange. */
@Injectable()
export class KakaoLoginService {
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
        'kakao',
        'Kakao login is not configured (KAKAO_CLIENT_ID)',
      );
    const info = await this.kakao.tokenInfo(accessToken);
    if (info.appId !== kakao.appId)
      throw new UnauthorizedError('this Kakao token was issued to another app');
    const profile = await this.kakao.profile(accessToken);
    if (profile.kakaoId !== info.kakaoId)
      throw new UnauthorizedError('Kakao token and profile disagree');
    return this.fromProfile(profile);
  }
}
