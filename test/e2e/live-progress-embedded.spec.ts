import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AppProcess, waitForHttp } from '../harness/app-process';
import { describeWithServers } from '../harness/binaries';
import { freePort, waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';
import { openSse } from '../harness/sse';

jest.setTimeout(240_000);

/**
 * `npm start` runs the API and the scheduler as two processes with no Redis: what the
 * scheduler writes reaches the API's streams through the API's one shared DB poll.
 */
describeWithServers(['ffmpeg'], 'live progress on the embedded default (no Redis)', () => {
  const dir = tempDir('live');
  const dbPath = join(dir, 'castad.sqlite');
  let app: AppProcess;
  let port = 0;
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    port = await freePort();
    app = new AppProcess(
      'scripts/start-embedded.js',
      {
        PORT: String(port),
        SCHEDULER_HEALTH_PORT: String(await freePort()),
        DB_SQLITE_PATH: dbPath,
        WORK_DIR: join(dir, 'work'),
        BLOB_LOCAL_ROOT: join(dir, 'blobs'),
        PIPELINE_POLL_MS: '200',
        SSE_POLL_MS: '300',
        SSE_HEARTBEAT_MS: '500',
      },
      join(dir, 'app.log'),
    ).start();
    await waitForHttp(`http://127.0.0.1:${port}/health/ready`);
  });
  afterAll(async () => {
    await app?.stop();
    removeDir(dir);
  });

  it('follows a project the scheduler process runs, once per event, to DONE, where the stream ends', async () => {
    const login = await call('POST', '/v1/auth/dev-login', undefined, { nickname: '실시간' });
    const token = login.body.accessToken;
    const store = await call('POST', '/v1/stores', token, {
      name: '실시간 분식',
      roadAddress: '서울 중구 세종대로 1',
      phone: '02-000-0000',
    });
    const project = await call('POST', '/v1/projects', token, {
      storeId: store.body.id,
      autopilot: true,
      lengthSec: 15,
    });
    expect(project.status).toBe(202);
    const sse = await openSse(`http://127.0.0.1:${port}/v1/projects/${project.body.id}/events`, {
      authorization: `Bearer ${token}`,
    });
    expect(sse.status).toBe(200);
    await sse.ended;
    const db = new Database(dbPath, { readonly: true });
    const rows = db
      .prepare('SELECT seq, to_state FROM project_events WHERE project_id = ? ORDER BY seq')
      .all(project.body.id) as { seq: number; to_state: string }[];
    db.close();
    expect(sse.events.map((e) => ({ id: Number(e.id), state: e.data.state }))).toEqual(
      rows.map((r) => ({ id: r.seq, state: r.to_state })),
    );
    expect(rows[rows.length - 1].to_state).toBe('DONE');
  });

  it('says when it is the owner’s turn, and what to do: approve the lyrics, then pick a clip', async () => {
    const login = await call('POST', '/v1/auth/dev-login', undefined, { nickname: '내차례' });
    const token = login.body.accessToken;
    const store = await call('POST', '/v1/stores', token, {
      name: '차례 분식',
      roadAddress: '서울 중구 세종대로 2',
    });
    const project = await call('POST', '/v1/projects', token, {
      storeId: store.body.id,
      lengthSec: 15,
    });
    const id = project.body.id;
    const sse = await openSse(`http://127.0.0.1:${port}/v1/projects/${id}/events`, {
      authorization: `Bearer ${token}`,
    });
    const announced = (action: string) =>
      waitFor(`the stream to ask for ${action}`, async () =>
        sse.events.find((e) => e.data.action === action),
      );
    const lyricsTurn = await announced('approve_lyrics');
    expect(lyricsTurn.data).toMatchObject({ state: 'LYRICS_READY', waitingFor: 'owner' });
    expect(lyricsTurn.data.message).toMatch(/^waiting for you/);
    expect((await call('POST', `/v1/projects/${id}/lyrics/approve`, token, {})).status).toBe(202);

    const clipTurn = await announced('select_clip');
    expect(clipTurn.data).toMatchObject({ state: 'SONG_READY', waitingFor: 'owner' });
    const clips = await call('GET', `/v1/projects/${id}/song`, token);
    const picked = await call('POST', `/v1/projects/${id}/song/select`, token, {
      clipId: clips.body[0].id,
    });
    expect(picked.status).toBe(202);
    await sse.ended;
    // only the two owner stops announce a turn; every other change says nothing of the kind
    const turns = sse.events.filter((e) => e.type === 'state' && e.data.waitingFor);
    expect(turns.map((e) => e.data.action)).toEqual(['approve_lyrics', 'select_clip']);
    expect(sse.events.at(-1)?.data.state).toBe('DONE');
  });
});
