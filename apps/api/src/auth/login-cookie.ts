import { serialize } from 'cookie';

/** The cookie that binds a web login's state to the browser that started it. */
export const LOGIN_COOKIE = 'castad_login';

export function loginCookie(browserKey: string, ttlSec: number, secure: boolean): string {
  // Lax: it travels on Kakao's top-level redirect back to us, never on cross-site subrequests
  return serialize(LOGIN_COOKIE, browserKey, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/v1/auth/kakao',
    maxAge: ttlSec,
  });
}
