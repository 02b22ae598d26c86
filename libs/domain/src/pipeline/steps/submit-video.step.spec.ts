import { ProviderRejectedError, SungWord, SungWords } from '@app/integrations';
import type { SongEntity } from '../../entities/content.entity';
import { StepFailedError } from '../step-context';
import { progressResetOf } from '../step-progress';
import {
  asConfig,
  config,
  context,
  FakeRenderer,
  FakeSongEngine,
  InMemoryBlob,
  InMemoryContent,
  InMemoryStores,
  project,
  renderersOf,
  support,
} from './step-doubles.test';
import { STORE_GONE } from './store-of';
import { captionsFor, SubmitVideoStep } from './submit-video.step';

/** The song engine's word timings: what it answers, and the clips it was asked about. */
class WordsSongEngine extends FakeSongEngine {
  words: SungWords | Error = { known: true, words: [] };
  readonly wordAsks: string[] = [];
  override async sungWords(taskId: string, clipId: string): Promise<SungWords> {
    this.wordAsks.push(`${taskId}/${clipId}`);
    if (this.words instanceof Error) throw this.words;
    return this.words;
  }
}

class WordsContent extends InMemoryContent {
  async saveWords(songId: string, words: SungWord[]) {
    for (const s of this.songs) if (s.id === songId) s.words = words;
  }
}

async function setup(c = config, clip: Partial<SongEntity> = {}) {
  const content = new WordsContent();
  const s = support(undefined, undefined, c);
  await content.addLyrics(
    'p1',
    { title: '바다', sections: [{ name: 'v', lines: ['하나', '둘'] }], source: 'template' },
    true,
  );
  content.songs = [
    {
      id: 'c1',
      projectId: 'p1',
      blobKey: 'projects/p1/song-1.mp3',
      durationSec: 40,
      lineTimings: [2, 8],
      beats: null,
      vocals: true,
      words: null,
      providerClipId: 'clip-1',
      selected: true,
      ...clip,
    } as unknown as SongEntity,
  ];
  const creatomate = new FakeRenderer('creatomate');
  const ffmpeg = new FakeRenderer('ffmpeg');
  const stores = new InMemoryStores();
  const songs = new WordsSongEngine();
  const step = new SubmitVideoStep(
    asConfig(c),
    renderersOf(creatomate, ffmpeg),
    songs,
    content.as(),
    stores.as(),
    new InMemoryBlob(),
    s.guard,
    s.progress,
  );
  return { ...s, content, stores, creatomate, ffmpeg, songs, step };
}

const songReady = (over = {}) => project({ state: 'SONG_READY', songTaskId: 'task-1', ...over });

