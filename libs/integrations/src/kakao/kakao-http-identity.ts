import { Injectable } from '@nestjs/common';
import { AppConfig, KakaoProfile, ProviderUnavailableError } from '@app/domain';
import { failForStatus, parseJson, providerFetch } from '../http/provider-http';
import { KakaoIdentity, KakaoTokenInfo } from './kakao-identity';
import { kakaoProfileFrom } from './kakao-profile';

/** Kakao's REST API (kapi): access_token_info and user/me, with the Bearer token. */
@Injectable()
export class KakaoHttpIdentity extends KakaoIdentity {
  constructor(private readonly config: AppConfig) {
    super();
  }

  async tokenInfo(accessToken: string): Promise<KakaoTokenInfo> {
    const res = await this.get('/v1/user/access_token_info', accessToken);
    const raw = res.text;
    const body = parseJson<{ id?: number; app_id?: number; expires_in?: number }>('kakao', raw);
    if (body.id === undefined || body.app_id === undefined)
      throw new ProviderUnavailableError('kakao', 'kakao sent a token info without id or app_id');
    return {
      kakaoId: /"id"\s*:\s*(\d+)/.exec(raw)?.[1] ?? String(body.id),
      appId: String(body.app_id),
      expiresInSec: body.expires_in ?? 0,
    };
  }

  async profile(accessToken: string): Promise<KakaoProfile> {
    const res = await this.get('/v2/user/me', accessToken);
    try {
      return kakaoProfileFrom(res.text);
    } catch {
      throw new ProviderUnavailableError('kakao', 'kakao sent a malformed profile');
    }
  }

  private async get(path: string, accessToken: string) {
    const kakao = this.config.kakao;
    if (!kakao)
      throw new ProviderUnavailableError(
        'kakao',
        'Kakao login is not configured (KAKAO_CLIENT_ID)',
      );
    const res = await providerFetch(
      'kakao',
      `${kakao.apiUrl}${path}`,
      { headers: { Authorization: `Bearer ${accessToken}` } },
      this.config.providerTimeoutMs,
    );
    if (res.status !== 200) failForStatus('kakao', res, 'Kakao access token');
    return res;
  }
}
