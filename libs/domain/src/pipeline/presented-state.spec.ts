import { OWNER_STOP_MESSAGES } from './project-state';
import {
  endsRerender,
  presentedEventState,
  presentedProject,
  presentedState,
  presentedStateSql,
} from './presented-state';

describe('the state an owner sees', () => {
  it('keeps a finished project DONE while it is rendered again, and says so', () => {
    for (const state of ['SONG_READY', 'VIDEO_SUBMITTED'] as const)
      expect(presentedState({ state, rerendering: true, rendering: true })).toEqual({
        state: 'DONE',
        subState: 're-rendering',
      });
    // a failed re-render is FAILED (its video is still there); other states are as they are
    expect(presentedState({ state: 'FAILED', rerendering: true, rendering: false })).toEqual({
      state: 'FAILED',
      subState: null,
    });
    expect(presentedState({ state: 'LYRICS_READY', rerendering: false, rendering: true })).toEqual({
      state: 'LYRICS_READY',
      subState: null,
    });
  });

  it('says a first render is rendering, not waiting for the clip choice', () => {
    const row = { state: 'SONG_READY' as const, rerendering: false, leaseOwner: null };
    // the owner's turn: nothing is due
    expect(presentedProject({ ...row, nextRunAt: null })).toEqual({
      state: 'SONG_READY',
      subState: null,
    });
    // the clip chosen: the render is due, then running under a lease
    expect(presentedProject({ ...row, nextRunAt: new Date() }).subState).toBe('rendering');
    expect(presentedProject({ ...row, nextRunAt: null, leaseOwner: 'w' }).subState).toBe(
      'rendering',
    );
    expect(presentedProject({ ...row, state: 'VIDEO_SUBMITTED', nextRunAt: null }).subState).toBe(
      'rendering',
    );
    expect(presentedProject({ ...row, rerendering: true, nextRunAt: new Date() })).toEqual({
      state: 'DONE',
      subState: 're-rendering',
    });
  });

  it('shows an event as GET shows the project it left: a render’s events are the render’s', () => {
    const event = (toState: string, percent: number | null = null, message: string | null = null) =>
      presentedEventState({ toState, percent, message }, false);
    // a render's progress report, its submission, autopilot's way into the render
    expect(event('SONG_READY', 55, 'rendering: 34%')).toEqual({
      state: 'SONG_READY',
      subState: 'rendering',
    });
    expect(event('VIDEO_SUBMITTED').subState).toBe('rendering');
    expect(event('SONG_READY').subState).toBe('rendering');
    // the owner's clip choice is not a render
    expect(event('SONG_READY', null, OWNER_STOP_MESSAGES.SONG_READY).subState).toBeNull();
    expect(event('DONE').subState).toBeNull();
    expect(
      presentedEventState({ toState: 'SONG_READY', percent: 40, message: null }, true),
    ).toEqual({ state: 'DONE', subState: 're-rendering' });
  });

  it('ends a re-render only when the project is DONE again, not when it fails', () => {
    expect(endsRerender('DONE')).toBe(true);
    expect(endsRerender('CANCELLED')).toBe(true);
    expect(endsRerender('FAILED')).toBe(false);
    expect(endsRerender('SONG_READY')).toBe(false);
  });

  it('lists a project being rendered again under DONE, not under the render’s states', () => {
    const rerender = "(p.rerendering = 1 AND p.state IN ('SONG_READY', 'VIDEO_SUBMITTED'))";
    expect(presentedStateSql(['DONE'])).toBe(
      `((p.state IN (:...states) AND NOT ${rerender}) OR ${rerender})`,
    );
    expect(presentedStateSql(['SONG_READY'])).toBe(`(p.state IN (:...states) AND NOT ${rerender})`);
    // a failed re-render is listed as FAILED, not as DONE
    expect(presentedStateSql(['FAILED'])).toBe(`(p.state IN (:...states) AND NOT ${rerender})`);
  });
});
