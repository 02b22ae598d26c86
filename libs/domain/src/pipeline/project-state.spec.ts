import {
  assertTransition,
  canTransition,
  IllegalTransitionError,
  PROJECT_STATES,
  ProjectState,
  STEPS,
  TransitionCause,
  TRANSITIONS,
} from './project-state';

const CAUSES: TransitionCause[] = [
  ...(Object.keys(STEPS) as TransitionCause[]),
  'approve_lyrics',
  'regenerate_lyrics',
  'select_clip',
  'remake_song',
  'remake_video',
  'retry',
  'cancel',
  'fail',
];

const ALLOWED: [ProjectState, ProjectState, TransitionCause][] = [
  ['DRAFT', 'STORE_READY', 'prepare_store'],
  ['STORE_READY', 'LYRICS_READY', 'write_lyrics'],
  ['LYRICS_READY', 'SONG_SUBMITTED', 'submit_song'],
  ['LYRICS_READY', 'STORE_READY', 'regenerate_lyrics'],
  ['SONG_SUBMITTED', 'SONG_READY', 'poll_song'],
  // the provider no longer has the finished task: a new generation
  ['SONG_SUBMITTED', 'LYRICS_READY', 'poll_song'],
  ['SONG_READY', 'VIDEO_SUBMITTED', 'submit_video'],
  ['SONG_READY', 'LYRICS_READY', 'remake_song'],
  ['DONE', 'SONG_READY', 'remake_video'],
  ['VIDEO_SUBMITTED', 'DONE', 'poll_video'],
  ...(
    [
      'DRAFT',
      'STORE_READY',
      'LYRICS_READY',
      'SONG_SUBMITTED',
      'SONG_READY',
      'VIDEO_SUBMITTED',
    ] as ProjectState[]
  ).flatMap((s): [ProjectState, ProjectState, TransitionCause][] => [
    [s, 'FAILED', 'fail'],
    [s, 'CANCELLED', 'cancel'],
    ['FAILED', s, 'retry'],
  ]),
  ['FAILED', 'CANCELLED', 'cancel'],
  // a re-render cancelled, running or failed: back to the video the project had
  ['SONG_READY', 'DONE', 'cancel'],
  ['VIDEO_SUBMITTED', 'DONE', 'cancel'],
  ['FAILED', 'DONE', 'cancel'],
];

describe('the project state machine', () => {
  const key = (f: string, t: string, c: string) => `${f} -> ${t} by ${c}`;
  const allowed = new Set(ALLOWED.map(([f, t, c]) => key(f, t, c)));

  it('allows exactly the listed transitions', () => {
    const table: string[] = [];
    for (const [from, tos] of Object.entries(TRANSITIONS))
      for (const [to, causes] of Object.entries(tos ?? {}))
        for (const c of causes ?? []) table.push(key(from, to, c));
    expect(table.sort()).toEqual([...allowed].sort());
  });

  // every (from, to, cause) combination not in the list is refused
  const illegal: [ProjectState, ProjectState, TransitionCause][] = [];
  for (const from of PROJECT_STATES)
    for (const to of PROJECT_STATES)
      for (const c of CAUSES) if (!allowed.has(key(from, to, c))) illegal.push([from, to, c]);

  it(`refuses all ${illegal.length} other transitions`, () => {
    for (const [from, to, c] of illegal) {
      expect([key(from, to, c), canTransition(from, to, c)]).toEqual([key(from, to, c), false]);
      expect(() => assertTransition(from, to, c)).toThrow(IllegalTransitionError);
    }
  });

  it('leaves CANCELLED for good, and DONE only to render the video again', () => {
    expect(illegal.filter(([f]) => f === 'DONE').length).toBe(
      PROJECT_STATES.length * CAUSES.length - 1,
    );
    expect(canTransition('DONE', 'SONG_READY', 'remake_video')).toBe(true);
    expect(illegal.filter(([f]) => f === 'CANCELLED').length).toBe(
      PROJECT_STATES.length * CAUSES.length,
    );
  });

  it('runs each automatic step from exactly one state, to the next', () => {
    for (const [name, step] of Object.entries(STEPS)) {
      const targets = Object.entries(TRANSITIONS[step.from]).filter(([, causes]) =>
        causes?.includes(name as TransitionCause),
      );
      expect([name, targets.length > 0]).toEqual([name, true]);
    }
  });
});
