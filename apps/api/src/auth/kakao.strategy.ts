import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-kakao';
import { AppConfig, KakaoConfig } from '@app/domain';
import { KakaoProfile, kakaoProfileFrom } from '@app/integrations';

interface OAuth2Internals {
  _authorizeUrl: string;
  _accessTokenUrl: string;
  useAuthorizationHeaderforGET(use: boolean): void;
  getAuthorizeUrl(params: Record<string, string>): string;
}

/**
 * The web login's code exchange, through passport-kakao. passport-kakao hard-codes Kakao's
 * hosts, so they are set from configuration after construction (tests and local
 * development point them at the fake), and the profile request sends the token as a Bearer
 * header, as Kakao documents, rather than in the query string.
 */
@Injectable()
export class KakaoStrategy extends PassportStrategy(Strategy, 'kakao') {
  constructor(private readonly kakao: KakaoConfig) {
    super({
      clientID: kakao.clientId,
      clientSecret: kakao.clientSecret ?? '',
      callbackURL: kakao.redirectUri,
    });
    const self = this as unknown as { _oauth2: OAuth2Internals; _userProfileURL: string };
    self._oauth2._authorizeUrl = `${kakao.authUrl}/oauth/authorize`;
    self._oauth2._accessTokenUrl = `${kakao.authUrl}/oauth/token`;
    self._oauth2.useAuthorizationHeaderforGET(true);
    self._userProfileURL = `${kakao.apiUrl}/v2/user/me`;
  }

  /** Where to send the browser, carrying our signed state. */
  authorizeUrl(state: string): string {
    const oauth2 = (this as unknown as { _oauth2: OAuth2Internals })._oauth2;
    return oauth2.getAuthorizeUrl({
      response_type: 'code',
      redirect_uri: this.kakao.redirectUri,
      state,
    });
  }

  validate(_accessToken: string, _refreshToken: string, profile: { _raw: string }): KakaoProfile {
    return kakaoProfileFrom(profile._raw);
  }
}

/** Only built when Kakao is configured: passport-oauth2 refuses to exist without a client id. */
export const kakaoStrategyProvider = {
  provide: KakaoStrategy,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => (config.kakao ? new KakaoStrategy(config.kakao) : null),
};
