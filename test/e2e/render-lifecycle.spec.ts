import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startApi, startScheduler, TestApi } from '../harness/api-app';
import { freePort, waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(600_000);

interface Read {
  state: string;
  step: string | null;
  percent: number;
  etaSec: number | null;
}

/** Folders under `root` with nothing in them (the containers themselves aside). */
function emptyFoldersUnder(root: string, depth = 0): string[] {
  if (!existsSync(root)) return [];
  const entries = readdirSync(root);
  const here = entries.length === 0 && depth > 1 ? [root] : [];
  return [
    ...here,
    ...entries
      .map((e) => join(root, e))
      .filter((p) => statSync(p).isDirectory())
      .flatMap((p) => emptyFoldersUnder(p, depth + 1)),
  ];
}

/** Every file under `root`, recursively. */
function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((p) =>
    statSync(join(root, p)).isFile(),
  );
}

/**
 * A render followed as an owner follows it (GET and the live stream), rendered again from the
 * archive, and deleted: on the embedded stack with the offline engines.
 */
describe('a render from start to archive', () => {
  const dir = tempDir('render-lifecycle');
  const blobs = join(dir, 'blobs');
  const work = join(dir, 'work');
  let api: TestApi;
  let scheduler: Awaited<ReturnType<typeof startScheduler>>;
  let port: number;
  let token: string;
  let storeId: string;
  let projectId: string;

  beforeAll(async () => {
    port = await freePort();
    const env = {
      DB_SQLITE_PATH: join(dir, 'castad.sqlite'),
      BLOB_LOCAL_ROOT: blobs,
      WORK_DIR: work,
      PIPELINE_POLL_MS: '100',
      FFMPEG_TIMEOUT_MS: '300000',
      JWT_SECRET: 'render-life-secret-render-life-secret-render',
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    };
    api = await startApi(env);
    // the live stream is read over a real connection
    await api.app.listen(port, '127.0.0.1');
    scheduler = await startScheduler(env);
    token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '렌더사장' } }))
      .body.accessToken;
    const found = await api.request(
      'GET',
      `/v1/stores/search?query=${encodeURIComponent('연남동 파스타')}`,
      { token },
    );
    const store = await api.request('POST', '/v1/stores', {
      token,
      body: {
        ...found.body.items[0],
        link: undefined,
        source: 'sample',
        menu: [{ name: '봉골레' }, { name: '까르보나라' }],
      },
    });
    expect(store.status).toBe(201);
    storeId = store.body.id;
    expect((await api.uploadPhoto(storeId, token)).status).toBe(201);
  });

  afterAll(async () => {
    await scheduler?.close();
    await api?.close();
    removeDir(dir);
  });

  const get = async (
    id: string,
  ): Promise<Read & { lastError: string | null; subState: string | null }> => {
    const p = (await api.request('GET', `/v1/projects/${id}`, { token })).body;
    const { state, subState, step, lastError } = p;
    return { state, subState, step, lastError, ...p.progress };
  };

  /** Reads the project every 150 ms until it is DONE. */
  const follow = async (id: string): Promise<Read[]> => {
    const reads: Read[] = [];
    await waitFor(
      `project ${id} DONE`,
      async () => {
        const r = await get(id);
        if (r.state === 'FAILED') throw new Error(`FAILED: ${r.lastError}`);
        reads.push(r);
        return r.state === 'DONE' ? r : undefined;
      },
      480_000,
      150,
    );
    return reads;
  };

  /** The live stream's events until `stop` resolves. */
  const listen = (id: string) => {
    const abort = new AbortController();
    const events: { type: string; data: any }[] = [];
    const done = (async () => {
      const res = await fetch(`http://127.0.0.1:${port}/v1/projects/${id}/events`, {
        headers: { authorization: `Bearer ${token}` },
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body!) {
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          const blocks = buffer.split('\n\n');
          buffer = blocks.pop() ?? '';
          for (const block of blocks) {
            const type = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (data) events.push({ type, data: JSON.parse(data) });
          }
        }
      } catch (err) {
        if (!abort.signal.aborted) throw err;
      }
    })();
    return {
      events,
      stop: async () => {
        abort.abort();
        await done;
      },
    };
  };

  it('moves the percent during the render, on GET and on the live stream, with an ETA at every read', async () => {
    const created = await api.request('POST', '/v1/projects', {
      token,
      body: { storeId, mood: 'bright', lengthSec: 30, autopilot: true },
    });
    expect(created.status).toBe(202);
    projectId = created.body.id;
    const live = listen(projectId);
    const reads = [
      { ...created.body.progress, state: 'DRAFT', step: null },
      ...(await follow(projectId)),
    ];
    await waitFor(
      'the stream to see DONE',
      async () =>
        live.events.some((e) => e.type === 'state' && e.data.state === 'DONE') || undefined,
    );
    await live.stop();

    // an estimate at every read, from the first (no history on this fresh install) to DONE
    for (const r of reads) expect(r.etaSec).toEqual(expect.any(Number));
    expect(reads[reads.length - 1]).toMatchObject({ state: 'DONE', percent: 100, etaSec: 0 });
    // never backwards
    const percents = reads.map((r) => r.percent);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    // during the render (its step started, before VIDEO_READY) the percent moves
    const rendering = reads.filter((r) => r.state === 'SONG_READY' && r.step === 'submit_video');
    const start = rendering[0]?.percent;
    const moving = new Set(rendering.map((r) => r.percent).filter((p) => p > start));
    expect(moving.size).toBeGreaterThanOrEqual(2);
    // and the ETA with it
    const etas = rendering.map((r) => r.etaSec!);
    expect(Math.min(...etas)).toBeLessThan(Math.max(...etas));

    const progress = live.events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(new Set(progress.map((e) => e.data.percent)).size).toBe(progress.length);
    for (const e of progress)
      expect(e.data).toMatchObject({ state: 'SONG_READY', step: 'submit_video' });
  });

  it('leaves no work files of the song or the render once their steps ended', () => {
    expect(filesUnder(join(work, 'renders'))).toEqual([]);
    expect(filesUnder(join(work, 'synth'))).toEqual([]);
  });

  it('keeps a finished video in the archive while it is rendered again, then swaps it', async () => {
    const archived = async () =>
      ((await api.request('GET', '/v1/archive', { token })).body.items as any[]).find(
        (i) => i.projectId === projectId,
      );
    const fetchFile = (url: string) => {
      const u = new URL(url);
      return api.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` });
    };
    const before = await archived();
    const oldBytes = (await fetchFile(before.videoUrl)).rawPayload;
    const oldKey = decodeURIComponent(new URL(before.videoUrl).pathname.split('/').pop()!);
    expect(oldBytes.length).toBeGreaterThan(10_000);

    const again = await api.request('POST', `/v1/projects/${projectId}/video`, {
      token,
      body: { engine: 'ffmpeg' },
    });
    expect(again.status).toBe(202);
    // while it renders: still listed, with the current video, which still downloads whole
    let seenWhileRendering = 0;
    await waitFor(
      'the new video',
      async () => {
        const p = await get(projectId);
        if (p.state === 'FAILED') throw new Error(`FAILED: ${p.lastError}`);
        const item = await archived();
        // rendered again, the project stays DONE (re-rendering) until the new video is saved
        if (p.state === 'DONE' && !p.subState) return item;
        expect(p).toMatchObject({ state: 'DONE', subState: 're-rendering' });
        expect(item).toBeDefined();
        const key = decodeURIComponent(new URL(item.videoUrl).pathname.split('/').pop()!);
        if (key === oldKey) {
          const file = await fetchFile(item.videoUrl);
          expect(file.statusCode).toBe(200);
          expect(file.rawPayload.equals(oldBytes)).toBe(true);
          seenWhileRendering++;
        }
        return undefined;
      },
      480_000,
      200,
    );
    expect(seenWhileRendering).toBeGreaterThan(0);

    const after = await archived();
    const newKey = decodeURIComponent(new URL(after.videoUrl).pathname.split('/').pop()!);
    expect(newKey).not.toBe(oldKey);
    expect((await fetchFile(after.videoUrl)).statusCode).toBe(200);
    // the replaced video is gone from the store, not left behind
    expect(existsSync(join(blobs, 'video', oldKey))).toBe(false);
    expect(filesUnder(join(blobs, 'video'))).toEqual([newKey]);
    expect(filesUnder(join(work, 'renders'))).toEqual([]);
  });

  it('deletes a creation from the archive without leaving empty folders behind', async () => {
    expect(filesUnder(join(blobs, 'video')).length).toBe(1);
    const res = await api.request('DELETE', `/v1/archive/${projectId}`, { token });
    expect(res.status).toBe(204);
    for (const container of ['video', 'audio', 'thumbnails'])
      expect(existsSync(join(blobs, container, 'projects', projectId))).toBe(false);
    expect(emptyFoldersUnder(blobs)).toEqual([]);
    // the store's photo is the store's, not the creation's
    expect(filesUnder(join(blobs, 'photos')).length).toBe(1);
  });

  it('stops FFmpeg as soon as the owner cancels the render, with no failure or retry after it', async () => {
    const created = await api.request('POST', '/v1/projects', {
      token,
      body: { storeId, mood: 'calm', lengthSec: 30, autopilot: true },
    });
    const id = created.body.id;
    const renders = join(work, 'renders');
    // FFmpeg processes rendering into this stack's work folder
    const rendering = () =>
      execFileSync('ps', ['-eww', '-o', 'args'], { encoding: 'utf8' })
        .split('\n')
        .filter((args) => /ffmpeg/.test(args) && args.includes(renders));
    await waitFor(
      'the render to run',
      async () => {
        const p = await get(id);
        if (p.state === 'FAILED' || p.state === 'DONE') throw new Error(`render over: ${p.state}`);
        return (p.step === 'submit_video' && p.percent > 31 && rendering().length > 0) || undefined;
      },
      240_000,
      100,
    );
    const cancelled = await api.request('POST', `/v1/projects/${id}/cancel`, { token });
    expect(cancelled.status).toBe(200);
    // the lease's heartbeat (10 s apart at the default 30 s lease) is not what stops it: the
    // cancel reaches the running step through the live feed
    await waitFor('FFmpeg to stop', async () => rendering().length === 0 || undefined, 3000, 50);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await get(id)).toMatchObject({ state: 'CANCELLED', lastError: null });
  });
});
