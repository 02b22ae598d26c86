import { PROGRESS, ProjectState, STEPS, StepName, TRANSITIONS } from './project-state';

/**
 * How long each step takes when there is no history yet (a new install, a new engine): the
 * ETA is then an estimate from these instead of unknown. Measured on the offline engines
 * (a 30 s render is the longest step) and the providers' usual times.
 */
export const DEFAULT_STEP_MS: Record<StepName, number> = {
  prepare_store: 500,
  write_lyrics: 3_000,
  submit_song: 5_000,
  poll_song: 30_000,
  submit_video: 50_000,
  poll_video: 5_000,
};

/** The state a step leads to when it goes well. */
function targetOf(step: StepName): ProjectState {
  const from = STEPS[step].from;
  const targets = Object.entries(TRANSITIONS[from])
    .filter(([, causes]) => causes?.includes(step))
    .map(([to]) => to as ProjectState);
  return targets.sort((a, b) => PROGRESS[b] - PROGRESS[a])[0] ?? from;
}

/** The project's percent while `step` is `fraction` (0..1) done: between its state's and its target's. */
export function percentDuring(step: StepName, fraction: number): number {
  const from = PROGRESS[STEPS[step].from];
  const to = PROGRESS[targetOf(step)];
  const f = Math.min(1, Math.max(0, fraction));
  return Math.floor(from + f * (to - from));
}

/** The inverse of percentDuring: how far the step is when the project shows `percent`. */
export function fractionAt(step: StepName, percent: number): number {
  const from = PROGRESS[STEPS[step].from];
  const to = PROGRESS[targetOf(step)];
  return to > from ? Math.min(1, Math.max(0, (percent - from) / (to - from))) : 0;
}

/**
 * Keeps what a step reports to a trickle of writes: a report is written only when at least
 * `minIntervalMs` passed and the step moved at least `minStep` since the last written one, and
 * never while a write is in flight (they would land out of order). `settle()` waits for the
 * last write, so no report lands after the step's own state change.
 */
export class StepProgressReporter {
  private lastFraction = 0;
  private lastAt = 0;
  private writing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly write: (fraction: number) => Promise<void>,
    private readonly opts: { minIntervalMs: number; minStep: number } = {
      minIntervalMs: 2_000,
      minStep: 0.05,
    },
    private readonly now: () => number = Date.now,
  ) {}

  report(fraction: number): void {
    if (this.closed || this.writing) return;
    const at = this.now();
    if (at - this.lastAt < this.opts.minIntervalMs) return;
    if (fraction - this.lastFraction < this.opts.minStep || fraction >= 1) return;
    this.lastFraction = fraction;
    this.lastAt = at;
    this.writing = this.write(fraction)
      .catch(() => undefined) // a lost report is not worth failing the step for
      .finally(() => (this.writing = undefined));
  }

  async settle(): Promise<void> {
    this.closed = true;
    await this.writing;
  }
}
