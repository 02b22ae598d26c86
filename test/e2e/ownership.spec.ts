import { join } from 'node:path';
import sharp from 'sharp';
import { TokenCipher } from '@app/domain';
import { SocialAccountRepository } from '@app/domain/repositories';
import { routesOf, startApi, TestApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';

/**
 * Ownership, for every route of the router that names a resource: another user's store,
 * project, photo, creation or connected account answers 404, as if it did not exist.
 */
describe('another user’s resources on every route: 404', () => {
  const dir = tempDir('ownership');
  let api: TestApi;
  let owner: string;
  let intruder: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi({
      DB_SQLITE_PATH: join(dir, 'o.sqlite'),
      BLOB_LOCAL_ROOT: join(dir, 'blobs'),
    });
    const a = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '주인' } }))
      .body;
    owner = a.accessToken;
    intruder = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '남' } })).body
      .accessToken;
    ids.store = (
      await api.request('POST', '/v1/stores', { token: owner, body: { name: '주인 가게' } })
    ).body.id;
    ids.project = (
      await api.request('POST', '/v1/projects', { token: owner, body: { storeId: ids.store } })
    ).body.id;
    const form = new FormData();
    form.append(
      'photo',
      new Blob(
        [
          await sharp({ create: { width: 640, height: 640, channels: 3, background: '#fff' } })
            .png()
            .toBuffer(),
        ],
        { type: 'image/png' },
      ),
      'p.png',
    );
    const body = new Response(form);
    const photo = await api.app.inject({
      method: 'POST',
      url: `/v1/stores/${ids.store}/photos`,
      headers: {
        authorization: `Bearer ${owner}`,
        'content-type': body.headers.get('content-type')!,
      },
      payload: Buffer.from(await body.arrayBuffer()),
    });
    ids.photo = photo.json().id;
    const cipher = api.get(TokenCipher);
    ids.account = (
      await api.get(SocialAccountRepository).upsert({
        userId: a.user.id,
        platform: 'youtube',
        externalId: 'UC1',
        displayName: 'c',
        accessTokenEnc: cipher.seal('t'),
        refreshTokenEnc: null,
        tokenExpiresAt: null,
      })
    ).id;
  });
  afterAll(async () => {
    await api.close();
    removeDir(dir);
  });

  /** A body each route accepts, so the ownership check is what answers (not input validation). */
  const VALID: Record<string, unknown> = {
    'PATCH /v1/stores/:id': { name: '바뀐 이름' },
    'POST /v1/stores/:id/photos/import': { url: 'https://example.com/p.jpg' },
    'POST /v1/projects/:id/lyrics': { hints: '더 신나게' },
    'PUT /v1/projects/:id/lyrics': { title: 't', sections: [{ name: 'verse', lines: ['가사'] }] },
    'POST /v1/projects/:id/lyrics/approve': {},
    'POST /v1/projects/:id/song': {},
    'POST /v1/projects/:id/song/select': { clipId: '7b0e5d1c-3f7a-4a53-9d43-2b1f0c9e8a61' },
    'POST /v1/projects/:id/video': { engine: 'ffmpeg' },
    'PUT /v1/social/accounts/:id/publishing-partner': { partner: 'Agency' },
    'POST /v1/projects/:id/uploads': {
      accounts: ['7b0e5d1c-3f7a-4a53-9d43-2b1f0c9e8a61'],
      title: 't',
      privacy: 'private',
    },
  };
  const resource = (path: string, param: string): string | undefined => {
    if (param === 'photoId') return ids.photo;
    if (param === 'projectId' || path.startsWith('/v1/projects/')) return ids.project;
    if (path.startsWith('/v1/stores/')) return ids.store;
    if (path.startsWith('/v1/social/accounts/')) return ids.account;
    return undefined;
  };

  it('answers 404 to another user on every owned-resource route, and serves the owner', async () => {
    const routes = routesOf(api.app).filter(
      (r) => !r.isPublic && !r.roles.length && /:(id|projectId|photoId)\b/.test(r.path),
    );
    expect(routes.length).toBeGreaterThan(20);
    const wrong: string[] = [];
    for (const r of routes) {
      const url = r.path.replace(/:([A-Za-z]+)/g, (_m, p: string) => resource(r.path, p) ?? 'x');
      const key = `${r.method} ${r.path}`;
      const hasBody = ['POST', 'PUT', 'PATCH'].includes(r.method);
      if (hasBody && !(key in VALID) && !r.path.endsWith('/photos') && !/retry|cancel/.test(r.path))
        wrong.push(`${key}: add a valid body to VALID`);
      const res =
        r.path.endsWith('/photos') && r.method === 'POST'
          ? await api.app.inject({
              method: 'POST',
              url,
              headers: {
                authorization: `Bearer ${intruder}`,
                'content-type': 'multipart/form-data; boundary=x',
              },
              payload:
                '--x\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nabc\r\n--x--\r\n',
            })
          : await api.app.inject({
              method: r.method as 'GET',
              url,
              headers: { authorization: `Bearer ${intruder}` },
              ...(hasBody ? { payload: (VALID[key] ?? {}) as object } : {}),
            });
      if (res.statusCode !== 404)
        wrong.push(`${key} -> ${res.statusCode} ${res.body.slice(0, 100)}`);
    }
    expect(wrong).toEqual([]);
    // the control: the owner reaches them
    expect((await api.request('GET', `/v1/stores/${ids.store}`, { token: owner })).status).toBe(
      200,
    );
    expect((await api.request('GET', `/v1/projects/${ids.project}`, { token: owner })).status).toBe(
      200,
    );
    expect(
      (await api.request('GET', `/v1/stores/${ids.store}/photos`, { token: owner })).body.items,
    ).toHaveLength(1);
    expect(
      (await api.request('DELETE', `/v1/social/accounts/${ids.account}`, { token: owner })).status,
    ).toBe(204);
  });
});
