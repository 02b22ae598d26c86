import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { DataSource } from 'typeorm';
import {
  AccountService,
  Clock,
  nextQuotaDayAt,
  ProjectEntity,
  ResultReaderEntity,
  SnsUploadEntity,
  VideoEntity,
} from '@app/domain';
import { BlobStore } from '@app/integrations';
import { startApi, startScheduler, TestApi } from '../harness/api-app';
import { freePort, waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';
import { fakeEnv } from '../fakes/env';
import { FakeGoogle } from '../fakes/google.fake';
import { FakeInstagram } from '../fakes/instagram.fake';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
/** YouTube units a day for readings: 2 + 2 + 1 calls of the 60 videos below */
const QUOTA = 5;

/**
 * Published videos' results read back by the scheduler's reading job, on a Clock moved forward
 * (both apps' Clock providers read `ahead`): nothing sleeps for the hours between readings.
 */
describe('results read back from YouTube and Instagram', () => {
  const dir = tempDir('results-reading');
  const google = new FakeGoogle();
  const instagram = new FakeInstagram();
  let api: TestApi;
  let scheduler: Awaited<ReturnType<typeof startScheduler>>;
  let ds: DataSource;
  let owner: string;
  let admin: string;
  let other: string;
  let ahead = 0;
  /**
   * How far the hourly readings start past the publications: 0, or past the next YouTube quota
   * day's start when that is under 5 hours away, so the quota's four hours fall in one day
   */
  let shift = 0;
  const now = () => new Date(Date.now() + ahead);
  const accounts: Record<string, string> = {};
  const projects = { warm: randomUUID(), bold: randomUUID() };
  const env: Record<string, string> = {
    DB_SQLITE_PATH: join(dir, 'castad.sqlite'),
    BLOB_LOCAL_ROOT: join(dir, 'blobs'),
    WORK_DIR: join(dir, 'work'),
    PIPELINE_POLL_MS: '100',
    PUBLISH_POLL_MS: '200',
    RESULTS_YOUTUBE_DAILY_QUOTA: String(QUOTA),
    JWT_SECRET: 'results-secret-results-secret-results-secret',
  };
  const ytCalls = () => google.count('GET', '/youtube/v3/videos');
  const igCalls = () => instagram.requests.filter((r) => r.path.endsWith('/insights')).length;

  /** Moves both apps' Clock to `ms` ahead and waits until every due reader has run. */
  async function advanceTo(ms: number): Promise<void> {
    ahead = ms;
    await waitFor(
      'the due readers to run',
      async () => {
        const readers = await ds.getRepository(ResultReaderEntity).find();
        return readers.every((r) => !r.leaseOwner && (r.nextRunAt === null || r.nextRunAt > now()));
      },
      30_000,
    );
  }

  /** The owner connects an account (the fake consents at once); its id. */
  async function connect(platform: string): Promise<string> {
    const start = await api.request('GET', `/v1/social/${platform}/connect`, { token: owner });
    const consent = await fetch(start.body.authorizeUrl, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    return (await api.request('GET', `${back.pathname}${back.search}`)).body.id;
  }

  const archive = async () =>
    (await api.request('GET', '/v1/archive', { token: owner })).body.items as {
      projectId: string;
      results: {
        platform: string;
        status: string;
        note: string | null;
        latest: any;
        change7d: any;
      }[];
    }[];
  const resultsOf = async (projectId: string, platform: string) =>
    (await archive())
      .find((i) => i.projectId === projectId)!
      .results.filter((r) => r.platform === platform);

  beforeAll(async () => {
    await google.start();
    await instagram.start();
    const port = await freePort();
    Object.assign(env, {
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      ...fakeEnv.google(google),
      ...fakeEnv.instagram(instagram),
    });
    api = await startApi(env);
    // Instagram fetches the video from our signed file URL itself
    await api.app.listen(port, '127.0.0.1');
    scheduler = await startScheduler(env);
    for (const app of [api.app, scheduler.app]) app.get(Clock, { strict: false }).now = now;
    ds = api.app.get(DataSource);
    const login = async (nickname: string) =>
      (await api.request('POST', '/v1/auth/dev-login', { body: { nickname } })).body;
    const o = await login('결과사장');
    owner = o.accessToken;
    other = (await login('남의사장')).accessToken;
    const a = await login('운영자');
    await api.get(AccountService).setRole(a.user.id, 'admin');
    admin = a.accessToken;
    for (const platform of ['youtube', 'instagram']) accounts[platform] = await connect(platform);
    const store = await api.request('POST', '/v1/stores', {
      token: owner,
      body: { name: '결과 국밥', address: '부산 해운대구 중동 1', category: '국밥' },
    });
    expect(store.status).toBe(201);
    // two finished videos made with different looks, lengths and moods
    const looks = [
      { id: projects.warm, options: { templateId: 'warm', lengthSec: 15, mood: 'bright' } },
      { id: projects.bold, options: { templateId: 'bold', lengthSec: 30, mood: 'calm' } },
    ];
    for (const { id, options } of looks) {
      await ds.getRepository(ProjectEntity).insert({
        id,
        ownerUserId: o.user.id,
        storeId: store.body.id,
        state: 'DONE',
        options,
        callbackToken: randomUUID().replace(/-/g, ''),
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      const blobKey = `${id}/video.mp4`;
      await api.get(BlobStore).put('video', blobKey, Buffer.alloc(4096, 7), 'video/mp4');
      await ds.getRepository(VideoEntity).insert({
        id: randomUUID(),
        projectId: id,
        engine: 'ffmpeg',
        blobKey,
        thumbnailBlobKey: null,
        durationSec: options.lengthSec,
        width: 1080,
        height: 1920,
        createdAt: new Date(),
      });
    }
  });

  afterAll(async () => {
    await scheduler?.close();
    await api?.app.close();
    await google.stop();
    await instagram.stop();
    removeDir(dir);
  });

  it('publishes to both fakes; nothing is read before the first hour', async () => {
    for (const id of Object.values(projects)) {
      const up = await api.request('POST', `/v1/projects/${id}/uploads`, {
        token: owner,
        body: {
          accounts: [accounts.youtube, accounts.instagram],
          title: '결과 국밥',
          privacy: 'public',
        },
      });
      expect(up.status).toBe(202);
    }
    await waitFor('four publications published', async () => {
      const states = await ds.getRepository(SnsUploadEntity).find();
      return states.length === 4 && states.every((u) => u.state === 'published');
    });
    // 58 more YouTube videos of the same channel: 60 in all, two calls of 50 per refresh
    const first = await ds.getRepository(SnsUploadEntity).findOneByOrFail({ platform: 'youtube' });
    for (let i = 0; i < 58; i++) {
      const externalId = `extra${i}`;
      google.videos.set(externalId, { meta: {}, bytes: Buffer.alloc(0) });
      await ds.getRepository(SnsUploadEntity).insert({
        ...first,
        id: randomUUID(),
        projectId: projects.bold,
        externalId,
        postUrl: `https://www.youtube.com/shorts/${externalId}`,
      });
    }
    expect(await resultsOf(projects.warm, 'youtube')).toEqual([
      expect.objectContaining({ status: 'not_yet', latest: null, note: 'not read yet' }),
    ]);
    await advanceTo(30 * 60_000);
    const toNextQuotaDay = nextQuotaDayAt(new Date()).getTime() - Date.now();
    if (toNextQuotaDay < 5 * HOUR) shift = toNextQuotaDay + 60_000;
    expect([ytCalls(), igCalls()]).toEqual([0, 0]);
  });

  it('an hour later: YouTube in ceil(60/50) calls; Instagram empty and code 10 are "not yet"', async () => {
    instagram.serve('code-10');
    await advanceTo(shift + HOUR + 60_000);
    expect(ytCalls()).toBe(2);
    expect(igCalls()).toBe(2);
    expect(await resultsOf(projects.warm, 'youtube')).toEqual([
      expect.objectContaining({
        status: 'figures',
        latest: expect.objectContaining({ views: 100, likes: 5, comments: 1 }),
        change7d: { views: 100, likes: 5, comments: 1 },
      }),
    ]);
    const ig = [
      ...(await resultsOf(projects.warm, 'instagram')),
      ...(await resultsOf(projects.bold, 'instagram')),
    ];
    expect(ig.map((r) => [r.status, r.latest])).toEqual([
      ['not_yet', null],
      ['not_yet', null],
    ]);
    expect(ig.map((r) => r.note).sort()).toEqual([
      expect.stringMatching(/no insights/),
      expect.stringMatching(/not enough viewers/),
    ]);
    // "not yet" is no failure: the readers carry no error
    const readers = await ds.getRepository(ResultReaderEntity).find();
    expect(readers.map((r) => [r.state, r.lastError])).toEqual([
      ['reading', null],
      ['reading', null],
    ]);
  });

  it('readings grow hourly into the archive, the owner endpoint and the admin comparison', async () => {
    await advanceTo(shift + 2 * HOUR + 60_000);
    expect(ytCalls()).toBe(4);
    const yt = (await resultsOf(projects.warm, 'youtube'))[0];
    expect(yt.latest).toMatchObject({ views: 200, likes: 10, comments: 2 });
    expect(yt.change7d).toEqual({ views: 200, likes: 10, comments: 2 });
    const own = await api.request('GET', `/v1/projects/${projects.warm}/results`, {
      token: owner,
    });
    expect(own.status).toBe(200);
    const ytSeries = own.body.items.find((i: { platform: string }) => i.platform === 'youtube');
    expect(ytSeries.readings.map((r: { views: number }) => r.views)).toEqual([100, 200]);
    expect(
      (await api.request('GET', `/v1/projects/${projects.warm}/results`, { token: other })).status,
    ).toBe(404);
    // the same through MCP (the official client, the owner's token): an agent reads what REST gives
    const agent = new Client({ name: 'results-agent', version: '1.0.0' });
    await agent.connect(
      new StreamableHTTPClientTransport(new URL(`${env.PUBLIC_BASE_URL}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${owner}` } },
      }),
    );
    const viaMcp = (await agent.callTool({
      name: 'read_video_results',
      arguments: { projectId: projects.warm },
    })) as unknown as { structuredContent: { items: { platform: string; readings: unknown[] }[] } };
    await agent.close();
    expect(viaMcp.structuredContent.items.find((i) => i.platform === 'youtube')!.readings).toEqual(
      ytSeries.readings,
    );

    const report = await api.request('GET', '/v1/admin/results/comparison', { token: admin });
    expect(report.status).toBe(200);
    expect(report.body.videos).toBe(2);
    const looks = report.body.groups.filter((g: { by: string }) => g.by === 'look');
    const viewsOf = async (id: string) =>
      (await archive())
        .find((i) => i.projectId === id)!
        .results.reduce((n, r) => n + (r.latest?.views ?? 0), 0);
    expect(looks).toEqual([
      expect.objectContaining({
        value: 'bold',
        videos: 1,
        medianViews: await viewsOf(projects.bold),
      }),
      expect.objectContaining({
        value: 'warm',
        videos: 1,
        medianViews: await viewsOf(projects.warm),
      }),
    ]);
    expect(
      report.body.groups.map((g: { by: string; value: string }) => `${g.by}:${g.value}`),
    ).toEqual(['look:bold', 'look:warm', 'length:15', 'length:30', 'mood:bright', 'mood:calm']);
    expect(
      (await api.request('GET', '/v1/admin/results/comparison', { token: owner })).status,
    ).toBe(403);
  });

  it('stays inside the daily quota: the calls past it wait for the next quota day', async () => {
    await advanceTo(shift + 3 * HOUR + 60_000);
    expect(ytCalls()).toBe(QUOTA); // one call of 50 left in the day: 10 videos wait
    await advanceTo(shift + 4 * HOUR + 60_000);
    expect(ytCalls()).toBe(QUOTA);
    const reader = await ds
      .getRepository(ResultReaderEntity)
      .findOneByOrFail({ id: accounts.youtube });
    expect(reader.lastError).toMatch(/quota/);
    expect(reader.nextRunAt).toEqual(nextQuotaDayAt(now()));
  });

  it('a revoked grant parks the readings and flags the account; Instagram reads on', async () => {
    google.expireAccessTokens();
    google.revokeRefreshTokens();
    const before = ytCalls();
    await advanceTo(nextQuotaDayAt(now()).getTime() - Date.now() + 60_000);
    const listed = (await api.request('GET', '/v1/social/accounts', { token: owner })).body.items;
    expect(listed.find((a: { id: string }) => a.id === accounts.youtube).needsReconnect).toEqual({
      since: expect.any(String),
      reason: expect.any(String),
    });
    const reader = await ds
      .getRepository(ResultReaderEntity)
      .findOneByOrFail({ id: accounts.youtube });
    expect(reader).toMatchObject({ state: 'parked', nextRunAt: null });
    const parkedCalls = ytCalls();
    expect(parkedCalls - before).toBeLessThanOrEqual(1);
    const igBefore = igCalls();
    await advanceTo(ahead + 2 * 86_400_000);
    expect(ytCalls()).toBe(parkedCalls);
    expect(igCalls()).toBeGreaterThan(igBefore);
    // the readings already taken stay in the archive (the third, within the quota, may have
    // been of this video or of the ten left for the next day)
    const kept = (await resultsOf(projects.warm, 'youtube'))[0];
    expect(kept.status).toBe('figures');
    expect([200, 300]).toContain(kept.latest.views);
  });

  it('connecting the account again resumes its readings: all its due videos, ceil(60/50) calls', async () => {
    const parkedCalls = ytCalls();
    expect(await connect('youtube')).toBe(accounts.youtube);
    const reader = await ds
      .getRepository(ResultReaderEntity)
      .findOneByOrFail({ id: accounts.youtube });
    expect(reader).toMatchObject({ state: 'reading', lastError: null });
    const views = (await resultsOf(projects.warm, 'youtube'))[0].latest.views;
    await advanceTo(ahead + 60_000);
    expect(ytCalls() - parkedCalls).toBe(2);
    expect((await resultsOf(projects.warm, 'youtube'))[0].latest.views).toBeGreaterThan(views);
  });
});
