import { randomBytes } from 'node:crypto';
import { FakeHttpServer } from './fake-http';

export interface FakeKakaoUser {
  /** Kakao ids are 64-bit: kept as text */
  id: string;
  nickname: string;
  email?: string;
  profileImageUrl?: string;
}

interface FakeApp {
  clientId: string;
  clientSecret: string;
  appId: string;
}

/**
 * Kakao Login as its real HTTP API answers (kauth + kapi on one port): authorize redirects,
 * code-for-token exchange with single-use codes, user/me and access_token_info, with Kakao's
 * error bodies. A browser "signs in" as whichever user `loginAs` names.
 */
export class FakeKakao extends FakeHttpServer {
  private readonly apps = new Map<string, FakeApp>();
  private readonly users = new Map<string, FakeKakaoUser>();
  private readonly codes = new Map<
    string,
    { userId: string; clientId: string; redirectUri: string; used: boolean }
  >();
  private readonly tokens = new Map<string, { userId: string; appId: string; expiresAt: number }>();
  /** who the next authorize "signs in" as; undefined: the user cancels (access_denied) */
  loginAs?: string;

  constructor() {
    super();
    this.route('GET', '/oauth/authorize', (req) => {
      const app = this.apps.get(req.query.get('client_id') ?? '');
      const redirectUri = req.query.get('redirect_uri') ?? '';
      if (!app)
        return {
          status: 400,
          body: {
            error: 'invalid_client',
            error_description: 'not exist client_id',
            error_code: 'KOE101',
          },
        };
      if (req.query.get('response_type') !== 'code')
        return { status: 400, body: { error: 'unsupported_response_type', error_code: 'KOE010' } };
      const target = new URL(redirectUri);
      const state = req.query.get('state');
      if (state !== null) target.searchParams.set('state', state);
      if (!this.loginAs) {
        target.searchParams.set('error', 'access_denied');
        target.searchParams.set('error_description', 'User denied access');
      } else {
        const code = randomBytes(24).toString('base64url');
        this.codes.set(code, {
          userId: this.loginAs,
          clientId: app.clientId,
          redirectUri,
          used: false,
        });
        target.searchParams.set('code', code);
      }
      return { status: 302, headers: { location: target.toString() } };
    });

    this.route('POST', '/oauth/token', (req) => {
      const f = req.form;
      const app = this.apps.get(f.get('client_id') ?? '');
      if (!app || (app.clientSecret && f.get('client_secret') !== app.clientSecret)) {
        return {
          status: 401,
          body: {
            error: 'invalid_client',
            error_description: 'Bad client credentials',
            error_code: 'KOE010',
          },
        };
      }
      if (f.get('grant_type') !== 'authorization_code')
        return { status: 400, body: { error: 'unsupported_grant_type', error_code: 'KOE006' } };
      const code = this.codes.get(f.get('code') ?? '');
      if (
        !code ||
        code.used ||
        code.clientId !== app.clientId ||
        code.redirectUri !== f.get('redirect_uri')
      ) {
        return {
          status: 400,
          body: {
            error: 'invalid_grant',
            error_description: `authorization code not found for code=${f.get('code')}`,
            error_code: 'KOE320',
          },
        };
      }
      code.used = true;
      const accessToken = this.mintToken(code.userId, app.appId);
      return {
        status: 200,
        body: {
          token_type: 'bearer',
          access_token: accessToken,
          expires_in: 21599,
          refresh_token: randomBytes(24).toString('base64url'),
          refresh_token_expires_in: 5183999,
          scope: 'profile_nickname profile_image',
        },
      };
    });

    this.route('GET', '/v2/user/me', (req) => {
      const t = this.validToken(req.bearer);
      if (!t) return { status: 401, body: { msg: 'this access token does not exist', code: -401 } };
      const u = this.users.get(t.userId)!;
      // the id is written as a bare 64-bit number, as Kakao does
      const body = JSON.stringify({
        id: '__ID__',
        connected_at: '2026-01-01T00:00:00Z',
        properties: {
          nickname: u.nickname,
          profile_image: u.profileImageUrl,
          thumbnail_image: u.profileImageUrl,
        },
        kakao_account: {
          profile: {
            nickname: u.nickname,
            profile_image_url: u.profileImageUrl,
            thumbnail_image_url: u.profileImageUrl,
            is_default_image: !u.profileImageUrl,
          },
          ...(u.email ? { email: u.email, is_email_valid: true, is_email_verified: true } : {}),
        },
      }).replace('"__ID__"', u.id);
      return { status: 200, body, headers: { 'content-type': 'application/json;charset=UTF-8' } };
    });

    this.route('GET', '/v1/user/access_token_info', (req) => {
      const t = this.validToken(req.bearer);
      if (!t) return { status: 401, body: { msg: 'this access token does not exist', code: -401 } };
      const body = `{"id":${t.userId},"expires_in":${Math.floor((t.expiresAt - Date.now()) / 1000)},"app_id":${t.appId}}`;
      return { status: 200, body, headers: { 'content-type': 'application/json;charset=UTF-8' } };
    });
  }

  addApp(app: FakeApp): void {
    this.apps.set(app.clientId, app);
  }

  addUser(user: FakeKakaoUser): void {
    this.users.set(user.id, user);
  }

  /** A token as the Kakao SDK would hold it, for the given app (ours or another). */
  mintToken(userId: string, appId: string, ttlSec = 21599): string {
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, { userId, appId, expiresAt: Date.now() + ttlSec * 1000 });
    return token;
  }

  private validToken(token?: string) {
    const t = token ? this.tokens.get(token) : undefined;
    return t && t.expiresAt > Date.now() ? t : undefined;
  }
}
