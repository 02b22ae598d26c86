import { ProjectEntity } from '../entities/project.entity';
import { ownerActionOf, ProjectState, TERMINAL_STATES } from './project-state';

/**
 * What a project is doing within the state its owner sees: `rendering` while its first video is
 * made (so SONG_READY does not read as "choose a clip" then), `re-rendering` while a finished
 * project, still shown DONE with its video, is rendered again.
 */
export type ProjectSubState = 'rendering' | 're-rendering';

export interface PresentedState {
  state: ProjectState;
  subState: ProjectSubState | null;
}

/**
 * The states a render runs through: a local engine renders inside SONG_READY's submission, a
 * provider renders while VIDEO_SUBMITTED is polled.
 */
const RENDER_STATES: readonly ProjectState[] = ['SONG_READY', 'VIDEO_SUBMITTED'];

/**
 * A project's state as its owner sees it: a re-render of a finished project keeps it DONE, with
 * its current video, and says what it does meanwhile; a first render says it is rendering
 * (`rendering`: the render runs or is next, not the owner's clip choice); every other state is
 * shown as it is. A failed re-render is FAILED (its video still there).
 */
export function presentedState(p: {
  state: ProjectState;
  rerendering: boolean;
  rendering: boolean;
}): PresentedState {
  if (!RENDER_STATES.includes(p.state)) return { state: p.state, subState: null };
  if (p.rerendering) return { state: 'DONE', subState: 're-rendering' };
  return { state: p.state, subState: p.rendering ? 'rendering' : null };
}

/**
 * A project row as its owner sees it. In SONG_READY it is rendering once nothing waits for the
 * owner: the render step is due (the clip was chosen, or autopilot chose it) or running.
 */
export function presentedProject(
  p: Pick<ProjectEntity, 'state' | 'rerendering' | 'nextRunAt' | 'leaseOwner'>,
): PresentedState {
  const rendering = p.state === 'VIDEO_SUBMITTED' || p.nextRunAt != null || p.leaseOwner != null;
  return presentedState({ state: p.state, rerendering: p.rerendering, rendering });
}

/** A project's state in words as its owner sees it (for messages): `DONE, re-rendering`. */
export function stateAsShown(
  p: Pick<ProjectEntity, 'state' | 'rerendering' | 'nextRunAt' | 'leaseOwner'>,
): string {
  const { state, subState } = presentedProject(p);
  return subState ? `${state}, ${subState}` : state;
}

/**
 * The state an event took the project to, as its owner sees it (`rerendering`: an event of a
 * re-render). A render's progress report, its submission and a way into SONG_READY that does not
 * stop for the owner (autopilot, a retry) are the render's; SONG_READY announcing the owner's
 * clip choice is not.
 */
export function presentedEventState(
  e: { toState: string; message: string | null; percent: number | null },
  rerendering: boolean,
): PresentedState {
  const state = e.toState as ProjectState;
  const rendering = e.percent !== null || state === 'VIDEO_SUBMITTED' || ownerActionOf(e) === null;
  return presentedState({ state, rerendering, rendering });
}

/** The event that starts a re-render of a finished project (the owner asked for a new video). */
export function startsRerender(e: { step: string | null }): boolean {
  return e.step === 'remake_video';
}

/**
 * A re-render lasts until the project is DONE again (its new video saved, or the re-render
 * cancelled back to the video it had). A failed re-render stays one: its retry renders again
 * while the project shows DONE.
 */
export function endsRerender(to: ProjectState): boolean {
  return TERMINAL_STATES.includes(to);
}

/** A project being rendered again (SQL, table alias `p`): it is listed under DONE. */
const RERENDER_SQL = `(p.rerendering = 1 AND p.state IN (${RENDER_STATES.map((s) => `'${s}'`).join(', ')}))`;

/**
 * The SQL condition for projects whose presented state is one of `states` (table alias `p`,
 * parameter `:...states`): DONE takes in the finished projects being rendered again, the
 * render's states leave them out.
 */
export function presentedStateSql(states: readonly string[]): string {
  const plain = `(p.state IN (:...states) AND NOT ${RERENDER_SQL})`;
  return states.includes('DONE') ? `(${plain} OR ${RERENDER_SQL})` : plain;
}
