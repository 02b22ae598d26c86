import { allowedBy, TransitionTable } from '../work/transition-table';

/**
 * The project pipeline as plain code: states, the steps that move between them, and the
 * explicit table of allowed transitions. The scheduler runs steps; owners and admins act
 * (approve, select, retry, cancel); everything goes through `assertTransition`.
 */
export const PROJECT_STATES = [
  'DRAFT',
  'STORE_READY',
  'LYRICS_READY',
  'SONG_SUBMITTED',
  'SONG_READY',
  'VIDEO_SUBMITTED',
  'DONE',
  'FAILED',
  'CANCELLED',
] as const;
export type ProjectState = (typeof PROJECT_STATES)[number];

export const TERMINAL_STATES: readonly ProjectState[] = ['DONE', 'CANCELLED'];

/** The automatic steps the scheduler runs, each from exactly one state. */
export const STEPS = {
  prepare_store: { from: 'DRAFT', provider: 'store', paid: false },
  write_lyrics: { from: 'STORE_READY', provider: 'lyrics', paid: true },
  submit_song: { from: 'LYRICS_READY', provider: 'song', paid: true },
  poll_song: { from: 'SONG_SUBMITTED', provider: 'song', paid: false },
  submit_video: { from: 'SONG_READY', provider: 'video', paid: true },
  poll_video: { from: 'VIDEO_SUBMITTED', provider: 'video', paid: false },
} as const satisfies Record<string, { from: ProjectState; provider: string; paid: boolean }>;
export type StepName = keyof typeof STEPS;
/**
 * What a unit of leased work waits on, each with its own concurrency and Bull queue: the
 * providers of the steps, and `publish` for publications (uploads to YouTube, Instagram).
 */
export type ProviderName = (typeof STEPS)[StepName]['provider'] | 'publish';

export const PROVIDER_NAMES: ProviderName[] = ['store', 'lyrics', 'song', 'video', 'publish'];

/** The Bull queue of one provider's work (stage 3): the scheduler fills it, the admin board reads it. */
export const stepQueueName = (provider: ProviderName) => `castad-steps-${provider}`;

export const STEP_FOR_STATE: Partial<Record<ProjectState, StepName>> = Object.fromEntries(
  Object.entries(STEPS).map(([name, s]) => [s.from, name as StepName]),
);

/** Who may cause a transition: the scheduler's steps, or a person's action. */
export type TransitionCause =
  | StepName
  | 'approve_lyrics'
  | 'regenerate_lyrics'
  | 'select_clip'
  | 'remake_song'
  | 'remake_video'
  | 'retry'
  | 'cancel'
  | 'fail';

const T: Record<ProjectState, Partial<Record<ProjectState, TransitionCause[]>>> = {
  DRAFT: { STORE_READY: ['prepare_store'] },
  STORE_READY: { LYRICS_READY: ['write_lyrics'] },
  LYRICS_READY: { SONG_SUBMITTED: ['submit_song'], STORE_READY: ['regenerate_lyrics'] },
  // the provider lost the finished task (its files expired with it): generate again
  SONG_SUBMITTED: { SONG_READY: ['poll_song'], LYRICS_READY: ['poll_song'] },
  // new clips from the same approved lyrics, before one is picked
  SONG_READY: { VIDEO_SUBMITTED: ['submit_video'], LYRICS_READY: ['remake_song'] },
  VIDEO_SUBMITTED: { DONE: ['poll_video'] },
  // a finished video rendered again (another engine or template) from the picked clip
  DONE: { SONG_READY: ['remake_video'] },
  FAILED: {
    // retry resumes from the step that failed
    DRAFT: ['retry'],
    STORE_READY: ['retry'],
    LYRICS_READY: ['retry'],
    SONG_SUBMITTED: ['retry'],
    SONG_READY: ['retry'],
    VIDEO_SUBMITTED: ['retry'],
  },
  CANCELLED: {},
};
// every live state can fail or be cancelled; FAILED can be cancelled too
for (const s of PROJECT_STATES) {
  if (s === 'DONE' || s === 'CANCELLED') continue;
  if (s !== 'FAILED') (T[s].FAILED ??= []).push('fail');
  (T[s].CANCELLED ??= []).push('cancel');
}
// a re-render cancelled (running, or failed) goes back to the video the project had: DONE
// (CancelProject takes this way for a re-render only; any other cancel ends in CANCELLED)
for (const s of ['SONG_READY', 'VIDEO_SUBMITTED', 'FAILED'] as const)
  (T[s].DONE ??= []).push('cancel');
export const TRANSITIONS: Readonly<TransitionTable<ProjectState, TransitionCause>> = T;

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: ProjectState,
    readonly to: ProjectState,
    readonly by: TransitionCause,
  ) {
    super(`a project cannot go from ${from} to ${to} by ${by}`);
  }
}

export function canTransition(
  from: ProjectState,
  to: ProjectState,
  cause: TransitionCause,
): boolean {
  return allowedBy(TRANSITIONS, from, to, cause);
}

export function assertTransition(
  from: ProjectState,
  to: ProjectState,
  cause: TransitionCause,
): void {
  if (!canTransition(from, to, cause)) throw new IllegalTransitionError(from, to, cause);
}

/** Owner stops: a project waits here for a person unless it runs on autopilot. */
export const OWNER_STOPS: Partial<Record<ProjectState, 'approve_lyrics' | 'select_clip'>> = {
  LYRICS_READY: 'approve_lyrics',
  SONG_READY: 'select_clip',
};

/**
 * What the event into an owner stop says when the project waits there for its owner (not on
 * autopilot): the live stream reads it back as the owner's next action.
 */
export const OWNER_STOP_MESSAGES = {
  LYRICS_READY: 'waiting for you: approve the lyrics (or edit them, or ask for new ones)',
  SONG_READY: 'waiting for you: choose one of the clips',
} as const satisfies Partial<Record<ProjectState, string>>;

/** A step's arrival at an owner stop: on autopilot it runs straight on, else it waits, saying so. */
export function atOwnerStop(
  to: keyof typeof OWNER_STOP_MESSAGES,
  autopilot: boolean,
): { to: ProjectState; nextRunAt: Date | null; message?: string } {
  return autopilot
    ? { to, nextRunAt: new Date() }
    : { to, nextRunAt: null, message: OWNER_STOP_MESSAGES[to] };
}

/** The owner's next action an event announces, or null when it announces none. */
export function ownerActionOf(e: {
  toState: string;
  message: string | null;
}): 'approve_lyrics' | 'select_clip' | null {
  const stop = OWNER_STOPS[e.toState as ProjectState];
  const said = OWNER_STOP_MESSAGES[e.toState as keyof typeof OWNER_STOP_MESSAGES];
  return stop && e.message === said ? stop : null;
}

/**
 * Rough share of the whole run finished when a project is in this state (for percent), in
 * proportion to how long the steps take: the song and the render are most of the wait. A step
 * that reports its progress moves the percent between its state's and the next one's.
 */
export const PROGRESS: Record<ProjectState, number> = {
  DRAFT: 0,
  STORE_READY: 2,
  LYRICS_READY: 6,
  SONG_SUBMITTED: 12,
  SONG_READY: 30,
  // the render's span runs to 99 whichever step renders (step-progress RENDER_SPAN)
  VIDEO_SUBMITTED: 31,
  DONE: 100,
  FAILED: 0,
  CANCELLED: 0,
};
