import { PROGRESS } from './project-state';
import {
  fractionAt,
  percentDuring,
  progressResetOf,
  RENDER_SPAN,
  reportMessage,
  runPercent,
  StepProgressReporter,
} from './step-progress';

describe('step progress', () => {
  it('spreads the render’s own percent over the bar from the clip choice to just short of DONE', () => {
    // whichever step renders: a local engine inside its submission, a provider between polls
    for (const step of ['submit_video', 'poll_video'] as const) {
      expect(percentDuring(step, 0)).toBe(PROGRESS.SONG_READY);
      expect(percentDuring(step, 0.98)).toBeGreaterThanOrEqual(97);
      expect(percentDuring(step, 1)).toBe(RENDER_SPAN.to);
      expect(fractionAt(step, percentDuring(step, 0.5))).toBeCloseTo(0.5, 1);
    }
    expect(RENDER_SPAN.to).toBeLessThan(PROGRESS.DONE);
    // the render's half is the bar's middle, not its 46 % as when it spanned 30..62
    expect(percentDuring('submit_video', 0.5)).toBe(64);
    // other steps move between their state's percent and the next one's
    expect(percentDuring('poll_song', 0.5)).toBe(21);
  });

  it('never takes the percent back within a run: a report of the run holds past its state', () => {
    // the local render reported 95 %, then its submission moved the project on
    expect(runPercent('VIDEO_SUBMITTED', 95)).toBe(95);
    expect(runPercent('VIDEO_SUBMITTED', null)).toBe(PROGRESS.VIDEO_SUBMITTED);
    expect(runPercent('SONG_READY', null)).toBe(PROGRESS.SONG_READY);
  });

  it('says why the bar goes back: a restarted step, a retry, a re-render, new lyrics or song', () => {
    const state = (step: string, toState = 'SONG_READY') =>
      progressResetOf({ toState, step, message: null, percent: null });
    expect(state('retry')).toBe('retried');
    expect(state('remake_video')).toBe('re-render');
    expect(state('remake_song', 'LYRICS_READY')).toBe('remade');
    expect(state('regenerate_lyrics', 'STORE_READY')).toBe('remade');
    expect(state('poll_song', 'LYRICS_READY')).toBe('restarted');
    // forward moves and the end of a run say nothing of the kind
    expect(state('poll_song', 'SONG_READY')).toBeNull();
    expect(state('submit_video', 'VIDEO_SUBMITTED')).toBeNull();
    expect(state('cancel', 'CANCELLED')).toBeNull();
    const report = (restarted: boolean) => ({
      toState: 'SONG_READY',
      step: 'submit_video',
      percent: 35,
      message: reportMessage(0.07, restarted),
    });
    expect(progressResetOf(report(true))).toBe('restarted');
    expect(progressResetOf(report(false))).toBeNull();
    expect(report(false).message).toBe('rendering: 7%');
  });

  it('writes at most one report per interval and per step of progress, never two at once', async () => {
    let now = 0;
    const written: number[] = [];
    let release: () => void = () => undefined;
    const reporter = new StepProgressReporter(
      async (f) => {
        written.push(f);
        await new Promise<void>((r) => (release = r));
      },
      { minIntervalMs: 2_000, minStep: 0.05 },
      () => now,
    );
    reporter.report(0.02); // too little progress
    now = 2_500;
    reporter.report(0.1); // written
    now = 6_000;
    reporter.report(0.3); // the first write is still in flight: dropped
    release();
    await new Promise((r) => setImmediate(r));
    now = 7_000;
    reporter.report(0.12); // long enough after the last written one, but too small a step
    now = 7_100;
    reporter.report(0.4); // written
    now = 8_000;
    reporter.report(0.6); // too soon
    release();
    await new Promise((r) => setImmediate(r));
    const settled = reporter.settle();
    now = 20_000;
    reporter.report(0.9); // after settle: the step's own state change comes next
    await settled;
    expect(written).toEqual([0.1, 0.4]);
  });
});
