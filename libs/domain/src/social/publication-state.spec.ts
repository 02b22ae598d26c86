import type { PublicationState } from '../entities/social.entity';
import {
  assertPublicationTransition,
  IllegalPublicationTransitionError,
  PUBLICATION_TRANSITIONS,
} from './publication-state';

describe('the publications’ transition table', () => {
  it('lets a run publish, fail or park a live publication, and a reconnect resume a parked one', () => {
    for (const from of ['queued', 'processing'] as const) {
      expect(() => assertPublicationTransition(from, 'published', 'publish')).not.toThrow();
      expect(() => assertPublicationTransition(from, 'failed', 'fail')).not.toThrow();
      expect(() => assertPublicationTransition(from, 'parked', 'park')).not.toThrow();
    }
    expect(() => assertPublicationTransition('queued', 'processing', 'publish')).not.toThrow();
    expect(() => assertPublicationTransition('parked', 'queued', 'resume')).not.toThrow();
  });

  it('refuses anything else: a finished publication moves no more, a cause acts only on its move', () => {
    const ended: PublicationState[] = ['published', 'failed'];
    for (const from of ended) expect(PUBLICATION_TRANSITIONS[from]).toEqual({});
    expect(() => assertPublicationTransition('published', 'queued', 'resume')).toThrow(
      IllegalPublicationTransitionError,
    );
    expect(() => assertPublicationTransition('parked', 'published', 'publish')).toThrow(
      'a publication cannot go from parked to published by publish',
    );
    expect(() => assertPublicationTransition('processing', 'queued', 'resume')).toThrow(
      IllegalPublicationTransitionError,
    );
    expect(() => assertPublicationTransition('queued', 'failed', 'park')).toThrow(
      IllegalPublicationTransitionError,
    );
  });
});
