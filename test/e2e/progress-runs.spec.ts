import { renameSync } from 'node:fs';
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
    return {
      state: p.state as string,
      subState: p.subState as string | null,
      lastError: p.lastError,
      percent: p.progress.percent,
    };
  };
  const create = async (lengthSec = 30) => {
    const res = await api.request('POST', '/v1/projects', {
      token,
      body: { storeId, lengthSec, autopilot: true },
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
    const shownWhileRendering = new Set<string>();
    await waitFor(
      'DONE',
      async () => {
        const p = await get(id);
        if (p.state === 'FAILED') throw new Error(`FAILED: ${p.lastError}`);
        reads.push(p.percent);
        if (p.percent > 30 && p.state !== 'DONE')
          shownWhileRendering.add(`${p.state}/${p.subState}`);
        return p.state === 'DONE' || undefined;
      },
      480_000,
      150,
    );
    await sse.ended;
    // the render's events say what GET says meanwhile: rendering, not the clip choice
    const renderEvents = sse.events.filter(
      (e) => e.type === 'progress' || e.data.state === 'VIDEO_SUBMITTED',
    );
    expect(renderEvents.length).toBeGreaterThan(0);
    for (const e of renderEvents) expect(e.data.subState).toBe('rendering');
    expect(shownWhileRendering.size).toBeGreaterThan(0);
    for (const read of shownWhileRendering)
      expect(read).toMatch(/^(SONG_READY|VIDEO_SUBMITTED)\/rendering$/);
    expect(
      new Set(progressOf(sse.events).map((e) => `${e.data.state}/${e.data.subState}`)),
    ).toEqual(new Set(['SONG_READY/rendering']));
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
    // the finished project's history, replayed, shows the re-render as it was seen live
    const replay = await stream(id);
    await replay.ended;
    const seen = (events: SseEvent[]) =>
      events.map((e) => [e.id, e.data.state, e.data.subState ?? null]);
    const replayed = replay.events.filter((e) => Number(e.id) >= Number(sse.events[rerender].id));
    expect(seen(replayed)).toEqual(seen(sse.events.slice(rerender)));
    expect(replay.events.some((e) => e.data.subState === 're-rendering')).toBe(true);
    // and so does a stream resumed (Last-Event-ID) in the middle of the finished re-render
    const resumeAt = sse.events[rerender + 1];
    const resumed = await stream(id, resumeAt.id);
    await resumed.ended;
    expect(seen(resumed.events)).toEqual(seen(sse.events.slice(rerender + 2)));
    expect(resumed.events[0].data).toMatchObject({ state: 'DONE', subState: 're-rendering' });
  });
  /** A finished project of its own (a 15 s video: these tests render it several times). */
  const finished = async () => {
    await scheduler();
    const id = await create(15);
    await (
      await stream(id)
    ).ended;
    expect((await get(id)).state).toBe('DONE');
    return id;
  };
  const videoFile = async (id: string) => {
    const video = (await api.request('GET', `/v1/projects/${id}/video`, { token })).body;
    const u = new URL(video.downloadUrl);
    const res = await api.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` });
    expect(res.statusCode).toBe(200);
    return res.rawPayload;
  };
  const rerender = async (id: string) => {
    const res = await api.request('POST', `/v1/projects/${id}/video`, {
      token,
      body: { engine: 'ffmpeg', templateId: 'clean' },
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ state: 'DONE', subState: 're-rendering' });
  };

  it('brings a cancelled re-render back to DONE with the video it had', async () => {
    const id = await finished();
    const oldVideo = await videoFile(id);
    await rerender(id);
    const sse = await stream(id);
    await reportAbove(sse, 31);
    const cancelled = await api.request('POST', `/v1/projects/${id}/cancel`, { token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ state: 'DONE', subState: null, lastError: null });
    expect(cancelled.body.progress).toMatchObject({ percent: 100, waitingFor: null });
    await sse.ended;
    expect(sse.events.at(-1)?.data).toMatchObject({
      state: 'DONE',
      from: 'DONE',
      step: 'cancel',
      message: expect.stringMatching(/re-render was cancelled/),
    });
    // the stopped render writes nothing back: the project keeps its state and its video
    await new Promise((r) => setTimeout(r, 3000));
    expect(await get(id)).toMatchObject({ state: 'DONE', subState: null, lastError: null });
    expect((await videoFile(id)).equals(oldVideo)).toBe(true);
    const archived = (await api.request('GET', '/v1/archive', { token })).body.items as {
      projectId: string;
    }[];
    expect(archived.some((a) => a.projectId === id)).toBe(true);
    // a cancelled re-render is no end: the project is rendered again as any finished one, and
    // that re-render too is cancelled back to the same video
    await rerender(id);
    const again = await api.request('POST', `/v1/projects/${id}/cancel`, { token });
    expect(again.body).toMatchObject({ state: 'DONE', subState: null });
    expect((await videoFile(id)).equals(oldVideo)).toBe(true);
  });

  it('keeps a failed re-render a re-render: its retry shows DONE, re-rendering, to the new video', async () => {
    const id = await finished();
    const oldVideo = await videoFile(id);
    // the picked clip's file goes missing: the re-render fails for good (one attempt)
    for (const s of [...schedulers]) await s.close();
    schedulers.clear();
    const db = new Database(join(dir, 'castad.sqlite'), { readonly: true });
    const { blob_key: clipKey } = db
      .prepare('SELECT blob_key FROM songs WHERE project_id = ? AND selected = 1')
      .get(id) as { blob_key: string };
    db.close();
    const clipFile = join(dir, 'blobs', 'audio', clipKey);
    renameSync(clipFile, `${clipFile}.away`);
    const hasty = await scheduler({ PIPELINE_MAX_ATTEMPTS: '1' });
    await rerender(id);
    const failing = await stream(id);
    await failing.ended;
    expect(failing.events.at(-1)?.data).toMatchObject({ state: 'FAILED', from: 'DONE' });
    await hasty.stop();
    expect(await get(id)).toMatchObject({ state: 'FAILED', subState: null });
    expect((await videoFile(id)).equals(oldVideo)).toBe(true);

    renameSync(`${clipFile}.away`, clipFile);
    await scheduler();
    const retried = await api.request('POST', `/v1/projects/${id}/retry`, { token });
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ state: 'DONE', subState: 're-rendering' });
    const after = await stream(id, failing.events.at(-1)!.id);
    const seen = new Set<string>();
    await waitFor(
      'the new video',
      async () => {
        const p = await get(id);
        if (p.state !== 'DONE') throw new Error(`${p.state}: ${p.lastError}`);
        if (!p.subState) return true;
        seen.add(p.subState);
        return undefined;
      },
      480_000,
      200,
    );
    expect([...seen]).toEqual(['re-rendering']);
    await after.ended;
    expect(after.events[0].data).toMatchObject({
      from: 'FAILED',
      state: 'DONE',
      subState: 're-rendering',
      progressReset: 'retried',
    });
    for (const e of after.events.slice(0, -1))
      expect(e.data).toMatchObject({ state: 'DONE', subState: 're-rendering' });
    expect(progressOf(after.events).length).toBeGreaterThan(0);
    expect(after.events.at(-1)?.data).toMatchObject({ state: 'DONE', step: 'poll_video' });
    expect((await videoFile(id)).equals(oldVideo)).toBe(false);
  });
});
