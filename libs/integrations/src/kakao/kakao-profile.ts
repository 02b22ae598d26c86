import { KakaoProfile } from './kakao-identity';

interface KakaoUserMe {
  id: number;
  properties?: { nickname?: string; profile_image?: string };
  kakao_account?: {
    profile?: { nickname?: string; profile_image_url?: string; is_default_image?: boolean };
    email?: string;
    is_email_verified?: boolean;
  };
}

/**
 * Kakao's user/me body as our profile. The id is a 64-bit number: it is read from the raw
 * text so JSON.parse cannot round it.
 */
export function kakaoProfileFrom(raw: string): KakaoProfile {
  const json = JSON.parse(raw) as KakaoUserMe;
  const exactId = /"id"\s*:\s*(\d+)/.exec(raw)?.[1] ?? String(json.id);
  const account = json.kakao_account ?? {};
  const nickname = account.profile?.nickname ?? json.properties?.nickname ?? 'Kakao user';
  const image = account.profile?.is_default_image
    ? undefined
    : (account.profile?.profile_image_url ?? json.properties?.profile_image);
  return {
    kakaoId: exactId,
    nickname: nickname.slice(0, 100),
    email: account.email && account.is_email_verified !== false ? account.email : null,
    profileImageUrl: image ?? null,
  };
}
