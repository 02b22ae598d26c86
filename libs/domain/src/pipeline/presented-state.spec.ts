import { presentedState, presentedStateSql } from './presented-state';

describe('the state an owner sees', () => {
  it('keeps a finished project DONE while it is rendered again, and says so', () => {
    for (const state of ['SONG_READY', 'VIDEO_SUBMITTED'] as const)
      expect(presentedState({ state, rerendering: true })).toEqual({
        state: 'DONE',
        subState: 're-rendering',
      });
    // the first render of a project is its own state; a failed re-render is FAILED
    expect(presentedState({ state: 'SONG_READY', rerendering: false })).toEqual({
      state: 'SONG_READY',
      subState: null,
    });
    expect(presentedState({ state: 'FAILED', rerendering: true }).state).toBe('FAILED');
  });

  it('lists a project being rendered again under DONE, not under the render’s states', () => {
    expect(presentedStateSql(['DONE'])).toBe(
      '((p.state IN (:...states) AND p.rerendering = 0) OR p.rerendering = 1)',
    );
    expect(presentedStateSql(['SONG_READY'])).toBe(
      '(p.state IN (:...states) AND p.rerendering = 0)',
    );
  });
});
