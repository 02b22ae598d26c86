import { join } from 'node:path';
import { describeWithServers } from '../harness/binaries';
import { ARTIFACTS, launchChromium, pageErrors } from '../harness/chromium';
import { startApi, startScheduler, TestApi } from '../harness/api-app';
import { freePort, waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(300_000);

/**
 * A newcomer in the studio page (/) on the embedded stack, in headless Chromium: from a
 * nickname to a video playing in the page, through every stop where the owner chooses.
 */
describeWithServers(['chromium', 'ffmpeg'], 'the studio page in headless Chromium', () => {
  const dir = tempDir('studio');
  let api: TestApi;
  let scheduler: Awaited<ReturnType<typeof startScheduler>>;
  let base = '';

  beforeAll(async () => {
    const port = await freePort();
    // the page opened by the server's other name: the file links (PUBLIC_BASE_URL's default,
    // http://127.0.0.1:PORT) are then on another origin, which the page's CSP must admit
    base = `http://localhost:${port}`;
    const env = {
      DB_SQLITE_PATH: join(dir, 'studio.sqlite'),
      BLOB_LOCAL_ROOT: join(dir, 'blobs'),
      WORK_DIR: join(dir, 'work'),
      PIPELINE_POLL_MS: '100',
      PORT: String(port),
    };
    api = await startApi(env);
    await api.app.listen(port, '127.0.0.1');
    scheduler = await startScheduler(env);
  });
  afterAll(async () => {
    await scheduler?.close();
    await api?.close();
    removeDir(dir);
  });

  it('signs in, adds a store and a photo, makes a video with lyrics rewritten, edited and a clip chosen, and plays it; a reload keeps the store and the project', async () => {
    const { default: sharp } = await import('sharp');
    const photo = await sharp({
      create: { width: 900, height: 1200, channels: 3, background: '#2a6' },
    })
      .jpeg()
      .toBuffer();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 1400 } });
      const errors = pageErrors(page);
      page.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
      const shot = (name: string) =>
        page.screenshot({ path: join(ARTIFACTS, `studio-${name}.png`), fullPage: true });
      const home = await page.goto(`${base}/`, { waitUntil: 'networkidle' });
      // the API's security headers, with a CSP the page keeps (checked by the console errors)
      expect(home!.headers()['content-security-policy']).toContain("script-src 'self'");
      expect(home!.headers()['x-content-type-options']).toBe('nosniff');
      expect(home!.headers()['content-type']).toMatch(/^text\/html/);

      await page.fill('#nickname', '국밥집사장');
      await page.click('#sign-in-form button');
      await page.waitForSelector('#store:not([hidden])');
      await expect(page.textContent('#who')).resolves.toContain('국밥집사장');
      await shot('1-signed-in');

      await page.fill('#query', '해운대 국밥');
      await page.click('#search-form button');
      await page.waitForSelector('#results li button');
      await shot('2-search');
      await page.click('#results li button');
      await page.waitForSelector('#store-chosen:not([hidden])');

      await page.setInputFiles('#photo-input', {
        name: 'shop.jpg',
        mimeType: 'image/jpeg',
        buffer: photo,
      });
      await page.waitForSelector('#photo-list img');
      // the thumbnail loads through its signed URL (polled with evaluate: waitForFunction's
      // string form needs eval, which the page's CSP refuses)
      await waitFor(
        'the thumbnail to load',
        async () =>
          (await page.evaluate(
            "(() => { const img = document.querySelector('#photo-list img'); return !!img && img.complete && img.naturalWidth > 0; })()",
          )) as boolean,
        30_000,
        200,
      );

      // a reload comes back to the chosen store, with its photo
      const storeId = new URL(page.url()).searchParams.get('store');
      expect(storeId).toMatch(/^[0-9a-f-]{36}$/);
      await page.reload({ waitUntil: 'networkidle' });
      await page.waitForSelector('#store-chosen:not([hidden])');
      await expect(page.textContent('#store-chosen')).resolves.toContain('국밥');
      await page.waitForSelector('#photo-list img');
      await expect(page.locator('#photo-list img').count()).resolves.toBe(1);
      await shot('2b-reloaded');

      await page.selectOption('#mood', 'bright');
      await page.selectOption('#genre', 'trot');
      await page.fill('#length', '15');
      await page.click('#project-form button');
      await page.waitForSelector('#progress:not([hidden])');

      // the first stop: the owner reads the lyrics and approves them
      await page.waitForSelector('#lyrics-choice:not([hidden])', { timeout: 60_000 });
      await expect(page.textContent('#state')).resolves.toBe(
        'Waiting for you: read and approve the lyrics',
      );
      await expect(page.locator('#lyrics textarea').count()).resolves.toBeGreaterThan(0);
      await expect(page.textContent('#lyrics-version')).resolves.toMatch(/^Version 1 /);
      await shot('3-lyrics');

      // new lyrics asked for with a hint: written again, then the owner's turn again
      await page.fill('#hints', '더 신나게');
      await page.click('#regenerate-lyrics');
      await page.waitForSelector('#lyrics-choice:not([hidden])', { timeout: 60_000 });
      await waitFor(
        'the second version',
        async () => /^Version 2 /.test((await page.textContent('#lyrics-version')) ?? ''),
        30_000,
        200,
      );
      await shot('3b-lyrics-rewritten');

      // the owner's own words, saved as a version of their own
      const mine = '국밥 한 그릇에 하루가 든든';
      await page.fill('#lyrics-title', '우리 동네 국밥');
      await page.fill('#lyrics-section-0', mine);
      await page.click('#save-lyrics');
      await waitFor(
        'the edit saved',
        async () =>
          /^Version 3 · your edit/.test((await page.textContent('#lyrics-version')) ?? ''),
        30_000,
        200,
      );
      await shot('3c-lyrics-edited');

      // a reload at the stop comes back to the project, showing the edit
      const projectId = new URL(page.url()).searchParams.get('project');
      expect(projectId).toMatch(/^[0-9a-f-]{36}$/);
      // (not networkidle: the page holds the project's live stream open)
      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector('#lyrics-choice:not([hidden])', { timeout: 30_000 });
      await expect(page.inputValue('#lyrics-section-0')).resolves.toBe(mine);
      await expect(page.inputValue('#lyrics-title')).resolves.toBe('우리 동네 국밥');
      await page.click('#approve-lyrics');
      // the song is made from the edit: version 3 approved, as the owner wrote it
      const token = (await page.evaluate(
        "JSON.parse(sessionStorage.getItem('castad.session')).accessToken",
      )) as string;
      const versions = (await (
        await fetch(`${base}/v1/projects/${projectId}/lyrics`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as {
        version: number;
        title: string;
        source: string;
        approvedAt: string | null;
        sections: { lines: string[] }[];
      }[];
      const approved = versions.filter((v) => v.approvedAt);
      expect(approved.map((v) => [v.version, v.source, v.title])).toEqual([
        [3, 'edited', '우리 동네 국밥'],
      ]);
      expect(approved[0].sections[0].lines).toEqual([mine]);

      // the second stop: a clip of the song
      await page.waitForSelector('#clip-choice:not([hidden]) #clips li button', {
        timeout: 120_000,
      });
      await expect(page.textContent('#state')).resolves.toBe('Waiting for you: choose a clip');
      // each clip's player knows its length before anyone plays it (not 0:00)
      const lengths = await waitFor(
        'the clip players to know their lengths',
        async () =>
          (await page.evaluate(
            "(() => { const ds = [...document.querySelectorAll('#clips audio')].map((a) => a.duration); return ds.every((d) => Number.isFinite(d) && d > 0) ? ds : undefined; })()",
          )) as number[] | undefined,
        30_000,
        200,
      );
      expect(lengths.length).toBeGreaterThan(0);
      await shot('4-clips');
      const percents: number[] = [];
      await page.exposeFunction('reportPercent', (p: number) => percents.push(p));
      // every value the bar shows from here on (the page runs this, not Node: no DOM types here)
      await page.evaluate(`{
        const bar = document.querySelector('.bar');
        new MutationObserver(() => window.reportPercent(Number(bar.getAttribute('aria-valuenow'))))
          .observe(bar, { attributes: true, attributeFilter: ['aria-valuenow'] });
      }`);
      await page.click('#clips li button');

      // one bar while it renders, then the video in the page
      await page.waitForSelector('#video:not([hidden])', { timeout: 180_000 });
      expect(percents.length).toBeGreaterThan(0);
      expect(percents[percents.length - 1]).toBe(100);
      const playing = (await page.evaluate(`(async () => {
        const video = document.querySelector('#player');
        video.muted = true;
        await video.play();
        await new Promise((ok) => setTimeout(ok, 1500));
        return {
          time: video.currentTime,
          duration: video.duration,
          width: video.videoWidth,
          height: video.videoHeight,
          error: video.error ? video.error.message : null,
        };
      })()`)) as {
        time: number;
        duration: number;
        width: number;
        height: number;
        error: string | null;
      };
      expect(playing.error).toBeNull();
      expect(playing.time).toBeGreaterThan(0.5);
      expect(playing.duration).toBeGreaterThan(10);
      expect(playing.height).toBeGreaterThan(playing.width); // vertical
      await shot('5-video');

      // the download link serves the MP4
      const href = await page.getAttribute('#download', 'href');
      const download = await fetch(new URL(href!, base));
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toBe('video/mp4');
      // and the archive lists it
      await page.waitForSelector('#archive:not([hidden]) #archive-list li');
      await expect(page.locator('#archive-list li').count()).resolves.toBe(1);
      await shot('6-archive');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