describe('SubmitVideoStep', () => {
  it('sends the picked clip, photos, captions and end card with the video lane’s callback, and meters the render', async () => {
    const t = await setup();
    const { ctx, marked } = context(songReady(), 'p1:submit_video:1');
    const before = Date.now();
    const out = await t.step.run(ctx);
    expect(marked).toEqual(['p1:submit_video:1']);
    const [sent] = t.creatomate.submitted;
    expect(sent.key).toBe('p1:submit_video:1');
    expect(sent.req).toMatchObject({
      audio: { url: 'memory://audio/projects/p1/song-1.mp3' },
      photos: [{ url: 'memory://photos/stores/s1/1.jpg' }],
      // cut to the length asked for (30 s by default), not the clip's 40
      durationSec: 30,
      captions: [
        { text: '하나', startSec: 2, endSec: 8 },
        { text: '둘', startSec: 8, endSec: 29 },
      ],
      endCard: {
        name: '바다횟집',
        address: '부산 해운대구',
        menu: [{ name: '광어', price: null }],
      },
      callbackUrl: 'https://api.castad.test/v1/webhooks/video/p1/tok?key=p1%3Asubmit_video%3A1',
    });
    const [metered, ...more] = t.usage.rows;
    expect(more).toEqual([]);
    expect(metered).toMatchObject({ provider: 'creatomate', operation: 'submit_video', units: 30 });
    expect(out).toMatchObject({
      kind: 'advance',
      to: 'VIDEO_SUBMITTED',
      patch: { videoTaskId: 'render-1', pendingSubmissionKey: null },
    });
    expect(out.kind === 'advance' && out.nextRunAt!.getTime()).toBeGreaterThanOrEqual(
      before + config.pipeline.videoPollMs,
    );
  });

  it('renders with the engine the project asked for; a render done on submit is polled at once', async () => {
    const t = await setup();
    t.ffmpeg.answer = { readyWhenSubmitted: true };
    const before = Date.now();
    const out = await t.step.run(context(songReady({ options: { videoEngine: 'ffmpeg' } })).ctx);
    expect(t.creatomate.submitted).toEqual([]);
    expect(t.ffmpeg.submitted).toHaveLength(1);
    expect(t.usage.rows[0]).toMatchObject({ provider: 'ffmpeg' });
    expect(out.kind === 'advance' && out.nextRunAt!.getTime()).toBeLessThan(before + 1000);
  });

  it('meters a fallen-back render under the engine that took it, and says why', async () => {
    const t = await setup();
    t.creatomate.answer = {
      engine: 'ffmpeg',
      fallback: { from: 'creatomate', reason: 'creatomate is down, rendered with ffmpeg' },
    };
    const out = await t.step.run(context(songReady()).ctx);
    expect(t.usage.rows[0]).toMatchObject({ provider: 'ffmpeg' });
    expect(out).toMatchObject({ message: 'creatomate is down, rendered with ffmpeg' });
  });

  it('waits while the first choice’s budget is spent; a spent fallback budget forbids the fallback', async () => {
    // a render of the default 30 s at $1 a second: $30, within a $40 budget when nothing is spent
    const t = await setup({ ...config, dailyBudgetUsd: { creatomate: 40, ffmpeg: 40 } });
    t.creatomate.fallbackTo = 'ffmpeg';
    t.usage.spent.creatomate = 11;
    expect(await t.step.run(context(songReady()).ctx)).toMatchObject({
      kind: 'wait',
      patch: { waitReason: 'budget' },
    });
    expect(t.creatomate.submitted).toEqual([]);
    t.usage.spent.creatomate = 0;
    // the fallback's own render would not fit beside its spend
    t.usage.spent.ffmpeg = 11;
    await t.step.run(context(songReady()).ctx);
    expect(t.creatomate.submitted[0].opts?.allowFallback).toBe(false);
    t.usage.spent.ffmpeg = 0;
    await t.step.run(context(songReady()).ctx);
    expect(t.creatomate.submitted[1].opts?.allowFallback).toBe(true);
  });

  it('sends one of two renders checked at once when the budget has room for one; the other waits', async () => {
    const t = await setup({ ...config, dailyBudgetUsd: { creatomate: 40 } });
    // a render of the default 30 s at $1 a second holds $30: the first takes the room
    const [a, b] = await Promise.all([
      t.step.run(context(songReady(), 'p1:submit_video:1').ctx),
      t.step.run(context(songReady(), 'p1:submit_video:2').ctx),
    ]);
    expect([a.kind, b.kind].sort()).toEqual(['advance', 'wait']);
    expect(t.creatomate.submitted).toHaveLength(1);
    // sent and metered: its hold is gone, its usage row counts instead
    expect(t.holds.held.size).toBe(0);
    expect(t.usage.rows).toHaveLength(1);
  });

  it('fails a render whose estimate alone is over the whole daily budget, sending nothing', async () => {
    const t = await setup({ ...config, dailyBudgetUsd: { creatomate: 20 } });
    await expect(t.step.run(context(songReady()).ctx)).rejects.toThrow(
      /estimated cost \(\$30\.00\) is more than the whole daily creatomate budget \(\$20\)/,
    );
    expect(t.creatomate.submitted).toEqual([]);
  });

  it('tells the renderer when this is the step’s last try (a rate limit is then no longer waited for)', async () => {
    const t = await setup();
    await t.step.run({ ...context(songReady()).ctx, attempt: 4 });
    await t.step.run({ ...context(songReady()).ctx, attempt: config.pipeline.maxAttempts });
    expect(t.creatomate.submitted.map((s) => s.opts?.lastTry)).toEqual([false, true]);
  });

  it('waits for a picked clip without sending anything', async () => {
    const t = await setup();
    t.content.songs[0].selected = false;
    expect(await t.step.run(context(songReady()).ctx)).toMatchObject({
      kind: 'wait',
      patch: { nextRunAt: null },
    });
    expect(t.creatomate.submitted).toEqual([]);
  });

  it('fails for good when the store is gone, before marking a submission', async () => {
    const t = await setup();
    t.stores.stores.clear();
    const { ctx, marked } = context(songReady());
    await expect(t.step.run(ctx)).rejects.toThrow(new StepFailedError(STORE_GONE));
    expect(marked).toEqual([]);
  });

  it('marks the submission and writes its sent row (the request’s seconds) after the media links are made, right before the request leaves', async () => {
    const t = await setup(config, { durationSec: 28 });
    const order: string[] = [];
    const links = jest.spyOn(InMemoryBlob.prototype, 'asMedia');
    links.mockImplementation(async (container, key, contentType) => {
      order.push('link');
      return { kind: 'url', url: `memory://${container}/${key}`, contentType };
    });
    const { ctx } = context(songReady(), 'p1:submit_video:1');
    ctx.markSubmitting = async () => void order.push('mark');
    const submit = t.creatomate.submit.bind(t.creatomate);
    t.creatomate.submit = async (...args) => {
      order.push(`submit (rows: ${t.usage.rows.map((r) => `${r.status} ${r.units}`).join()})`);
      return submit(...args);
    };
    try {
      await t.step.run(ctx);
    } finally {
      links.mockRestore();
    }
    expect(order).toEqual(['link', 'link', 'mark', 'submit (rows: sent 28)']);
    // no deduplication: recovery may drop a row left sent, so the answer is written down
    expect(t.usage.rows).toMatchObject([{ status: 'settled', units: 28 }]);
  });

  it('leaves the sent row as written when a deduplicating engine answers what it said', async () => {
    const t = await setup(config, { durationSec: 28 });
    t.creatomate.dedupesByKey = true;
    await t.step.run(context(songReady()).ctx);
    expect(t.usage.rows).toMatchObject([{ status: 'sent', units: 28, provider: 'creatomate' }]);
  });

  it('recovers a lost submission: waits within the window, submits again past it, resends to a deduplicating engine', async () => {
    const t = await setup();
    const pending = (ageMs: number) =>
      songReady({ pendingSubmissionKey: 'k0', pendingSubmissionAt: new Date(Date.now() - ageMs) });
    expect(await t.step.run(context(pending(1000)).ctx)).toMatchObject({ kind: 'wait' });
    expect(
      await t.step.run(context(pending(config.pipeline.submissionRecoveryMs + 1)).ctx),
    ).toMatchObject({ kind: 'wait', patch: { stepAttempts: 1, pendingSubmissionKey: null } });
    expect(t.creatomate.submitted).toEqual([]);
    t.creatomate.dedupesByKey = true;
    await t.step.run(context(pending(1000)).ctx);
    expect(t.creatomate.submitted.map((s) => s.key)).toEqual(['k0']);
  });

  it('writes a render’s progress as it goes, and lets a refused render’s error go on', async () => {
    const t = await setup();
    t.creatomate.reports = [0.5];
    t.creatomate.failWith = new ProviderRejectedError('creatomate', 'template refused');
    await expect(t.step.run(context(songReady()).ctx)).rejects.toBe(t.creatomate.failWith);
    expect(t.events.progress).toEqual([
      expect.objectContaining({ step: 'submit_video', leaseOwner: 'me:1' }),
    ]);
    expect(t.usage.rows).toEqual([]);
  });
  it('says a render run again went back: its first report below the run’s last one is a restart', async () => {
    const t = await setup();
    // the render had reached 72 % when its scheduler stopped; it starts over on another
    t.events.progress.push({ id: 'p', leaseOwner: 'old:1', step: 'submit_video', percent: 72 });
    t.creatomate.reports = [0.2];
    t.creatomate.failWith = new ProviderRejectedError('creatomate', 'template refused');
    await expect(t.step.run(context(songReady()).ctx)).rejects.toBe(t.creatomate.failWith);
    const report = t.events.progress.at(-1)!;
    expect(report.percent).toBeLessThan(72);
    expect(report.message).toMatch(/^started again from the beginning/);
    expect(progressResetOf({ ...report, toState: 'SONG_READY', message: report.message! })).toBe(
      'restarted',
    );
  });
});

