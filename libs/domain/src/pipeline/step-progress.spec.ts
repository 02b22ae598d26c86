import { PROGRESS } from './project-state';
import { fractionAt, percentDuring, StepProgressReporter } from './step-progress';

describe('step progress', () => {
  it('moves the percent of a render between its state and the next one', () => {
    expect(percentDuring('submit_video', 0)).toBe(PROGRESS.SONG_READY);
    expect(percentDuring('submit_video', 1)).toBe(PROGRESS.VIDEO_SUBMITTED);
    expect(percentDuring('poll_video', 1)).toBe(PROGRESS.DONE);
    const mid = percentDuring('submit_video', 0.5);
    expect(mid).toBeGreaterThan(PROGRESS.SONG_READY);
    expect(mid).toBeLessThan(PROGRESS.VIDEO_SUBMITTED);
    expect(fractionAt('submit_video', mid)).toBeCloseTo(0.5, 1);
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
