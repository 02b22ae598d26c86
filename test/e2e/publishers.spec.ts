import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CredentialRefusedError,
  InstagramPublisher,
  ProviderRejectedError,
  ProviderUnavailableError,
  PublishSource,
  SocialGrant,
  YouTubePublisher,
} from '@app/integrations';
import { FakeGoogle } from '../fakes/google.fake';
import { FakeInstagram } from '../fakes/instagram.fake';

// loading googleapis takes seconds on a busy machine (the first test pays for it)
jest.setTimeout(30_000);

const video = randomBytes(300_000);
const source = (url = 'http://unused'): PublishSource => ({
  bytes: video.length,
  contentType: 'video/mp4',
  open: async (offset) => Readable.from([video.subarray(offset)]),
  url: async () => url,
});
const meta = {
  title: '할매국밥 <광고>',
  description: '해운대 국밥집',
  tags: ['국밥', '해운대'],
  privacy: 'unlisted' as const,
  containsSyntheticMedia: true,
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Follows the fake consent page's redirect and returns the code it gives. */
async function consent(authorizeUrl: string): Promise<{ code: string; state: string }> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = new URL(res.headers.get('location')!);
  return { code: back.searchParams.get('code')!, state: back.searchParams.get('state')! };
}

describe('YouTubePublisher against a fake Google OAuth + YouTube Data API (googleapis client)', () => {
  const fake = new FakeGoogle();
  let yt: YouTubePublisher;
  const redirect = 'http://127.0.0.1:9/v1/social/youtube/callback';
  let grant: SocialGrant;

  beforeAll(async () => {
    await fake.start();
    yt = new YouTubePublisher({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      authUrl: `${fake.url}/o/oauth2/v2/auth`,
      tokenUrl: `${fake.url}/token`,
      apiUrl: `${fake.url}/`,
      timeoutMs: 3000,
      chunkBytes: 8 * 1_048_576,
    });
  });
  afterAll(() => fake.stop());

  it('connects with offline access: code exchanged, refresh token kept, channel looked up', async () => {
    const url = yt.authorizeUrl('st-1', redirect);
    expect(url).toContain('access_type=offline');
    expect(url).toContain('youtube.upload');
    const { code, state } = await consent(url);
    expect(state).toBe('st-1');
    grant = await yt.exchangeCode(code, redirect);
    expect(grant).toMatchObject({ externalId: fake.channel.id, displayName: fake.channel.title });
    expect(grant.refreshToken).toMatch(/^g-refresh-/);
    await expect(yt.exchangeCode(code, redirect)).rejects.toBeInstanceOf(CredentialRefusedError); // a code works once
  });

  it('uploads with the resumable protocol and resumes from the byte YouTube confirmed after a cut', async () => {
    fake.cutUploadAfter = 100_000;
    const sessions: string[] = [];
    const r = await yt.publish(grant, source(), meta, null, async (s) => void sessions.push(s));
    expect(r.status).toBe('published');
    if (r.status !== 'published') return;
    const stored = fake.videos.get(r.externalId)!;
    expect(sha(stored.bytes)).toBe(sha(video));
    expect(stored.meta.snippet.title).toBe('할매국밥 광고');
    expect(stored.meta.status).toEqual({
      privacyStatus: 'unlisted',
      selfDeclaredMadeForKids: false,
      containsSyntheticMedia: true,
    });
    expect(r.postUrl).toBe(`https://www.youtube.com/shorts/${r.externalId}`);
    expect(sessions).toHaveLength(1);
    // the status query (308 + Range) happened, then the rest was sent
    expect(fake.count('PUT', '/upload/youtube/v3/videos')).toBe(3);
  });

  it('resumes a session an earlier attempt left unfinished', async () => {
    let session = '';
    fake.cutUploadAfter = 50_000;
    // the first attempt is cut after 50 kB and cannot go on (its blob read fails, say)
    const dying: PublishSource = {
      ...source(),
      open: async (o) =>
        o === 0 ? Readable.from([video]) : Promise.reject(new Error('blob read failed')),
    };
    await expect(
      yt.publish(grant, dying, meta, null, async (s) => void (session = s)),
    ).rejects.toThrow(/blob read failed/);
    const before = fake.videos.size;
    const offsets: number[] = [];
    const r = await yt.publish(
      grant,
      { ...source(), open: async (o) => (offsets.push(o), Readable.from([video.subarray(o)])) },
      meta,
      session,
    );
    expect(offsets).toEqual([50_000]);
    expect(r.status).toBe('published');
    if (r.status === 'published')
      expect(sha(fake.videos.get(r.externalId)!.bytes)).toBe(sha(video));
    expect(fake.videos.size).toBe(before + 1);
  });

  const chunked = () =>
    new YouTubePublisher({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      authUrl: `${fake.url}/o/oauth2/v2/auth`,
      tokenUrl: `${fake.url}/token`,
      apiUrl: `${fake.url}/`,
      timeoutMs: 3000,
      chunkBytes: 262_144,
    });
  const big = randomBytes(700_000);
  const bigSource: PublishSource = {
    bytes: big.length,
    contentType: 'video/mp4',
    open: async (offset) => Readable.from([big.subarray(offset)]),
    url: async () => 'http://unused',
  };
  const uploads = (from: number) =>
    fake.requests.slice(from).filter((r) => r.method === 'PUT' && r.path.includes('/upload/'));

  it('sends chunks: each but the last answered 308 with Range: bytes=0-N, the next from N+1', async () => {
    const from = fake.requests.length;
    const r = await chunked().publish(grant, bigSource, meta, null);
    expect(r.status).toBe('published');
    if (r.status === 'published') expect(sha(fake.videos.get(r.externalId)!.bytes)).toBe(sha(big));
    expect(uploads(from).map((u) => u.status)).toEqual([308, 308, 201]);
  });

  it('a 401 mid-upload: the token is refreshed, the session asked where it stands, the rest sent', async () => {
    const from = fake.requests.length;
    fake.serve('401-mid-upload');
    const r = await chunked().publish(grant, bigSource, meta, null);
    expect(r.status).toBe('published');
    if (r.status === 'published') expect(sha(fake.videos.get(r.externalId)!.bytes)).toBe(sha(big));
    const log = fake.requests.slice(from);
    // chunk 1 taken (308), chunk 2 refused (401), a refresh, the status query (308), chunks 2 and 3
    expect(uploads(from).map((u) => u.status)).toEqual([308, 401, 308, 308, 201]);
    expect(log.filter((q) => q.path === '/token' && q.status === 200)).toHaveLength(1);
    expect(log.find((q) => q.row === '401-mid-upload')).toBeDefined();
  });

  it('hands the tokens renewed after a 401 mid-upload to the caller, and they serve the next upload without another refresh', async () => {
    // a working token to start from (the 401 rows before ended the earlier ones)
    const start = await yt.fresh({ ...grant, expiresAt: new Date(Date.now() - 1000) });
    const from = fake.requests.length;
    fake.serve('401-mid-upload');
    const renewed: SocialGrant[] = [];
    const r = await chunked().publish(start, bigSource, meta, null, undefined, async (g) => {
      renewed.push(g);
    });
    expect(r.status).toBe('published');
    expect(renewed).toHaveLength(1);
    expect(renewed[0].accessToken).not.toBe(start.accessToken);
    expect(renewed[0].refreshToken).toBe(start.refreshToken);
    expect(renewed[0].expiresAt!.getTime()).toBeGreaterThan(Date.now());
    // the 401 ended the old token at the fake; the renewed one serves, with no refresh
    const next = fake.requests.length;
    const again = await chunked().publish(renewed[0], bigSource, meta, null);
    expect(again.status).toBe('published');
    expect(fake.requests.slice(next).filter((q) => q.path === '/token')).toHaveLength(0);
    expect(fake.requests.slice(from).filter((q) => q.path === '/token')).toHaveLength(1);
  });

  it.each(['quotaExceeded', 'uploadLimitExceeded'])(
    '403 %s: refused with a clear reason, nothing uploaded',
    async (row) => {
      const from = fake.requests.length;
      fake.serve(row);
      await expect(chunked().publish(grant, bigSource, meta, null)).rejects.toThrow(
        new RegExp(`upload limit is used up \\(${row}\\)`),
      );
      expect(uploads(from)).toHaveLength(0);
    },
  );

  it('refreshes an expired access token and reports a revoked grant and the upload quota clearly', async () => {
    const stale = { ...grant, expiresAt: new Date(Date.now() - 1000) };
    fake.expireAccessTokens();
    const renewed = await yt.fresh(stale);
    expect(renewed.accessToken).not.toBe(grant.accessToken);
    expect(renewed.expiresAt!.getTime()).toBeGreaterThan(Date.now());
    fake.quotaExceeded = true;
    await expect(yt.publish(renewed, source(), meta, null)).rejects.toThrow(
      /upload limit is used up \(quotaExceeded\)/,
    );
    fake.quotaExceeded = false;
    fake.failNext(1, { status: 503, body: { error: { code: 503, message: 'backend error' } } });
    await expect(yt.publish(renewed, source(), meta, null)).rejects.toThrow(/answered 503/);
    fake.revokeRefreshTokens();
    await expect(yt.fresh(stale)).rejects.toBeInstanceOf(CredentialRefusedError);
  });
});

