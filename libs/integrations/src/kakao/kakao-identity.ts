/** A Kakao user as we keep it. */
export interface KakaoProfile {
  /** Kakao's 64-bit id as text, exactly as sent */
  kakaoId: string;
  nickname: string;
  email?: string | null;
  profileImageUrl?: string | null;
}

export interface KakaoTokenInfo {
  kakaoId: string;
  appId: string;
  expiresInSec: number;
}

/**
 * Kakao as an identity provider, for the mobile login (the app already holds a Kakao access
 * token). The web login's code exchange goes through passport-kakao in the API.
 */
export abstract class KakaoIdentity {
  /** the provider's name where failures are recorded (provider health, logs) */
  static readonly provider = 'kakao';
  /** how people know it, in what we tell them */
  static readonly label = 'Kakao';
  abstract tokenInfo(accessToken: string): Promise<KakaoTokenInfo>;
  abstract profile(accessToken: string): Promise<KakaoProfile>;
}
