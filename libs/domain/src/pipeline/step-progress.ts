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

/**
 * The render's span of the bar: from the clip chosen to just short of the saved video, whichever
 * step renders (a local engine inside its submission, a provider between polls), so the bar
 * follows the render's own percent to its end instead of jumping from its middle to DONE.
 */
export const RENDER_SPAN = { from: PROGRESS.SONG_READY, to: 99 } as const;
const RENDER_STEPS: readonly StepName[] = ['submit_video', 'poll_video'];
/** The states in which a step reports its progress (the render's). */
export const REPORTING_STATES: readonly ProjectState[] = RENDER_STEPS.map((s) => STEPS[s].from);

function spanOf(step: StepName): { from: number; to: number } {
  if (RENDER_STEPS.includes(step)) return RENDER_SPAN;
  return { from: PROGRESS[STEPS[step].from], to: PROGRESS[targetOf(step)] };
}

/** The project's percent while `step` is `fraction` (0..1) done: within the step's span. */
export function percentDuring(step: StepName, fraction: number): number {
  const { from, to } = spanOf(step);
  const f = Math.min(1, Math.max(0, fraction));
  return Math.floor(from + f * (to - from));
}

/** The inverse of percentDuring: how far the step is when the project shows `percent`. */
export function fractionAt(step: StepName, percent: number): number {
  const { from, to } = spanOf(step);
  return to > from ? Math.min(1, Math.max(0, (percent - from) / (to - from))) : 0;
}

/**
 * The state whose entry starts the reports that count in `state`: a render's reports hold
 * through its submission (a local engine renders inside it) until the video is saved.
 */
export function reportsSince(state: ProjectState): ProjectState {
  return state === 'VIDEO_SUBMITTED' ? 'SONG_READY' : state;
}

/**
 * A change of state that starts a run whose reports count anew: the project enters a state that
 * some reporting state counts its reports since (reportsSince), from another state.
 */
export function startsReportedRun(from: ProjectState, to: ProjectState): boolean {
  return from !== to && REPORTING_STATES.some((s) => reportsSince(s) === to);
}

/** The state a project's bar stands in: for FAILED and CANCELLED, where the run stopped (the failed step's). */
export function barStateOf(p: { state: ProjectState; step: string | null }): ProjectState {
  if (p.state !== 'FAILED' && p.state !== 'CANCELLED') return p.state;
  return (p.step && STEPS[p.step as StepName]?.from) || 'DRAFT';
}

/**
 * The state since whose entry a step's reports count for a project's percent, or null when its
 * percent is its state's alone. A report of this run holds even when the step's lease ran out
 * (the bar waits for the step to run again, whose first report says why it went back).
 */
export function reportStateOf(p: {
  state: ProjectState;
  step: string | null;
}): ProjectState | null {
  if (p.state === 'DONE') return null;
  const at = barStateOf(p);
  return REPORTING_STATES.includes(at) ? reportsSince(at) : null;
}

/**
 * The project's one percent: its state's, or further when a step of this run reported more.
 * Within a run it never goes back; only a reset (see progressResetOf) lowers it, and says why.
 */
export function runPercent(state: ProjectState, latestReport: number | null): number {
  return Math.max(PROGRESS[state], latestReport ?? 0);
}

/** Why the bar went back: the run started again, and what started it. */
export type ProgressReset = 'restarted' | 'retried' | 're-render' | 'remade';

/** The owner's actions that start a run over from an earlier state. */
const RESET_BY_CAUSE: Partial<Record<string, ProgressReset>> = {
  retry: 'retried',
  remake_video: 're-render',
  remake_song: 'remade',
  regenerate_lyrics: 'remade',
};

/** How a report below the run's last one starts (a step run again after a restart or an error). */
export const RESTARTED_REPORT = 'started again from the beginning (the step was restarted)';

/** The progress message of a report: its step's own percent, and a restart said so. */
export function reportMessage(fraction: number, restarted: boolean): string {
  const own = `rendering: ${Math.round(fraction * 100)}%`;
  return restarted ? `${RESTARTED_REPORT}; ${own}` : own;
}

/** Why an event lowers the project's percent, or null when it does not. */
export function progressResetOf(e: {
  toState: string;
  step: string | null;
  message: string | null;
  percent: number | null;
}): ProgressReset | null {
  if (e.percent !== null) return e.message?.startsWith(RESTARTED_REPORT) ? 'restarted' : null;
  // the song provider lost the finished task: the song is made again
  if (e.step === 'poll_song' && e.toState === 'LYRICS_READY') return 'restarted';
  return e.step ? (RESET_BY_CAUSE[e.step] ?? null) : null;
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
