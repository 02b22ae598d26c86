import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startApi, startScheduler, TestApi } from '../harness/api-app';
import { freePort, waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';
import { openSse, SseEvent, SseStream } from '../harness/sse';

jest.setTimeout(600_000);

type Scheduler = Awaited<ReturnType<typeof startScheduler>>;

/**
 * The project's one percent as an owner watches it on the live stream, on the embedded stack
 * with the offline engines: it follows the render to its end, never goes back within a run, and
 * says why when a run starts over (a scheduler restarted mid-render, the owner's retry).
 */
describe('progress that never lies', () => {
  const dir = tempDir('progress-runs');
  let api: TestApi;
  let port: number;
  let token: string;
  let storeId: string;
  const env = (over: Record<string, string> = {}) => ({
    DB_SQLITE_PATH: join(dir, 'castad.sqlite'),
    BLOB_LOCAL_ROOT: join(dir, 'blobs'),
    WORK_DIR: join(dir, 'work'),
    PIPELINE_POLL_MS: '100',
    PIPELINE_BACKOFF_BASE_MS: '100',
    JWT_SECRET: 'progress-runs-secret-progress-runs-secret-pr',
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    ...over,
  });
  const schedulers = new Set<Scheduler>();
  const scheduler = async (over: Record<string, string> = {}) => {
    const s = await startScheduler(env(over));
    schedulers.add(s);
    return {
      stop: async () => {
        schedulers.delete(s);
        await s.close();
      },
    };
  };

  beforeAll(async () => {
    port = await freePort();
    api = await startApi(env());
    await api.app.listen(port, '127.0.0.1');
    token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '진행사장' } }))
      .body.accessToken;
    const store = await api.request('POST', '/v1/stores', {
      token,
      body: { name: '진행 분식', roadAddress: '서울 중구 세종대로 9', phone: '02-000-0009' },
    });
    storeId = store.body.id;
    expect((await api.uploadPhoto(storeId, token)).status).toBe(201);
  });

  // each test runs its own schedulers: one left running would take the next test's work
  afterEach(async () => {
    for (const s of [...schedulers]) await s.close();
    schedulers.clear();
  });

  afterAll(async () => {
    await api?.close();
    removeDir(dir);
  });

  const get = async (id: string) => {
    const p = (await api.request('GET', `/v1/projects/${id}`, { token })).body;
    return { state: p.state as string, lastError: p.lastError, percent: p.progress.percent };
  };
  const create = async () => {
    const res = await api.request('POST', '/v1/projects', {
      token,
      body: { storeId, lengthSec: 30, autopilot: true },
    });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const stream = (id: string, lastEventId?: string) =>
    openSse(`http://127.0.0.1:${port}/v1/projects/${id}/events`, {
      authorization: `Bearer ${token}`,
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    });
  const progressOf = (events: SseEvent[]) => events.filter((e) => e.type === 'progress');
  const reportAbove = (sse: SseStream, percent: number) =>
    waitFor(
      `a render report above ${percent} %`,
      async () => progressOf(sse.events).find((e) => e.data.percent > percent),
      240_000,
    );
  /** The percents of the progress events, cut into runs where an event says the bar went back. */
  const runs = (events: SseEvent[]) => {
    const out: number[][] = [[]];
    for (const e of events) {
      if (e.data.progressReset) out.push([]);
      if (e.type === 'progress') out[out.length - 1].push(e.data.percent);
    }
    return out;
  };
  const ascending = (xs: number[]) => [...xs].sort((a, b) => a - b);

  it('follows the render’s own percent up to its end, never back, on the stream and on GET', async () => {
    await scheduler();
    const id = await create();
    const sse = await stream(id);
    const reads: number[] = [];
    await waitFor(
      'DONE',
      async () => {
        const p = await get(id);
        if (p.state === 'FAILED') throw new Error(`FAILED: ${p.lastError}`);
        reads.push(p.percent);
        return p.state === 'DONE' || undefined;
      },
      480_000,
      150,
    );
    await sse.ended;
    const percents = progressOf(sse.events).map((e) => e.data.percent);
    // several steps of the render between its start and 100, rising, none said to go back
    expect(new Set(percents).size).toBeGreaterThanOrEqual(3);
    expect(percents).toEqual(ascending(percents));
    expect(Math.min(...percents)).toBeGreaterThan(30);
    // the render's end is the bar's end: no jump from its middle to 100
    expect(Math.max(...percents)).toBeGreaterThanOrEqual(85);
    expect(sse.events.filter((e) => e.data.progressReset)).toEqual([]);
    expect(reads).toEqual(ascending(reads));
    expect(reads.at(-1)).toBe(100);
    expect(sse.events.at(-1)?.data.state).toBe('DONE');
  });

  it('says the render started again when its scheduler was lost mid-render', async () => {
    await scheduler({ PIPELINE_LEASE_MS: '3000' });
    const id = await create();
    const sse = await stream(id);
    const reached = (await reportAbove(sse, 40)).data.percent as number;
    // the render's scheduler is gone as a crashed one is: its lease ran out under another name
    const db = new Database(join(dir, 'castad.sqlite'));
    db.prepare(
      "UPDATE projects SET lease_owner = 'crashed:1', lease_until = '2000-01-01 00:00:00.000' WHERE id = ?",
    ).run(id);
    db.close();
    // the bar holds where the render got to (no silent drop to the state's percent)
    const held = await get(id);
    expect(held.percent).toBeGreaterThanOrEqual(reached);

    await sse.ended;
    expect(sse.events.at(-1)?.data.state).toBe('DONE');
    const reset = progressOf(sse.events).find((e) => e.data.progressReset);
    expect(reset?.data).toMatchObject({ progressReset: 'restarted', step: 'submit_video' });
    expect(reset!.data.percent).toBeLessThan(reached);
    expect(reset!.data.message).toMatch(/started again/);
    // within each run the percent only rises
    const parts = runs(sse.events);
    expect(parts.length).toBe(2);
    for (const run of parts) expect(run).toEqual(ascending(run));
  });

  it('says the bar went back because the owner retried a failed render', async () => {
    // a scheduler whose FFmpeg is given too little time: the render fails for good
    const hasty = await scheduler({ FFMPEG_TIMEOUT_MS: '5000', PIPELINE_MAX_ATTEMPTS: '1' });
    const id = await create();
    const sse = await stream(id);
    await sse.ended;
    expect(sse.events.at(-1)?.data.state).toBe('FAILED');
    await hasty.stop();

    await scheduler();
    expect((await api.request('POST', `/v1/projects/${id}/retry`, { token })).status).toBe(202);
    const after = await stream(id, sse.events.at(-1)!.id);
    await after.ended;
    expect(after.events[0].data).toMatchObject({ from: 'FAILED', progressReset: 'retried' });
    const percents = progressOf(after.events).map((e) => e.data.percent);
    expect(percents.length).toBeGreaterThanOrEqual(2);
    // the new run is said once, by the retry, then only rises
    expect(after.events.filter((e) => e.data.progressReset).length).toBe(1);
    expect(percents).toEqual(ascending(percents));
    expect(after.events.at(-1)?.data.state).toBe('DONE');
  });

  it('keeps a project DONE with its video while it is rendered again, following the new render', async () => {
    await scheduler();
    const id = await create();
    await (
      await stream(id)
    ).ended;
    const file = async () => {
      const video = (await api.request('GET', `/v1/projects/${id}/video`, { token })).body;
      const u = new URL(video.downloadUrl);
      const res = await api.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` });
      expect(res.statusCode).toBe(200);
      return res.rawPayload;
    };
    const oldVideo = await file();
    const listed = async (state: string) =>
      (
        (await api.request('GET', `/v1/projects?state=${state}`, { token })).body.items as {
          id: string;
        }[]
      ).some((p) => p.id === id);

    const again = await api.request('POST', `/v1/projects/${id}/video`, {
      token,
      body: { engine: 'ffmpeg', templateId: 'bold' },
    });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ state: 'DONE', subState: 're-rendering' });
    // a stream opened now follows the new render, past the first render's DONE
    const sse = await stream(id);
    let whileRendering = 0;
    await waitFor(
      'the new video',
      async () => {
        const p = (await api.request('GET', `/v1/projects/${id}`, { token })).body;
        if (p.state !== 'DONE') throw new Error(`${p.state}: ${p.lastError}`);
        if (!p.subState) return true;
        expect(p.subState).toBe('re-rendering');
        expect(p.progress.waitingFor).toBe('scheduler');
        // the old video still downloads whole; the project is listed as DONE, not as rendering
        expect((await file()).equals(oldVideo)).toBe(true);
        expect(await listed('DONE')).toBe(true);
        expect(await listed('SONG_READY')).toBe(false);
        whileRendering++;
        return undefined;
      },
      480_000,
      200,
    );
    expect(whileRendering).toBeGreaterThan(0);
    await sse.ended;

    const rerender = sse.events.findIndex((e) => e.data.step === 'remake_video');
    expect(sse.events[rerender].data).toMatchObject({
      state: 'DONE',
      subState: 're-rendering',
      progressReset: 're-render',
    });
    const during = sse.events.slice(rerender + 1, -1);
    for (const e of during)
      expect(e.data).toMatchObject({ state: 'DONE', subState: 're-rendering' });
    const percents = progressOf(during).map((e) => e.data.percent);
    expect(new Set(percents).size).toBeGreaterThanOrEqual(2);
    expect(percents).toEqual(ascending(percents));
    expect(sse.events.at(-1)?.data).toMatchObject({ state: 'DONE' });
    expect(sse.events.at(-1)?.data.subState).toBeUndefined();
    // the new video replaced the old one
    expect((await file()).equals(oldVideo)).toBe(false);
  });
});