describe('publisher error paths: bad key, 5xx, timeout, malformed payload', () => {
  const google = new FakeGoogle();
  const ig = new FakeInstagram();
  beforeAll(async () => {
    await google.start();
    await ig.start();
  });
  afterAll(async () => {
    await google.stop();
    await ig.stop();
  });
  const yt = (secret = google.clientSecret) =>
    new YouTubePublisher({
      clientId: google.clientId,
      clientSecret: secret,
      authUrl: `${google.url}/o/oauth2/v2/auth`,
      tokenUrl: `${google.url}/token`,
      apiUrl: `${google.url}/`,
      timeoutMs: 500,
      chunkBytes: 8 * 1_048_576,
    });
  const insta = (secret = ig.appSecret) =>
    new InstagramPublisher({
      appId: ig.appId,
      appSecret: secret,
      authUrl: `${ig.url}/oauth/authorize`,
      tokenUrl: `${ig.url}/oauth/access_token`,
      graphUrl: `${ig.url}/v21.0`,
      timeoutMs: 500,
    });
  const stale: SocialGrant = {
    externalId: 'x',
    displayName: null,
    accessToken: 'nope',
    refreshToken: 'nope',
    expiresAt: new Date(0),
  };

  it('YouTube: a wrong client secret, 5xx, a timeout and a malformed answer', async () => {
    await expect(yt('wrong').fresh(stale)).rejects.toThrow(/GOOGLE_CLIENT_SECRET/);
    google.failNext(1, { status: 502, body: '<html>bad gateway</html>' });
    await expect(yt().fresh(stale)).rejects.toBeInstanceOf(Error);
    const { code } = await consent(yt().authorizeUrl('s', 'http://127.0.0.1:9/cb'));
    google.knobs.latencyMs = 1000;
    await expect(yt().exchangeCode(code, 'http://127.0.0.1:9/cb')).rejects.toMatchObject({
      failure: 'unavailable',
    });
    google.knobs.latencyMs = 0;
    const { code: code2 } = await consent(yt().authorizeUrl('s', 'http://127.0.0.1:9/cb'));
    const grant = await yt().exchangeCode(code2, 'http://127.0.0.1:9/cb');
    google.failNext(1, { status: 200, body: 'not json at all' });
    await expect(yt().publish(grant, source(), meta, null)).rejects.toMatchObject({
      provider: 'youtube',
    });
    google.failNext(1, {
      status: 401,
      body: {
        error: { code: 401, message: 'Invalid Credentials', errors: [{ reason: 'authError' }] },
      },
    });
    await expect(yt().publish(grant, source(), meta, null)).rejects.toBeInstanceOf(
      CredentialRefusedError,
    );
  });

  it('Instagram: a wrong app secret, 5xx, a timeout and a malformed answer', async () => {
    const { code } = await consent(insta().authorizeUrl('s', 'http://127.0.0.1:9/cb'));
    await expect(insta('wrong').exchangeCode(code, 'http://127.0.0.1:9/cb')).rejects.toBeInstanceOf(
      ProviderRejectedError,
    );
    const { code: c2 } = await consent(insta().authorizeUrl('s', 'http://127.0.0.1:9/cb'));
    const grant = await insta().exchangeCode(c2, 'http://127.0.0.1:9/cb');
    ig.failNext(1, {
      status: 500,
      body: { error: { message: 'An unknown error occurred', type: 'OAuthException', code: 1 } },
    });
    await expect(
      insta().publish(grant, source('http://127.0.0.1:9/v.mp4'), meta, 'cont-x'),
    ).rejects.toMatchObject({ failure: 'unavailable' });
    ig.knobs.latencyMs = 1000;
    await expect(
      insta().publish(grant, source('http://127.0.0.1:9/v.mp4'), meta, 'cont-x'),
    ).rejects.toMatchObject({ failure: 'unavailable', ambiguous: true });
    ig.knobs.latencyMs = 0;
    ig.failNext(1, { status: 200, body: '<html>' });
    await expect(
      insta().publish(grant, source('http://127.0.0.1:9/v.mp4'), meta, 'cont-x'),
    ).rejects.toThrow(/malformed/);
  });
});

