import {
  KakaoIdentity,
  KakaoProfile,
  KakaoTokenInfo,
  ProviderUnavailableError,
} from '@app/integrations';
import { UnauthorizedError } from '../errors/domain-errors';
import { KakaoLogin } from './kakao-login';
import { loginConfig, SessionsDouble, UsersDouble } from './login.test';

const APP_ID = '1234';

/** Kakao as the mobile SDK's token shows it: which user, minted for which app. */
class KakaoDouble extends KakaoIdentity {
  info: KakaoTokenInfo = { kakaoId: '42', appId: APP_ID, expiresInSec: 3600 };
  who: KakaoProfile = { kakaoId: '42', nickname: '카카오' };
  async tokenInfo(): Promise<KakaoTokenInfo> {
    return this.info;
  }
  async profile(): Promise<KakaoProfile> {
    return this.who;
  }
}

/** `appId` null: Kakao login not configured */
function setup(appId: string | null = APP_ID) {
  const kakao = new KakaoDouble();
  const users = new UsersDouble();
  const sessions = new SessionsDouble();
  const login = new KakaoLogin(
    loginConfig({}, appId ?? undefined),
    kakao,
    users.as(),
    sessions.as(),
  );
  return { kakao, users, sessions, login };
}

describe('KakaoLogin', () => {
  it('makes the user on the first login and finds the same one after, web or mobile', async () => {
    const { users, login } = setup();
    const web = await login.fromProfile({ kakaoId: '42', nickname: '카카오' });
    const mobile = await login.fromMobileToken('sdk-token');
    expect(mobile.user.id).toBe(web.user.id);
    expect(users.rows).toEqual([expect.objectContaining({ kakaoId: '42' })]);
    expect(mobile.accessToken).toBe(`access-${web.user.id}`);
  });

  it('refuses a valid token of another Kakao app: nobody is signed in', async () => {
    const { kakao, users, sessions, login } = setup();
    kakao.info = { ...kakao.info, appId: '9999' };
    await expect(login.fromMobileToken('sdk-token')).rejects.toThrow(
      new UnauthorizedError('this Kakao token was issued to another app'),
    );
    expect(users.rows).toEqual([]);
    expect(sessions.started).toEqual([]);
  });

  it('refuses a token whose profile is of another Kakao user', async () => {
    const { kakao, login } = setup();
    kakao.who = { kakaoId: '43', nickname: '다른' };
    await expect(login.fromMobileToken('sdk-token')).rejects.toThrow(UnauthorizedError);
  });

  it('says Kakao login is not configured when it is not', async () => {
    const { login } = setup(null);
    await expect(login.fromMobileToken('sdk-token')).rejects.toThrow(ProviderUnavailableError);
  });
});
