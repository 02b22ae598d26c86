import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { AccountService, ApiKeyService } from '@app/domain';
import { FakeKakao } from '../fakes/kakao.fake';
import { concrete, routesOf, startApi, TestApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';

const SECRET = 'an-hs256-secret-of-at-least-32-bytes!!';
const OUR_APP = '777001';
const FRONT = 'https://app.castad.test/login/done';

describe('accounts and access on the embedded stack, Kakao through the fake', () => {
  const dir = tempDir('auth');
  const kakao = new FakeKakao();
  let api: TestApi;

  beforeAll(async () => {
    await kakao.start();
    kakao.addApp({ clientId: 'castad-rest-key', clientSecret: 'kakao-secret', appId: OUR_APP });
    kakao.addApp({ clientId: 'other-rest-key', clientSecret: 'x', appId: '999999' });
    kakao.addUser({ id: '9007199254740993', nickname: '해운대사장', email: 'owner@example.com' }); // > 2^53: must not round
    kakao.addUser({ id: '4100000002', nickname: '서면사장' });
    api = await startApi({
      DB_SQLITE_PATH: join(dir, 'auth.sqlite'),
      JWT_SECRET: SECRET,
      KAKAO_CLIENT_ID: 'castad-rest-key',
      KAKAO_CLIENT_SECRET: 'kakao-secret',
      KAKAO_APP_ID: OUR_APP,
      KAKAO_REDIRECT_URI: 'http://localhost/v1/auth/kakao/callback',
      KAKAO_AUTH_URL: kakao.url,
      KAKAO_API_URL: kakao.url,
      AUTH_FRONTEND_REDIRECTS: FRONT,
    });
  });

  afterAll(async () => {
    await api.close();
    await kakao.stop();
    removeDir(dir);
  });

  /** The browser's login cookie, set when it starts a web login (the state is bound to it). */
  let browserCookie = '';
  const asBrowser = (url: string) =>
    api.request('GET', url, { headers: { cookie: browserCookie } });

  /** The browser's trip: our redirect -> Kakao (the fake signs in as loginAs) -> our callback URL. */
  async function kakaoCallbackUrl(redirect?: string): Promise<string> {
    const start = await api.request(
      'GET',
      `/v1/auth/kakao${redirect ? `?redirect=${encodeURIComponent(redirect)}` : ''}`,
    );
    expect(start.status).toBe(302);
    const setCookie = String(start.headers['set-cookie']);
    expect(setCookie).toMatch(/^castad_login=[^;]+;.*HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    browserCookie = setCookie.split(';')[0];
    const authorize = new URL(String(start.headers.location));
    expect(authorize.origin).toBe(kakao.url);
    expect(authorize.pathname).toBe('/oauth/authorize');
    expect(authorize.searchParams.get('client_id')).toBe('castad-rest-key');
    const atKakao = await fetch(authorize, { redirect: 'manual' });
    expect(atKakao.status).toBe(302);
    const back = new URL(atKakao.headers.get('location')!);
    return `${back.pathname}${back.search}`;
  }

  describe('web login', () => {
    it('round-trips through Kakao with the state checked, and answers our tokens', async () => {
      kakao.loginAs = '9007199254740993';
      const res = await asBrowser(await kakaoCallbackUrl());
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 900,
        user: {
          nickname: '해운대사장',
          email: 'owner@example.com',
          kakaoLinked: true,
          role: 'user',
        },
      });
      const me = await api.request('GET', '/v1/me', { token: res.body.accessToken });
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(res.body.user.id);
    });

    it('refuses a missing, forged or expired state', async () => {
      kakao.loginAs = '4100000002';
      const url = new URL(await kakaoCallbackUrl(), 'http://x');
      const code = url.searchParams.get('code')!;
      expect((await api.request('GET', `/v1/auth/kakao/callback?code=${code}`)).status).toBe(401);
      const forged = jwt.sign({ n: 'nonce-1' }, 'not-our-secret-but-long-enough-to-sign!!', {
        issuer: 'castad',
        audience: 'castad-login-state',
        expiresIn: 60,
      });
      expect(
        (await api.request('GET', `/v1/auth/kakao/callback?code=${code}&state=${forged}`)).status,
      ).toBe(401);
      const expired = jwt.sign({ n: 'nonce-2', exp: Math.floor(Date.now() / 1000) - 10 }, SECRET, {
        issuer: 'castad',
        audience: 'castad-login-state',
      });
      const res = await api.request('GET', `/v1/auth/kakao/callback?code=${code}&state=${expired}`);
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/expired/);
      // an access token is not a login state either
      const login = await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'x' } });
      expect(
        (
          await api.request(
            'GET',
            `/v1/auth/kakao/callback?code=${code}&state=${login.body.accessToken}`,
          )
        ).status,
      ).toBe(401);
    });

    it('refuses a callback in a browser that did not start the login (login CSRF)', async () => {
      kakao.loginAs = '4100000002';
      // the attacker starts a login and sends the victim the callback URL with the attacker's code
      const callback = await kakaoCallbackUrl();
      const attackerCookie = browserCookie;
      const victim = await api.request('GET', callback);
      expect(victim.status).toBe(401);
      expect(victim.body.message).toMatch(/started in another browser/);
      const otherBrowser = await api.request('GET', callback, {
        headers: { cookie: 'castad_login=someone-elses' },
      });
      expect(otherBrowser.status).toBe(401);
      // the control: the browser that started it completes it
      expect(
        (await api.request('GET', await kakaoCallbackUrl(), { headers: { cookie: browserCookie } }))
          .status,
      ).toBe(200);
      expect(attackerCookie).not.toBe(browserCookie);
    });

    it('refuses a replayed state (the same callback twice)', async () => {
      kakao.loginAs = '4100000002';
      const callback = await kakaoCallbackUrl();
      expect((await asBrowser(callback)).status).toBe(200);
      const again = await asBrowser(callback);
      expect(again.status).toBe(401);
      expect(again.body.message).toMatch(/already used/);
    });

    it("answers Kakao's refusals in our words, never Kakao's text or KOE codes", async () => {
      kakao.loginAs = '4100000003';
      // an authorization code Kakao does not know (expired, or used already): KOE320
      const callback = (await kakaoCallbackUrl()).replace(/code=[^&]+/, 'code=bogus');
      const res = await asBrowser(callback);
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/start the Kakao login again/);
      expect(JSON.stringify(res.body)).not.toMatch(
        /KOE|authorization code not found|invalid_grant/,
      );
    });

    it('refuses when the owner cancels at Kakao', async () => {
      kakao.loginAs = undefined;
      const res = await asBrowser(await kakaoCallbackUrl());
      expect(res.status).toBe(401);
      expect(res.body.message).toBe('the Kakao login was cancelled');
    });

    it('returns to an allow-listed front-end with the tokens in the fragment, and never elsewhere', async () => {
      kakao.loginAs = '4100000002';
      const res = await asBrowser(await kakaoCallbackUrl(`${FRONT}?from=home`));
      expect(res.status).toBe(302);
      const to = new URL(String(res.headers.location));
      expect(`${to.origin}${to.pathname}`).toBe(FRONT);
      const fragment = new URLSearchParams(to.hash.slice(1));
      expect(
        (await api.request('GET', '/v1/me', { token: fragment.get('accessToken')! })).status,
      ).toBe(200);
      for (const evil of [
        'https://evil.test/login/done',
        'https://app.castad.test.evil.test/login/done',
        'https://app.castad.test/elsewhere',
        'javascript:alert(1)',
        '//evil.test',
      ]) {
        const r = await api.request('GET', `/v1/auth/kakao?redirect=${encodeURIComponent(evil)}`);
        expect([evil, r.status]).toEqual([evil, 400]);
      }
    });

    it('keeps one user per Kakao id across repeated web and mobile logins', async () => {
      kakao.loginAs = '9007199254740993';
      const a = await asBrowser(await kakaoCallbackUrl());
      const b = await asBrowser(await kakaoCallbackUrl());
      const c = await api.request('POST', '/v1/auth/kakao/token', {
        body: { accessToken: kakao.mintToken('9007199254740993', OUR_APP) },
      });
      expect(new Set([a.body.user.id, b.body.user.id, c.body.user.id]).size).toBe(1);
      const found = await api.get(AccountService).setRole('9007199254740993', 'user'); // found by the exact 64-bit id
      expect(found.id).toBe(a.body.user.id);
    });
  });

  describe('mobile login', () => {
    it('exchanges a Kakao SDK token of our app', async () => {
      const res = await api.request('POST', '/v1/auth/kakao/token', {
        body: { accessToken: kakao.mintToken('4100000002', OUR_APP) },
      });
      expect(res.status).toBe(200);
      expect(res.body.user.nickname).toBe('서면사장');
    });

    it('refuses an invalid token and a valid token minted for another app', async () => {
      expect(
        (
          await api.request('POST', '/v1/auth/kakao/token', {
            body: { accessToken: 'not-a-kakao-token' },
          })
        ).status,
      ).toBe(401);
      const other = await api.request('POST', '/v1/auth/kakao/token', {
        body: { accessToken: kakao.mintToken('4100000002', '999999') },
      });
      expect(other.status).toBe(401);
      expect(other.body.message).toMatch(/another app/);
    });

    it('says Kakao is unavailable (503), not 500, when Kakao fails', async () => {
      kakao.failNext(1, { status: 503, body: { msg: 'system error', code: -1 } });
      const res = await api.request('POST', '/v1/auth/kakao/token', {
        body: { accessToken: kakao.mintToken('4100000002', OUR_APP) },
      });
      expect(res.status).toBe(503);
    });

    it('names the bad field', async () => {
      const res = await api.request('POST', '/v1/auth/kakao/token', {
        body: { accessToken: '', extra: 1 },
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/accessToken/);
      expect(res.body.message).toMatch(/extra/);
    });
  });

  describe('our tokens', () => {
    let session: { accessToken: string; refreshToken: string; user: { id: string } };
    beforeAll(async () => {
      session = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '토큰' } }))
        .body;
    });

    it('dev-login refuses a nickname that is not printable text (NUL, direction override, blank)', async () => {
      for (const nickname of ['김\u0000사장', '\u202Eevil', 'a\u200Bb', '   ']) {
        const res = await api.request('POST', '/v1/auth/dev-login', { body: { nickname } });
        expect([nickname, res.status]).toEqual([nickname, 400]);
        expect(res.body.message).toMatch(/nickname must/);
      }
      expect(
        (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '김 사장 😀' } }))
          .status,
      ).toBe(200);
    });

    it('dev-login with a nickname used before signs in to that same account, with its stores', async () => {
      const store = await api.request('POST', '/v1/stores', {
        token: session.accessToken,
        body: { name: '다시 온 가게', roadAddress: '서울 중구 1' },
      });
      expect(store.status).toBe(201);
      const again = (
        await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '토큰' } })
      ).body;
      expect(again.user.id).toBe(session.user.id);
      const mine = await api.request('GET', '/v1/stores', { token: again.accessToken });
      expect(mine.body.items.map((x: { id: string }) => x.id)).toContain(store.body.id);
      // another nickname is another account
      const other = (
        await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '토큰2' } })
      ).body;
      expect(other.user.id).not.toBe(session.user.id);
    });

    const sign = (payload: object, key: string | Buffer, opts: jwt.SignOptions) =>
      jwt.sign(payload, key, {
        issuer: 'castad',
        audience: 'castad-api',
        subject: session.user.id,
        ...opts,
      });

    it.each([
      [
        'expired',
        () =>
          sign(
            { role: 'user', typ: 'access', fam: 'f', exp: Math.floor(Date.now() / 1000) - 5 },
            SECRET,
            { algorithm: 'HS256' },
          ),
      ],
      [
        'tampered',
        () => {
          const [h, p, s] = session.accessToken.split('.');
          const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
          return [
            h,
            Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url'),
            s,
          ].join('.');
        },
      ],
      [
        'unsigned (alg none)',
        () => {
          const [, p] = session.accessToken.split('.');
          return `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
        },
      ],
      [
        'signed with another secret',
        () =>
          sign(
            { role: 'user', typ: 'access', fam: 'f' },
            'another-secret-that-is-long-enough-for-hs256',
            { algorithm: 'HS256', expiresIn: 60 },
          ),
      ],
      [
        'signed with another algorithm (RS256 against our HS256)',
        () =>
          sign(
            { role: 'user', typ: 'access', fam: 'f' },
            generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
              type: 'pkcs8',
              format: 'pem',
            }),
            { algorithm: 'RS256', expiresIn: 60 },
          ),
      ],
      [
        'for another audience',
        () =>
          jwt.sign({ role: 'user', typ: 'access', fam: 'f' }, SECRET, {
            issuer: 'castad',
            audience: 'castad-login-state',
            subject: session.user.id,
            expiresIn: 60,
          }),
      ],
    ])('refuses an access token that is %s (401)', async (_name, make) => {
      const res = await api.request('GET', '/v1/me', { token: make() });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('accepts its own token (the control for the refusals above)', async () => {
      expect((await api.request('GET', '/v1/me', { token: session.accessToken })).status).toBe(200);
    });

    it('rotates refresh tokens, and a reused one revokes the whole family', async () => {
      const first = await api.request('POST', '/v1/auth/refresh', {
        body: { refreshToken: session.refreshToken },
      });
      expect(first.status).toBe(200);
      expect(first.body.refreshToken).not.toBe(session.refreshToken);
      const second = await api.request('POST', '/v1/auth/refresh', {
        body: { refreshToken: first.body.refreshToken },
      });
      expect(second.status).toBe(200);
      // the first token again: someone else has it
      const reuse = await api.request('POST', '/v1/auth/refresh', {
        body: { refreshToken: session.refreshToken },
      });
      expect(reuse.status).toBe(401);
      expect(reuse.body.message).toMatch(/already used/);
      // and the newest token of that family stops working too
      expect(
        (
          await api.request('POST', '/v1/auth/refresh', {
            body: { refreshToken: second.body.refreshToken },
          })
        ).status,
      ).toBe(401);
    });

    it('logout revokes the family', async () => {
      const s = (
        await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '로그아웃' } })
      ).body;
      const rotated = (
        await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: s.refreshToken } })
      ).body;
      expect(
        (
          await api.request('POST', '/v1/auth/logout', {
            body: { refreshToken: rotated.refreshToken },
          })
        ).status,
      ).toBe(204);
      expect(
        (
          await api.request('POST', '/v1/auth/refresh', {
            body: { refreshToken: rotated.refreshToken },
          })
        ).status,
      ).toBe(401);
    });

    it("logout and refresh-token reuse end that login's access tokens at once, and only that login's", async () => {
      const login = () =>
        api
          .request('POST', '/v1/auth/dev-login', { body: { nickname: '세션끝' } })
          .then((r) => r.body);
      const [a, b, c] = [await login(), await login(), await login()];
      for (const s of [a, b, c])
        expect((await api.request('GET', '/v1/me', { token: s.accessToken })).status).toBe(200);
      const aRotated = (
        await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: a.refreshToken } })
      ).body;
      expect(
        (
          await api.request('POST', '/v1/auth/logout', {
            body: { refreshToken: aRotated.refreshToken },
          })
        ).status,
      ).toBe(204);
      // both access tokens of the ended login, though unexpired, are refused on the next request
      for (const token of [a.accessToken, aRotated.accessToken]) {
        const res = await api.request('GET', '/v1/me', { token });
        expect(res.status).toBe(401);
        expect(res.body.message).toMatch(/this login was ended/);
      }
      // a reused refresh token ends its family's access tokens too
      await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: b.refreshToken } });
      expect(
        (await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: b.refreshToken } }))
          .status,
      ).toBe(401);
      const reused = await api.request('GET', '/v1/me', { token: b.accessToken });
      expect(reused.status).toBe(401);
      // the owner did not log out: the message gives every way a login ends
      expect(reused.body.message).toMatch(
        /a logout, a block, or its refresh token used a second time/,
      );
      // the same user's other login goes on
      expect((await api.request('GET', '/v1/me', { token: c.accessToken })).status).toBe(200);
    });

    it('deletes an account: data anonymised, sessions ended', async () => {
      const s = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '탈퇴' } }))
        .body;
      const del = await api.request('DELETE', '/v1/me', { token: s.accessToken });
      expect(del.status).toBe(200);
      expect(del.body.deleted).toBe(true);
      // the access token has not expired, but the account is gone: refused at once
      const after = await api.request('GET', '/v1/me', { token: s.accessToken });
      expect(after.status).toBe(401);
      expect(after.body.message).toMatch(/deleted/);
      expect(
        (await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: s.refreshToken } }))
          .status,
      ).toBe(401);
    });
  });

  describe('roles and partner keys, for every route of the router', () => {
    let user: string;
    let admin: string;
    beforeAll(async () => {
      user = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '일반' } })).body
        .accessToken;
      const a = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '관리자' } }))
        .body;
      await api.get(AccountService).setRole(a.user.id, 'admin');
      admin = (
        await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: a.refreshToken } })
      ).body.accessToken;
    });

    it('blocks a user: their unexpired access token stops working at once, sessions end; unblocked, they sign in again', async () => {
      const s = (
        await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '차단대상' } })
      ).body;
      expect((await api.request('GET', '/v1/me', { token: s.accessToken })).status).toBe(200);
      expect(
        (await api.request('POST', `/v1/admin/users/${s.user.id}/block`, { token: user })).status,
      ).toBe(403);
      const blocked = await api.request('POST', `/v1/admin/users/${s.user.id}/block`, {
        token: admin,
      });
      expect(blocked.status).toBe(200);
      expect(blocked.body.blockedAt).toEqual(expect.any(String));
      const refused = await api.request('GET', '/v1/me', { token: s.accessToken });
      expect(refused.status).toBe(401);
      expect(refused.body.message).toMatch(/blocked/);
      expect(
        (await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: s.refreshToken } }))
          .status,
      ).toBe(401);
      expect(
        (await api.request('POST', `/v1/admin/users/${s.user.id}/unblock`, { token: admin })).body
          .blockedAt,
      ).toBeNull();
      // the block ended their logins (the old token stays refused); they sign in again
      expect((await api.request('GET', '/v1/me', { token: s.accessToken })).body.message).toMatch(
        /this login was ended/,
      );
      const again = (
        await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '차단대상' } })
      ).body;
      expect((await api.request('GET', '/v1/me', { token: again.accessToken })).status).toBe(200);
    });

    it('applies a role change on the next request, not when the token expires', async () => {
      const a = (
        await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '임시관리자' } })
      ).body;
      await api.get(AccountService).setRole(a.user.id, 'admin');
      expect((await api.request('GET', '/v1/admin/users', { token: a.accessToken })).status).toBe(
        200,
      );
      await api.get(AccountService).setRole(a.user.id, 'user');
      expect((await api.request('GET', '/v1/admin/users', { token: a.accessToken })).status).toBe(
        403,
      );
    });

    it('finds admin routes in the router', () => {
      expect(routesOf(api.app).filter((r) => r.roles.includes('admin')).length).toBeGreaterThan(0);
    });

    it('answers 401 without credentials on every route that is not public', async () => {
      for (const r of routesOf(api.app).filter((x) => !x.isPublic)) {
        const res = await api.request(r.method as any, concrete(r.path));
        expect([r.method, r.path, res.status]).toEqual([r.method, r.path, 401]);
      }
    });

    it('answers 403 to a user on every admin route, and lets an admin in', async () => {
      for (const r of routesOf(api.app).filter((x) => x.roles.includes('admin'))) {
        const res = await api.request(r.method as any, concrete(r.path), { token: user });
        expect([r.method, r.path, res.status]).toEqual([r.method, r.path, 403]);
        const ok = await api.request(r.method as any, concrete(r.path), { token: admin });
        expect([r.method, r.path, ok.status === 403 || ok.status === 401]).toEqual([
          r.method,
          r.path,
          false,
        ]);
      }
    });

    it('refuses unknown and revoked keys (401) and keys without the scope (403), on every scoped route', async () => {
      const keys = api.get(ApiKeyService);
      await keys.createPartner('Agency');
      const reader = await keys.issue('Agency', ['stores:read']);
      const unknown = 'cak_AAAAAAAAAAAA_' + 'B'.repeat(43);
      for (const r of routesOf(api.app).filter((x) => x.scopes.length > 0)) {
        const url = concrete(r.path);
        expect([
          r.path,
          (await api.request(r.method as any, url, { apiKey: unknown })).status,
        ]).toEqual([r.path, 401]);
        expect([
          r.path,
          (await api.request(r.method as any, url, { apiKey: 'garbage' })).status,
        ]).toEqual([r.path, 401]);
        const withScope = await api.request(r.method as any, url, { apiKey: reader.key, body: {} });
        const expected = r.scopes.every((s) => s === 'stores:read') ? 'allowed' : 'forbidden';
        expect([r.method, r.path, withScope.status === 403 ? 'forbidden' : 'allowed']).toEqual([
          r.method,
          r.path,
          expected,
        ]);
      }
      // a key is refused on user-only routes
      expect((await api.request('GET', '/v1/me', { apiKey: reader.key })).status).toBe(403);
      // revocation bites at once
      expect((await api.request('GET', '/v1/stores', { apiKey: reader.key })).status).toBe(200);
      await keys.revoke(reader.prefix);
      const revoked = await api.request('GET', '/v1/stores', { apiKey: reader.key });
      expect(revoked.status).toBe(401);
      expect(revoked.body.message).toMatch(/revoked/);
    });

    it('lets a partner key see only its partner stores and a user only theirs (404 otherwise)', async () => {
      const keys = api.get(ApiKeyService);
      await keys.createPartner('HQ');
      const hq = await keys.issue('HQ', ['stores:read', 'stores:write']);
      const created = await api.request('POST', '/v1/stores', {
        apiKey: hq.key,
        body: { name: '본사 직영점' },
      });
      expect(created.status).toBe(201);
      const mine = await api.request('POST', '/v1/stores', {
        token: user,
        body: { name: '내 가게', menu: [{ name: '국밥', price: '9,000원' }] },
      });
      expect(
        (await api.request('GET', `/v1/stores/${created.body.id}`, { token: user })).status,
      ).toBe(404);
      expect(
        (await api.request('GET', `/v1/stores/${mine.body.id}`, { apiKey: hq.key })).status,
      ).toBe(404);
      expect(
        (await api.request('GET', `/v1/stores/${mine.body.id}`, { token: user })).body.menu,
      ).toEqual([{ name: '국밥', price: '9,000원' }]);
      expect(
        (await api.request('GET', '/v1/stores', { apiKey: hq.key })).body.items.map(
          (s: { name: string }) => s.name,
        ),
      ).toEqual(['본사 직영점']);
    });
    it('refuses a partner key in the query string (400 naming the header), on public routes too', async () => {
      const keys = api.get(ApiKeyService);
      await keys.createPartner('Leaky');
      const { key } = await keys.issue('Leaky', ['stores:read']);
      for (const url of [
        `/v1/stores?api_key=${key}`,
        `/v1/stores?apiKey=${key}`,
        `/v1/stores?key=${key}`,
        `/v1/auth/kakao?key=${key}`,
      ]) {
        const res = await api.request('GET', url);
        expect([url, res.status]).toEqual([url, 400]);
        expect(res.body.message).toMatch(/X-API-Key header, never in the URL/);
        expect(JSON.stringify(res.body)).not.toContain(key);
      }
      // the same key in its header is fine
      expect((await api.request('GET', '/v1/stores', { apiKey: key })).status).toBe(200);
    });
  });

  describe('documentation', () => {
    it('documents both the bearer and the API-key scheme, and every route has a summary', async () => {
      const doc = (await api.request('GET', '/docs-json')).body;
      expect(doc.components.securitySchemes).toHaveProperty('bearer');
      expect(doc.components.securitySchemes).toHaveProperty('api-key');
      for (const [path, ops] of Object.entries<Record<string, { summary?: string }>>(doc.paths)) {
        for (const [method, op] of Object.entries(ops))
          expect([method, path, Boolean(op.summary)]).toEqual([method, path, true]);
      }
    });
  });
});
