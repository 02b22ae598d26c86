import {
  CredentialRefusedError,
  InstagramPublisher,
  ProviderRejectedError,
  SocialGrant,
  VideoReading,
  YouTubePublisher,
} from '@app/integrations';
import { FakeGoogle } from '../fakes/google.fake';
import { FakeInstagram } from '../fakes/instagram.fake';

// loading googleapis takes seconds on a busy machine (the first test pays for it)
jest.setTimeout(30_000);

const redirect = 'http://127.0.0.1:9/v1/social/callback';

async function consent(authorizeUrl: string): Promise<string> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  return new URL(res.headers.get('location')!).searchParams.get('code')!;
}

const figuresOf = (readings: VideoReading[], id: string) => {
  const r = readings.find((x) => x.externalId === id)!;
  return 'figures' in r ? r.figures : r;
};

describe('reading results back from YouTube (videos.list statistics, batched)', () => {
  const fake = new FakeGoogle();
  let yt: YouTubePublisher;
  let grant: SocialGrant;
  const ids = Array.from({ length: 120 }, (_, i) => `vid${i}`);

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
    grant = await yt.exchangeCode(await consent(yt.authorizeUrl('s', redirect)), redirect);
    // published videos, as uploads leave them at the fake
    for (const id of ids) fake.videos.set(id, { meta: {}, bytes: Buffer.alloc(0) });
  });
  afterAll(() => fake.stop());

  it('reads n videos in ceil(n/50) calls; counts grow; an unknown video is "not yet"', async () => {
    const asked = [...ids, 'gone-video'];
    const before = fake.count('GET', '/youtube/v3/videos');
    const first = await yt.readResults(grant, asked);
    expect(fake.count('GET', '/youtube/v3/videos') - before).toBe(Math.ceil(asked.length / 50));
    expect(first.map((r) => r.externalId)).toEqual(asked);
    expect(figuresOf(first, 'vid7')).toEqual({
      views: 100,
      likes: 5,
      comments: 1,
      reach: null,
      saved: null,
      shares: null,
      totalInteractions: null,
      avgWatchTimeMs: null,
    });
    expect(figuresOf(first, 'gone-video')).toEqual({
      externalId: 'gone-video',
      notYet: expect.stringMatching(/no statistics/),
    });
    const second = await yt.readResults(grant, ['vid7']);
    expect(figuresOf(second, 'vid7')).toMatchObject({ views: 200, likes: 10, comments: 2 });
  });

  it('a quota error is refused clearly; a revoked grant needs the account connected again', async () => {
    fake.serve('quotaExceeded-statistics');
    await expect(yt.readResults(grant, ['vid1'])).rejects.toBeInstanceOf(ProviderRejectedError);
    fake.expireAccessTokens();
    fake.revokeRefreshTokens();
    await expect(
      yt.readResults({ ...grant, expiresAt: new Date(Date.now() - 1000) }, ['vid1']),
    ).rejects.toBeInstanceOf(CredentialRefusedError);
  });
});

describe('reading results back from Instagram (media insights)', () => {
  const fake = new FakeInstagram();
  let ig: InstagramPublisher;
  let grant: SocialGrant;

  beforeAll(async () => {
    await fake.start();
    ig = new InstagramPublisher({
      appId: fake.appId,
      appSecret: fake.appSecret,
      authUrl: `${fake.url}/oauth/authorize`,
      tokenUrl: `${fake.url}/oauth/access_token`,
      graphUrl: `${fake.url}/v21.0`,
      timeoutMs: 3000,
    });
    const url = ig.authorizeUrl('s', redirect);
    expect(url).toContain('instagram_business_manage_insights');
    grant = await ig.exchangeCode(await consent(url), redirect);
    for (const id of ['1790001', '1790002']) fake.media.set(id, { caption: '' });
  });
  afterAll(() => fake.stop());

  it('empty data is "not yet", then the 2025 metrics (views, not plays) per Reel, one call each', async () => {
    const insightCalls = () => fake.requests.filter((r) => r.path.endsWith('/insights')).length;
    const before = insightCalls();
    const first = await ig.readResults(grant, ['1790001', '1790002']);
    expect(first).toEqual([
      { externalId: '1790001', notYet: expect.stringMatching(/no insights/) },
      { externalId: '1790002', notYet: expect.stringMatching(/no insights/) },
    ]);
    const second = await ig.readResults(grant, ['1790001']);
    expect(figuresOf(second, '1790001')).toEqual({
      views: 200,
      likes: 10,
      comments: 10,
      reach: 10,
      saved: 10,
      shares: 10,
      totalInteractions: 10,
      avgWatchTimeMs: 4200,
    });
    // (the fake refuses the removed metrics plays, impressions and video_views with a 400)
    expect(insightCalls() - before).toBe(3);
  });

  it('code 10 "Not enough viewers" is "not yet"; an expired token needs a reconnect', async () => {
    fake.serve('code-10');
    expect(await ig.readResults(grant, ['1790002'])).toEqual([
      { externalId: '1790002', notYet: expect.stringMatching(/not enough viewers/) },
    ]);
    fake.expireTokens();
    await expect(ig.readResults(grant, ['1790002'])).rejects.toBeInstanceOf(CredentialRefusedError);
  });
});
