import { ProviderRejectedError, ProviderUnavailableError } from '@app/integrations';
import {
  asConfig,
  config,
  context,
  FakeSongEngine,
  InMemoryContent,
  project,
  support,
} from './step-doubles.test';
import { SubmitSongStep } from './submit-song.step';

async function setup(c = config) {
  const s = support(undefined, undefined, c);
  const content = new InMemoryContent();
  await content.addLyrics('p1', { title: '바다', sections: [], source: 'template' }, true);
  const engine = new FakeSongEngine();
  const step = new SubmitSongStep(asConfig(c), content.as(), engine, s.guard);
  return { ...s, content, engine, step };
}

const lyricsReady = (over = {}) => project({ state: 'LYRICS_READY', ...over });

describe('SubmitSongStep', () => {
  it('marks the submission, sends it under its key with the song lane’s callback, meters it and stores the task', async () => {
    const t = await setup();
    const { ctx, marked } = context(
      lyricsReady({ options: { genre: 'trot' } }),
      'p1:submit_song:1',
    );
    const before = Date.now();
    const out = await t.step.run(ctx);
    expect(marked).toEqual(['p1:submit_song:1']);
    expect(t.engine.submitted).toEqual([
      {
        req: expect.objectContaining({
          title: '바다',
          genre: 'trot',
          mood: 'bright',
          lengthSec: 30,
          callbackUrl: 'https://api.castad.test/v1/webhooks/song/p1/tok?key=p1%3Asubmit_song%3A1',
        }),
        key: 'p1:submit_song:1',
      },
    ]);
    expect(t.usage.rows).toEqual([
      expect.objectContaining({ provider: 'song-fake', operation: 'submit_song', units: 1 }),
    ]);
    expect(out).toMatchObject({
      kind: 'advance',
      to: 'SONG_SUBMITTED',
      patch: { songTaskId: 'task-1', pendingSubmissionKey: null, pendingSubmissionAt: null },
    });
    // the first poll after the provider's usual time, or at once for an engine done on submit
    const due = out.kind === 'advance' ? out.nextRunAt!.getTime() : 0;
    expect(due).toBeGreaterThanOrEqual(before + config.pipeline.songPollMs);
    t.engine.readyWhenSubmitted = true;
    const now = await t.step.run(context(lyricsReady()).ctx);
    expect(now.kind === 'advance' && now.nextRunAt!.getTime()).toBeLessThan(before + 1000);
  });

  it('waits for approved lyrics without sending anything', async () => {
    const t = await setup();
    t.content.lyrics[0].approvedAt = null;
    const out = await t.step.run(context(lyricsReady()).ctx);
    expect(out).toMatchObject({ kind: 'wait', patch: { nextRunAt: null } });
    expect(t.engine.submitted).toEqual([]);
  });

  it('waits, with the reason, while the engine’s daily budget is spent', async () => {
    const t = await setup({ ...config, dailyBudgetUsd: { 'song-fake': 5 } });
    t.usage.spent['song-fake'] = 5;
    const { ctx, marked } = context(lyricsReady());
    const out = await t.step.run(ctx);
    expect(out).toMatchObject({ kind: 'wait', patch: { waitReason: 'budget' } });
    expect(t.engine.submitted).toEqual([]);
    expect(marked).toEqual([]);
    // a song is $1: with $4.01 spent it would take the day past $5, so it still waits
    t.usage.spent['song-fake'] = 4.01;
    expect(await t.step.run(ctx)).toMatchObject({ kind: 'wait', patch: { waitReason: 'budget' } });
    t.usage.spent['song-fake'] = 4;
    expect(await t.step.run(ctx)).toMatchObject({ kind: 'advance', to: 'SONG_SUBMITTED' });
  });

  it('after a crash between sending and saving, waits for the callback within the window; past it with no sign, submits again as the next attempt', async () => {
    const t = await setup();
    const within = lyricsReady({
      pendingSubmissionKey: 'p1:submit_song:1',
      pendingSubmissionAt: new Date(Date.now() - 60_000),
    });
    expect(await t.step.run(context(within).ctx)).toMatchObject({ kind: 'wait' });
    const past = lyricsReady({
      pendingSubmissionKey: 'p1:submit_song:1',
      pendingSubmissionAt: new Date(Date.now() - config.pipeline.submissionRecoveryMs - 1),
    });
    const out = await t.step.run(context(past, 'p1:submit_song:1').ctx);
    expect(out).toMatchObject({
      kind: 'wait',
      patch: { stepAttempts: 1, pendingSubmissionKey: null },
    });
    // nothing resent under the lost key: the next attempt submits under its own
    expect(t.engine.submitted).toEqual([]);
    const next = lyricsReady({ stepAttempts: 1 });
    const { ctx } = context(next, 'p1:submit_song:2');
    expect(await t.step.run({ ...ctx, attempt: 2 })).toMatchObject({ kind: 'advance' });
    expect(t.engine.submitted.map((s) => s.key)).toEqual(['p1:submit_song:2']);
  });

  it('resends under the pending key to an engine that deduplicates by key', async () => {
    const t = await setup();
    t.engine.dedupesByKey = true;
    const p = lyricsReady({ pendingSubmissionKey: 'old-key', pendingSubmissionAt: new Date() });
    const { ctx, marked } = context(p, 'p1:submit_song:2');
    expect(await t.step.run(ctx)).toMatchObject({ kind: 'advance', to: 'SONG_SUBMITTED' });
    expect(t.engine.submitted.map((s) => s.key)).toEqual(['old-key']);
    expect(marked).toEqual(['old-key']);
  });

  it('lets a provider error go on after marking the submission; a lost answer keeps its sent row', async () => {
    const t = await setup();
    t.engine.failWith = new ProviderUnavailableError('suno', 'timed out', undefined, true);
    const { ctx, marked } = context(lyricsReady(), 'p1:submit_song:1');
    await expect(t.step.run(ctx)).rejects.toBe(t.engine.failWith);
    expect(marked).toHaveLength(1);
    // Suno may have taken it: its estimate stays metered until a callback or the answer says
    expect(t.usage.rows).toMatchObject([
      { status: 'sent', provider: 'song-fake', units: 1, idempotencyKey: 'p1:submit_song:1' },
    ]);
    t.engine.failWith = new ProviderRejectedError('suno', 'out of credits');
    const second = context(lyricsReady(), 'p1:submit_song:2');
    await expect(t.step.run(second.ctx)).rejects.toBe(t.engine.failWith);
    // a refusal charged nothing: no row for it
    expect(t.usage.rows).toHaveLength(1);
  });
});
