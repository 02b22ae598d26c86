import { join } from 'node:path';
import { ApiKeyService } from '@app/domain';
import { startApi, TestApi } from '../harness/api-app';
import { waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';
import { openSse, SseStream } from '../harness/sse';

jest.setTimeout(60_000);

const HEARTBEAT_MS = 300;

/**
 * Live streams end with the login or key that opened them, within a heartbeat, and one user or
 * partner key holds at most SSE_STREAMS_PER_USER of them at once. No scheduler runs: the
 * projects stay DRAFT, so a stream stays open until something ends it.
 */
describe('live streams: ended with their login, capped per holder', () => {
  const dir = tempDir('live-streams');
  let api: TestApi;
  let base: string;
  const streams: SseStream[] = [];

  beforeAll(async () => {
    api = await startApi({
      DB_SQLITE_PATH: join(dir, 's.sqlite'),
      BLOB_LOCAL_ROOT: join(dir, 'blobs'),
      SSE_HEARTBEAT_MS: String(HEARTBEAT_MS),
      SSE_STREAMS_PER_USER: '3',
    });
    await api.app.listen(0, '127.0.0.1');
    base = (await api.app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await api.close();
    removeDir(dir);
  });

  /** A signed-in owner with a project that stays DRAFT. */
  const owner = async (nickname: string) => {
    const login = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname } })).body;
    const token: string = login.accessToken;
    const store = await api.request('POST', '/v1/stores', { token, body: { name: nickname } });
    const project = await api.request('POST', '/v1/projects', {
      token,
      body: { storeId: store.body.id },
    });
    return { token, refreshToken: login.refreshToken as string, projectId: project.body.id };
  };
  const open = async (projectId: string, headers: Record<string, string>) => {
    const s = await openSse(`${base}/v1/projects/${projectId}/events`, headers);
    streams.push(s);
    return s;
  };
  const heartbeats = (s: SseStream, n: number) =>
    waitFor(`${n} heartbeats`, async () => (s.comments.length >= n ? true : undefined), 10_000, 50);

  it('ends a stream within a heartbeat of its login being ended, not before', async () => {
    const o = await owner('로그아웃');
    const sse = await open(o.projectId, { authorization: `Bearer ${o.token}` });
    expect(sse.status).toBe(200);
    await heartbeats(sse, 2);
    expect(sse.isEnded()).toBe(false);
    const out = await api.request('POST', '/v1/auth/logout', {
      body: { refreshToken: o.refreshToken },
    });
    expect(out.status).toBe(204);
    const at = Date.now();
    await sse.ended;
    expect(Date.now() - at).toBeLessThan(HEARTBEAT_MS * 2 + 500);
    // and the token it was opened with opens nothing any more
    const again = await open(o.projectId, { authorization: `Bearer ${o.token}` });
    expect(again.status).toBe(401);
  });

  it("ends a partner's stream once its key is revoked", async () => {
    const keys = api.get(ApiKeyService);
    await keys.createPartner('Stream Partner');
    const issued = await keys.issue('Stream Partner', [
      'stores:write',
      'projects:read',
      'projects:write',
    ]);
    const store = await api.request('POST', '/v1/stores', {
      apiKey: issued.key,
      body: { name: '파트너 가게' },
    });
    const project = await api.request('POST', '/v1/projects', {
      apiKey: issued.key,
      body: { storeId: store.body.id },
    });
    const sse = await open(project.body.id, { 'x-api-key': issued.key });
    expect(sse.status).toBe(200);
    await heartbeats(sse, 1);
    await keys.revoke(issued.id);
    const at = Date.now();
    await sse.ended;
    expect(Date.now() - at).toBeLessThan(HEARTBEAT_MS * 2 + 500);
  });

  it('refuses a holder’s stream beyond the cap with a 429 that says why, and takes one again once one ends', async () => {
    const o = await owner('많이');
    const auth = { authorization: `Bearer ${o.token}` };
    const three = await Promise.all([1, 2, 3].map(() => open(o.projectId, auth)));
    expect(three.map((s) => s.status)).toEqual([200, 200, 200]);
    const fourth = await api.app.inject({
      method: 'GET',
      url: `/v1/projects/${o.projectId}/events`,
      headers: auth,
    });
    expect(fourth.statusCode).toBe(429);
    expect(fourth.json().message).toBe(
      'at most 3 live streams may be open at once for one user or partner key; close one first',
    );
    // another user is not held back by this one's streams
    const other = await owner('다른 사람');
    expect((await open(other.projectId, { authorization: `Bearer ${other.token}` })).status).toBe(
      200,
    );
    three[0].close();
    await waitFor(
      'a freed place',
      async () => {
        const s = await open(o.projectId, auth);
        if (s.status === 200) return true;
        s.close();
        return undefined;
      },
      5_000,
      100,
    );
  });
});
