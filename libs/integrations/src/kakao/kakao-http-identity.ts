import { ProviderUnavailableError } from '../provider-errors';
import { failForStatus, parseJson, providerFetch } from '../http/provider-http';
import { KakaoIdentity, KakaoProfile, KakaoTokenInfo } from './kakao-identity';
import { kakaoProfileFrom } from './kakao-profile';

/** Kakao's REST API (kapi): access_token_info and user/me, with the Bearer token. */
export interface KakaoApiConfig {
  apiUrl: string;
  timeoutMs: number;
}

export class KakaoHttpIdentity extends KakaoIdentity {
  constructor(private readonly cfg: KakaoApiConfig | undefined) {
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
    if (!this.cfg)
      throw new ProviderUnavailableError(
        'kakao',
        'Kakao login is not configured (KAKAO_CLIENT_ID)',
      );
    const res = await providerFetch(
      'kakao',
      `${this.cfg.apiUrl}${path}`,
      { headers: { Authorization: `Bearer ${accessToken}` } },
      this.cfg.timeoutMs,
    );
    if (res.status !== 200) failForStatus('kakao', res, 'Kakao access token');
    return res;
  }
}