describe('InstagramPublisher against a fake Instagram Graph API', () => {
  const fake = new FakeInstagram();
  const files = new FakeInstagram(); // any HTTP server will do to serve the "SAS" video URL
  let ig: InstagramPublisher;
  const redirect = 'http://127.0.0.1:9/v1/social/instagram/callback';
  let grant: SocialGrant;

  beforeAll(async () => {
    await fake.start();
    files.route('GET', '/video.mp4', () => ({
      status: 200,
      body: video,
      headers: { 'content-type': 'video/mp4' },
    }));
    await files.start();
    ig = new InstagramPublisher({
      appId: fake.appId,
      appSecret: fake.appSecret,
      authUrl: `${fake.url}/oauth/authorize`,
      tokenUrl: `${fake.url}/oauth/access_token`,
      graphUrl: `${fake.url}/v21.0`,
      timeoutMs: 3000,
    });
  });
  afterAll(async () => {
    await fake.stop();
    await files.stop();
  });

  it('connects: code -> short token -> long-lived token, account looked up', async () => {
    const { code } = await consent(ig.authorizeUrl('st', redirect));
    grant = await ig.exchangeCode(code, redirect);
    expect(grant).toMatchObject({
      externalId: fake.user.id,
      displayName: fake.user.username,
      refreshToken: null,
    });
    expect(grant.accessToken).toMatch(/^IGlong/);
    expect(grant.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 50 * 24 * 3600_000);
  });

  it('makes a Reels container from the video URL, polls it, publishes and returns the permalink', async () => {
    const first = await ig.publish(grant, source(`${files.url}/video.mp4`), meta, null);
    expect(first.status).toBe('processing');
    if (first.status !== 'processing') return;
    const container = fake.containers.get(first.session)!;
    expect(container.videoBytes).toBe(video.length);
    expect(container.caption).toContain('#국밥');
    const done = await ig.publish(grant, source(), meta, first.session);
    expect(done).toMatchObject({ status: 'published' });
    if (done.status === 'published')
      expect(done.postUrl).toBe(`https://www.instagram.com/reel/${done.externalId}/`);
  });

  it('media_publish answering 9007 / 2207027 (media not ready): a retry later publishes the same container, no second one', async () => {
    const first = await ig.publish(grant, source(`${files.url}/video.mp4`), meta, null);
    if (first.status !== 'processing') throw new Error('expected a container in processing');
    const containers = fake.containers.size;
    const from = fake.requests.length;
    fake.serve('code-9007-2207027');
    const notReady = await ig.publish(grant, source(), meta, first.session).catch((e) => e);
    expect(notReady).toBeInstanceOf(ProviderUnavailableError);
    expect(notReady.message).toMatch(/not finished preparing the video .*9007.*2207027/);
    expect(notReady.retryAfterSec).toBe(30);
    const done = await ig.publish(grant, source(), meta, first.session);
    expect(done).toMatchObject({ status: 'published' });
    // counted on the fake's side: two media_publish calls, both for the one container
    const publishes = fake.requests.slice(from).filter((q) => q.path.endsWith('/media_publish'));
    expect(publishes.map((q) => q.status)).toEqual([400, 200]);
    expect(fake.containers.size).toBe(containers);
    expect(fake.containers.get(first.session)!.published).toBe(
      done.status === 'published' ? done.externalId : undefined,
    );
  });

  it('checks the 50-a-day limit first, refreshes near expiry, and maps token and rate errors', async () => {
    // the limit is read (quota_total), and reaching it is a wait, not a failure
    fake.quotaTotal = 10;
    fake.quotaUsage = 10;
    const containers = fake.containers.size;
    const held = await ig
      .publish(grant, source(`${files.url}/video.mp4`), meta, null)
      .catch((e) => e);
    expect(held).toBeInstanceOf(ProviderUnavailableError);
    expect(held.message).toMatch(/waiting: Instagram allows 10 API posts per account in 24 hours/);
    expect(held.retryAfterSec).toBe(3600);
    expect(fake.containers.size).toBe(containers);
    fake.quotaUsage = 0;
    fake.quotaTotal = 50;

    // documented token and rate-limit codes
    for (const row of ['code-190-460', 'code-190-463', 'code-190-467'] as const) {
      fake.serve(row);
      await expect(
        ig.publish(grant, source(`${files.url}/video.mp4`), meta, null),
      ).rejects.toBeInstanceOf(CredentialRefusedError);
    }
    for (const row of ['code-4', 'code-17', 'code-32', 'code-613'] as const) {
      fake.serve(row);
      await expect(
        ig.publish(grant, source(`${files.url}/video.mp4`), meta, null),
      ).rejects.toBeInstanceOf(ProviderUnavailableError);
    }

    const near = { ...grant, expiresAt: new Date(Date.now() + 24 * 3600_000) };
    const renewed = await ig.fresh(near);
    expect(renewed.accessToken).not.toBe(grant.accessToken);

    await expect(
      ig.publish(renewed, source(`${files.url}/missing.mp4`), meta, null),
    ).rejects.toBeInstanceOf(ProviderRejectedError);
    fake.failNext(1, {
      status: 400,
      body: {
        error: { message: 'Application request limit reached', type: 'OAuthException', code: 4 },
      },
    });
    await expect(ig.publish(renewed, source(`${files.url}/video.mp4`), meta, null)).rejects.toThrow(
      /code 4/,
    );
    fake.expireTokens();
    await expect(
      ig.publish(renewed, source(`${files.url}/video.mp4`), meta, null),
    ).rejects.toBeInstanceOf(CredentialRefusedError);
  });
});
