import { ProjectState } from './project-state';

/** What a finished project is doing while it stays DONE for its owner. */
export type ProjectSubState = 're-rendering';

/** The states a re-render runs through: the render's own. */
const RENDER_STATES: readonly ProjectState[] = ['SONG_READY', 'VIDEO_SUBMITTED'];

/**
 * A project's state as its owner sees it: a re-render of a finished project keeps it DONE, with
 * its current video, and says what it does meanwhile; every other state is shown as it is.
 */
export function presentedState(p: { state: ProjectState; rerendering: boolean }): {
  state: ProjectState;
  subState: ProjectSubState | null;
} {
  return p.rerendering && RENDER_STATES.includes(p.state)
    ? { state: 'DONE', subState: 're-rendering' }
    : { state: p.state, subState: null };
}

/**
 * The SQL condition for projects whose presented state is one of `states` (table alias `p`,
 * parameter `:...states`): DONE takes in the finished projects being rendered again.
 */
export function presentedStateSql(states: readonly string[]): string {
  const plain = '(p.state IN (:...states) AND p.rerendering = 0)';
  return states.includes('DONE') ? `(${plain} OR p.rerendering = 1)` : plain;
}