describe('captionsFor', () => {
  const lyrics = { sections: [{ name: 'v', lines: ['a', 'b', 'c', 'd'] }] };
  it('spreads lines evenly when the engine gave fewer timings than lines, none in the last second', () => {
    const c = captionsFor(lyrics, [], 25);
    expect(c.map((x) => x.startSec)).toEqual([2, 7, 12, 17]);
    expect(c.at(-1)!.endSec).toBe(24);
    expect(captionsFor(lyrics, [1, 5, 23.5, 24.5], 25).map((x) => x.text)).toEqual(['a', 'b', 'c']);
    expect(captionsFor(null, [], 25)).toEqual([]);
  });
});

describe('SubmitVideoStep: captions that follow the voice', () => {
  const sung = (text: string, startSec: number, placed = true) => ({
    text,
    startSec,
    endSec: startSec + 0.5,
    placed,
  });

  it('asks the engine once for the used clip’s sung words; each word lights up when sung', async () => {
    const t = await setup();
    t.songs.words = { known: true, words: [sung('하나', 3.1), sung('둘', 9.4)] };
    await t.step.run(context(songReady()).ctx);
    expect(t.creatomate.submitted[0].req.captions).toEqual([
      { text: '하나', startSec: 2.9, endSec: 9.2, words: [{ text: '하나', startSec: 3.1 }] },
      { text: '둘', startSec: 9.2, endSec: 29, words: [{ text: '둘', startSec: 9.4 }] },
    ]);
    expect(t.songs.wordAsks).toEqual(['task-1/clip-1']);
    // kept with the clip: a second submission does not ask again
    await t.step.run(context(songReady(), 'p1:submit_video:2').ctx);
    expect(t.songs.wordAsks).toHaveLength(1);
    expect(t.creatomate.submitted[1].req.captions).toEqual(t.creatomate.submitted[0].req.captions);
  });

  it('an instrumental (no voice) is not asked and its captions light up nothing', async () => {
    const t = await setup(config, { vocals: false });
    await t.step.run(context(songReady()).ctx);
    expect(t.songs.wordAsks).toEqual([]);
    expect(t.creatomate.submitted[0].req.captions).toEqual([
      { text: '하나', startSec: 2, endSec: 8 },
      { text: '둘', startSec: 8, endSec: 29 },
    ]);
  });

  it.each([
    ['sings no word (an instrumental clip)', { known: true as const, words: [] }],
    ['refuses (an error code)', { known: false as const, reason: 'suno answered 500' }],
    ['fails to answer', new Error('socket hang up')],
  ])('when the engine %s, captions follow the lines without a highlight', async (_, answer) => {
    const t = await setup();
    t.songs.words = answer;
    await t.step.run(context(songReady()).ctx);
    expect(t.creatomate.submitted[0].req.captions).toEqual([
      { text: '하나', startSec: 2, endSec: 8 },
      { text: '둘', startSec: 8, endSec: 29 },
    ]);
  });
});

describe('SubmitVideoStep: photos the video enlarges', () => {
  it('says in the project’s progress which photos are under 1080 px on their short side', async () => {
    const t = await setup();
    Object.assign(t.stores.photos[0], { width: 800, height: 600 });
    const out = await t.step.run(context(songReady()).ctx);
    expect(out).toMatchObject({
      message: expect.stringMatching(/1 photo\(s\) under 1080 pixels .*\(800x600\) are enlarged/),
    });
    Object.assign(t.stores.photos[0], { width: 1080, height: 1920 });
    const sharp = await t.step.run(context(songReady(), 'p1:submit_video:2').ctx);
    expect(sharp).toMatchObject({ message: undefined });
  });
});
