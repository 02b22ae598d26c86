import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { startApi, startScheduler, TestApi } from '../harness/api-app';
import { freePort, waitFor } from '../harness/ports';
import { FakeGoogle } from '../fakes/google.fake';
import { FakeInstagram } from '../fakes/instagram.fake';
import { fakeEnv } from '../fakes/env';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(300_000);

/** the plain notice every default caption carries: the song and lyrics are AI-generated */
const AI_NOTICE = '이 영상의 노래와 가사는 AI로 만들었습니다.';

/** The whole product on the embedded stack, over HTTP: offline engines, SQLite, local files. */
describe('the user journey on the embedded default', () => {
  const dir = tempDir('journey');
  let api: TestApi;
  let scheduler: Awaited<ReturnType<typeof startScheduler>>;
  let token: string;
  let storeId: string;
  const google = new FakeGoogle();
  const instagram = new FakeInstagram();
  let autopilotId = '';
  const env: Record<string, string> = {
    DB_SQLITE_PATH: join(dir, 'castad.sqlite'),
    BLOB_LOCAL_ROOT: join(dir, 'blobs'),
    WORK_DIR: join(dir, 'work'),
    PIPELINE_POLL_MS: '100',
    FFMPEG_TIMEOUT_MS: '240000',
    JWT_SECRET: 'journey-secret-journey-secret-journey-secret',
  };

  beforeAll(async () => {
    await google.start();
    await instagram.start();
    const port = await freePort();
    Object.assign(env, {
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      ...fakeEnv.google(google),
      ...fakeEnv.instagram(instagram),
      PUBLISH_POLL_MS: '200',
    });
    api = await startApi(env);
    // Instagram fetches the video from our signed file URL itself, so the API listens for real
    await api.app.listen(port, '127.0.0.1');
    scheduler = await startScheduler({ ...env, LOG_LEVEL: process.env.JOURNEY_LOG ?? 'silent' });
    token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '국밥집사장' } }))
      .body.accessToken;
    // Home: search, then make the store from a result, with the owner's menu and a photo
    const found = await api.request(
      'GET',
      `/v1/stores/search?query=${encodeURIComponent('해운대 국밥')}`,
      { token },
    );
    expect(found.body.items[0]).toMatchObject({ name: '해운대 할매국밥' });
    const store = await api.request('POST', '/v1/stores', {
      token,
      body: {
        ...found.body.items[0],
        link: undefined,
        source: 'sample',
        phone: '051-123-4567',
        menu: [{ name: '돼지국밥', price: '9,000원' }, { name: '수육' }],
      },
    });
    expect(store.status).toBe(201);
    storeId = store.body.id;
    const photo = await sharp({
      create: { width: 1200, height: 900, channels: 3, background: '#a52' },
    })
      .jpeg()
      .toBuffer();
    const form = new FormData();
    form.append('photo', new Blob([photo], { type: 'image/jpeg' }), 'shop.jpg');
    const multipart = new Response(form);
    const uploaded = await api.app.inject({
      method: 'POST',
      url: `/v1/stores/${storeId}/photos`,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': multipart.headers.get('content-type')!,
      },
      payload: Buffer.from(await multipart.arrayBuffer()),
    });
    expect(uploaded.statusCode).toBe(201);
  });

  afterAll(async () => {
    await scheduler?.close();
    await api?.close();
    await google.stop();
    await instagram.stop();
    removeDir(dir);
  });

  const project = (id: string) => api.request('GET', `/v1/projects/${id}`, { token });
  const until = (id: string, state: string) =>
    waitFor(
      `project ${id} to reach ${state}`,
      async () => {
        const p = (await project(id)).body;
        if (p.state === 'FAILED') throw new Error(`FAILED: ${p.lastError}`);
        // a finished project rendered again is DONE only once its new video is saved
        return p.state === state && !p.subState ? p : undefined;
      },
      240_000,
      150,
    );
  const download = async (url: string, file: string) => {
    const u = new URL(url);
    const res = await api.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` });
    expect(res.statusCode).toBe(200);
    writeFileSync(file, res.rawPayload);
    return res;
  };

  it('lyrics -> edit -> approve -> song -> pick a clip -> video -> archive -> MP4', async () => {
    const created = await api.request('POST', '/v1/projects', {
      token,
      body: { storeId, mood: 'bright', genre: 'pop', lengthSec: 20, keywords: ['50년 전통'] },
    });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ state: 'DRAFT', progress: { percent: 0 } });
    const id = created.body.id;

    const ready = await until(id, 'LYRICS_READY');
    expect(ready.progress.waitingFor).toBe('owner');
    const [v1] = (await api.request('GET', `/v1/projects/${id}/lyrics`, { token })).body;
    expect(v1.sections.flatMap((s: { lines: string[] }) => s.lines).join(' ')).toContain(
      '해운대 할매국밥',
    );

    const edited = await api.request('PUT', `/v1/projects/${id}/lyrics`, {
      token,
      body: {
        title: v1.title,
        sections: [...v1.sections.slice(0, -1), { name: 'outro', lines: ['할매국밥에서 만나요'] }],
      },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, source: 'edited' });
    const tooLong = await api.request('PUT', `/v1/projects/${id}/lyrics`, {
      token,
      body: { title: 'x', sections: [{ name: 'verse', lines: ['가'.repeat(41)] }] },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.message).toMatch(/lines/);
    // lyrics with nothing to sing are refused, saying what is missing
    for (const [body, says] of [
      [{ title: 'x', sections: [] }, /sections must have at least one item/],
      [
        { title: 'x', sections: [{ name: 'verse', lines: [] }] },
        /lines must have at least one item/,
      ],
      [{ title: 'x', sections: [{ name: 'verse', lines: ['   '] }] }, /not only spaces/],
      [{ title: '  ', sections: v1.sections }, /title must have words/],
    ] as const) {
      const blank = await api.request('PUT', `/v1/projects/${id}/lyrics`, { token, body });
      expect(blank.status).toBe(400);
      expect(blank.body.message).toMatch(says);
    }

    expect(
      (await api.request('POST', `/v1/projects/${id}/lyrics/approve`, { token, body: {} })).status,
    ).toBe(202);
    await until(id, 'SONG_READY');
    const first = (await api.request('GET', `/v1/projects/${id}/song`, { token })).body;
    expect(first).toHaveLength(2);
    // not taken with either clip: two new ones from the same lyrics
    expect(
      (await api.request('POST', `/v1/projects/${id}/video`, { token, body: {} })).status,
    ).toBe(409); // no clip picked
    expect((await api.request('POST', `/v1/projects/${id}/song`, { token, body: {} })).status).toBe(
      202,
    );
    await waitFor(
      'new clips',
      async () => {
        const p = (await project(id)).body;
        if (p.state !== 'SONG_READY') return undefined;
        const now = (await api.request('GET', `/v1/projects/${id}/song`, { token })).body as {
          id: string;
        }[];
        return now.length === 2 &&
          now.every((c) => !first.some((f: { id: string }) => f.id === c.id))
          ? now
          : undefined;
      },
      120_000,
      150,
    );
    const clips = (await api.request('GET', `/v1/projects/${id}/song`, { token })).body;
    expect(clips).toHaveLength(2);
    const clipFile = join(dir, 'clip.m4a');
    await download(clips[1].downloadUrl, clipFile);
    const songSec = Number(
      execFileSync(
        'ffprobe',
        ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', clipFile],
        { encoding: 'utf8' },
      ),
    );

    expect(
      (
        await api.request('POST', `/v1/projects/${id}/song/select`, {
          token,
          body: { clipId: clips[1].id },
        })
      ).status,
    ).toBe(202);
    const done = await until(id, 'DONE');
    expect(done.progress).toMatchObject({ percent: 100 });

    const video = (await api.request('GET', `/v1/projects/${id}/video`, { token })).body;
    expect(video).toMatchObject({ width: 1080, height: 1920, engine: 'ffmpeg' });
    const mp4 = join(dir, 'video.mp4');
    const res = await download(video.downloadUrl, mp4);
    expect(res.headers['content-type']).toBe('video/mp4');
    const probe = JSON.parse(
      execFileSync(
        'ffprobe',
        ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', mp4],
        { encoding: 'utf8' },
      ),
    );
    const v = probe.streams.find((s: { codec_type: string }) => s.codec_type === 'video');
    expect([v.codec_name, v.width, v.height]).toEqual(['h264', 1080, 1920]);
    expect(probe.streams.some((s: { codec_name: string }) => s.codec_name === 'aac')).toBe(true);
    expect(Math.abs(Number(probe.format.duration) - Math.min(songSec, 21))).toBeLessThan(1);

    // rendered again on request: the engine checked, the FFmpeg renderer's looks by templateId
    expect((await api.request('POST', `/v1/projects/${id}/song`, { token, body: {} })).status).toBe(
      409,
    );
    expect(
      (
        await api.request('POST', `/v1/projects/${id}/video`, {
          token,
          body: { engine: 'creatomate' },
        })
      ).body.message,
    ).toMatch(/not configured/);
    const unknownLook = await api.request('POST', `/v1/projects/${id}/video`, {
      token,
      body: { templateId: 'tpl-1' },
    });
    expect(unknownLook.status).toBe(400);
    expect(unknownLook.body.message).toMatch(/warm, bold, clean/);
    const rerender = await api.request('POST', `/v1/projects/${id}/video`, {
      token,
      body: { engine: 'ffmpeg', templateId: 'bold' },
    });
    expect(rerender.status).toBe(202);
    // rendered again, the project stays DONE for its owner, with its video, until the new one
    expect(rerender.body).toMatchObject({ state: 'DONE', subState: 're-rendering' });
    expect(rerender.body.options).toMatchObject({ videoEngine: 'ffmpeg', templateId: 'bold' });
    await until(id, 'DONE');
    expect((await api.request('GET', `/v1/projects/${id}/video`, { token })).body).toMatchObject({
      engine: 'ffmpeg',
      width: 1080,
    });

    // a tampered or expired file link is refused
    const u = new URL(video.downloadUrl);
    u.searchParams.set('sig', 'x' + u.searchParams.get('sig')!.slice(1));
    expect(
      (await api.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` })).statusCode,
    ).toBe(404);

    // Archive: the creation with its thumbnail, duration and download link
    const archive = (await api.request('GET', '/v1/archive', { token })).body;
    const item = archive.items.find((a: { projectId: string }) => a.projectId === id);
    expect(item).toMatchObject({
      storeName: '해운대 할매국밥',
      width: 1080,
      height: 1920,
      engine: 'ffmpeg',
    });
    expect(Math.abs(item.durationSec - Number(probe.format.duration))).toBeLessThan(1);
    const thumb = await api.app.inject({
      method: 'GET',
      url: new URL(item.thumbnailUrl).pathname + new URL(item.thumbnailUrl).search,
    });
    expect(thumb.statusCode).toBe(200);
    expect((await sharp(thumb.rawPayload).metadata()).format).toBe('jpeg');
    const again = join(dir, 'archive.mp4');
    await download(item.videoUrl, again);
  });

  it('runs straight through on autopilot', async () => {
    const created = await api.request('POST', '/v1/projects', {
      token,
      body: { storeId, mood: 'calm', lengthSec: 15, autopilot: true },
    });
    // the first project's step durations make an ETA for this one
    expect(created.body.progress.etaSec).toEqual(expect.any(Number));
    const done = await until(created.body.id, 'DONE');
    expect(done.autopilot).toBe(true);
    autopilotId = created.body.id;
    const video = await api.request('GET', `/v1/projects/${created.body.id}/video`, { token });
    expect(video.status).toBe(200);
    // in the archive, and a real vertical H.264/AAC MP4
    const item = (await api.request('GET', '/v1/archive', { token })).body.items.find(
      (a: { projectId: string }) => a.projectId === created.body.id,
    );
    const mp4 = join(dir, 'autopilot.mp4');
    await download(item.videoUrl, mp4);
    const probe = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', mp4], {
        encoding: 'utf8',
      }),
    );
    const v = probe.streams.find((x: { codec_type: string }) => x.codec_type === 'video');
    expect([v.codec_name, v.width, v.height]).toEqual(['h264', 1080, 1920]);
    expect(probe.streams.some((x: { codec_name: string }) => x.codec_name === 'aac')).toBe(true);
  });

  it('connects YouTube and Instagram and publishes the finished video to both', async () => {
    const connect = async (platform: string) => {
      const start = await api.request('GET', `/v1/social/${platform}/connect`, { token });
      expect(start.status).toBe(200);
      // the owner consents on the platform's page, which sends the browser back to our callback
      const consent = await fetch(start.body.authorizeUrl, { redirect: 'manual' });
      const callback = new URL(consent.headers.get('location')!);
      expect(callback.pathname).toBe(`/v1/social/${platform}/callback`);
      const back = await api.request('GET', `${callback.pathname}${callback.search}`);
      expect(back.status).toBe(200);
      // the state works once
      expect((await api.request('GET', `${callback.pathname}${callback.search}`)).status).toBe(401);
      return back.body;
    };
    const yt = await connect('youtube');
    const ig = await connect('instagram');
    expect(yt).toMatchObject({ platform: 'youtube', externalId: google.channel.id });
    const listed = (await api.request('GET', '/v1/social/accounts', { token })).body;
    expect(listed.platforms).toEqual(['youtube', 'instagram']);
    expect(listed.items).toHaveLength(2);
    expect(JSON.stringify(listed)).not.toMatch(/g-access|g-refresh|IGlong/);

    const up = await api.request('POST', `/v1/projects/${autopilotId}/uploads`, {
      token,
      body: {
        accounts: [yt.id, ig.id],
        title: '해운대 할매국밥 CM송',
        description: '40년 전통',
        tags: ['국밥'],
        privacy: 'public',
      },
    });
    expect(up.status).toBe(202);
    expect(up.body.items.map((u: { state: string }) => u.state)).toEqual(['queued', 'queued']);
    const published = await waitFor(
      'both publications',
      async () => {
        const items = (await api.request('GET', `/v1/projects/${autopilotId}/uploads`, { token }))
          .body.items as { state: string; postUrl: string; error: string }[];
        if (items.some((i) => i.state === 'failed'))
          throw new Error(`failed: ${items.map((i) => i.error).join('; ')}`);
        return items.every((i) => i.state === 'published') ? items : undefined;
      },
      60_000,
      200,
    );
    expect(published.map((p) => p.postUrl)).toEqual([
      expect.stringMatching(/^https:\/\/www\.youtube\.com\/shorts\//),
      expect.stringMatching(/^https:\/\/www\.instagram\.com\/reel\//),
    ]);
    const [video] = [...google.videos.values()];
    const mp4 = (await api.request('GET', `/v1/projects/${autopilotId}/video`, { token })).body;
    const original = await api.app.inject({
      method: 'GET',
      url: new URL(mp4.downloadUrl).pathname + new URL(mp4.downloadUrl).search,
    });
    expect(video.bytes.equals(original.rawPayload)).toBe(true);
    expect(video.meta.status.privacyStatus).toBe('public');
    expect([...instagram.containers.values()][0].videoBytes).toBe(original.rawPayload.length);
    // disclosure: YouTube is told the video is synthetic; the owner's own caption (which no
    // longer carries the AI notice: they removed it) is published exactly as they sent it
    expect(video.meta.status.containsSyntheticMedia).toBe(true);
    expect(video.meta.snippet.description).toBe('40년 전통');
    expect([...instagram.containers.values()][0].caption).not.toContain(AI_NOTICE);
    const draft = await api.request('GET', `/v1/projects/${autopilotId}/uploads/draft`, { token });
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({ containsSyntheticMedia: true, tags: [] });
    expect(draft.body.description).toContain(AI_NOTICE);

    // a slow upload does not hold another publication back: they run side by side
    google.knobs.latencyMs = 1500;
    try {
      const second = await api.request('POST', `/v1/projects/${autopilotId}/uploads`, {
        token,
        body: { accounts: [yt.id, ig.id], title: '두 번째', privacy: 'private' },
      });
      const [ytUp, igUp] = second.body.items as { id: string }[];
      const states = await waitFor(
        'the Instagram one to finish',
        async () => {
          const items = (await api.request('GET', `/v1/projects/${autopilotId}/uploads`, { token }))
            .body.items as { id: string; state: string }[];
          const byId = Object.fromEntries(items.map((i) => [i.id, i.state]));
          return byId[igUp.id] === 'published' ? byId : undefined;
        },
        30_000,
        50,
      );
      expect(states[ytUp.id]).not.toBe('published');
      // no caption sent: the default one, with the AI notice, on both platforms
      expect([...instagram.containers.values()][1].caption).toContain(AI_NOTICE);
      await waitFor(
        'the YouTube one too',
        async () =>
          (
            (await api.request('GET', `/v1/projects/${autopilotId}/uploads`, { token })).body
              .items as { id: string; state: string }[]
          ).some((i) => i.id === ytUp.id && i.state === 'published') || undefined,
        60_000,
        200,
      );
      const defaulted = [...google.videos.values()][1].meta;
      expect(defaulted.snippet.description).toBe(draft.body.description);
      expect(defaulted.status.containsSyntheticMedia).toBe(true);
    } finally {
      google.knobs.latencyMs = 0;
    }

    // the owner revoked our access on Google's side: the account waits to be connected again,
    // its publications are parked (not failed, not retried), and go on once it is
    const uploads = async () =>
      (await api.request('GET', `/v1/projects/${autopilotId}/uploads`, { token })).body.items as {
        id: string;
        state: string;
        error: string | null;
      }[];
    google.expireAccessTokens();
    google.revokeRefreshTokens();
    const third = await api.request('POST', `/v1/projects/${autopilotId}/uploads`, {
      token,
      body: { accounts: [yt.id], title: '세 번째', privacy: 'private' },
    });
    const [thirdUp] = third.body.items as { id: string }[];
    const parked = await waitFor(
      'the publication to be parked',
      async () => (await uploads()).find((u) => u.id === thirdUp.id && u.state === 'parked'),
      30_000,
      200,
    );
    expect(parked.error).toMatch(/connect the account again/);
    const accounts = (await api.request('GET', '/v1/social/accounts', { token })).body.items as {
      id: string;
      needsReconnect: { since: string; reason: string } | null;
    }[];
    expect(accounts.find((a) => a.id === yt.id)?.needsReconnect).toEqual({
      since: expect.any(String),
      reason: expect.stringMatching(/connect the account again/),
    });
    expect(accounts.find((a) => a.id === ig.id)?.needsReconnect).toBeNull();
    const videosBefore = google.videos.size;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await uploads()).find((u) => u.id === thirdUp.id)?.state).toBe('parked');
    expect(google.videos.size).toBe(videosBefore);
    expect((await connect('youtube')).needsReconnect).toBeNull();
    await waitFor(
      'the parked publication to go on after reconnecting',
      async () => (await uploads()).find((u) => u.id === thirdUp.id && u.state === 'published'),
      60_000,
      200,
    );
    expect(google.videos.size).toBe(videosBefore + 1);

    // another user can neither see nor publish this project, nor use these accounts
    const other = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '옆집' } }))
      .body.accessToken;
    expect(
      (
        await api.request('POST', `/v1/projects/${autopilotId}/uploads`, {
          token: other,
          body: { accounts: [yt.id], title: 't', privacy: 'private' },
        })
      ).status,
    ).toBe(404);
    expect(
      (await api.request('DELETE', `/v1/social/accounts/${yt.id}`, { token: other })).status,
    ).toBe(404);
    expect((await api.request('DELETE', `/v1/social/accounts/${yt.id}`, { token })).status).toBe(
      204,
    );
  });

  it('deletes a creation from the archive with its files', async () => {
    const archive = (await api.request('GET', '/v1/archive?limit=1', { token })).body;
    expect(archive.items).toHaveLength(1);
    expect(archive.nextCursor).toEqual(expect.any(String));
    const next = (
      await api.request('GET', `/v1/archive?limit=1&cursor=${archive.nextCursor}`, { token })
    ).body;
    expect(next.items).toHaveLength(1);
    expect(next.items[0].projectId).not.toBe(archive.items[0].projectId);
    const victim = next.items[0];
    const other = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '남남' } }))
      .body.accessToken;
    expect(
      (await api.request('DELETE', `/v1/archive/${victim.projectId}`, { token: other })).status,
    ).toBe(404);
    expect((await api.request('DELETE', `/v1/archive/${victim.projectId}`, { token })).status).toBe(
      204,
    );
    const u = new URL(victim.videoUrl);
    expect(
      (await api.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` })).statusCode,
    ).toBe(404);
    expect((await api.request('GET', `/v1/projects/${victim.projectId}`, { token })).status).toBe(
      404,
    );
    expect(
      (await api.request('GET', '/v1/archive', { token })).body.items.map(
        (a: { projectId: string }) => a.projectId,
      ),
    ).not.toContain(victim.projectId);
  });

  it("refuses actions out of turn and other people's projects", async () => {
    const created = await api.request('POST', '/v1/projects', {
      token,
      body: { storeId, lengthSec: 15 },
    });
    const id = created.body.id;
    expect(
      (await api.request('POST', `/v1/projects/${id}/song/select`, { token, body: { clipId: id } }))
        .status,
    ).toBe(409);
    expect((await api.request('POST', `/v1/projects/${id}/retry`, { token })).status).toBe(409);
    const other = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '남' } }))
      .body.accessToken;
    expect((await api.request('GET', `/v1/projects/${id}`, { token: other })).status).toBe(404);
    expect(
      (await api.request('POST', '/v1/projects', { token: other, body: { storeId } })).status,
    ).toBe(404);
    expect((await api.request('POST', `/v1/projects/${id}/cancel`, { token })).body.state).toBe(
      'CANCELLED',
    );
    expect((await api.request('POST', `/v1/projects/${id}/cancel`, { token })).status).toBe(409);
  });
});
