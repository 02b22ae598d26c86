import { PublicationState } from '../entities/social.entity';
import { allowedBy, TransitionTable } from '../work/transition-table';

/** Who may move a publication: its run (publish, fail), a dead grant (park), a reconnect (resume). */
export type PublicationCause = 'publish' | 'fail' | 'park' | 'resume';

/**
 * The publications' transition table (projects have theirs in project-state.ts): every change
 * of a publication's state goes through PublicationRepository's gate, which checks it here.
 */
export const PUBLICATION_TRANSITIONS: TransitionTable<PublicationState, PublicationCause> = {
  // the upload done: published at once, or the platform still processing it
  queued: {
    processing: ['publish'],
    published: ['publish'],
    failed: ['fail'],
    parked: ['park'],
  },
  processing: { published: ['publish'], failed: ['fail'], parked: ['park'] },
  // the account connected again: its parked publications go on by themselves
  parked: { queued: ['resume'] },
  published: {},
  failed: {},
};

export class IllegalPublicationTransitionError extends Error {
  constructor(
    readonly from: PublicationState,
    readonly to: PublicationState,
    readonly by: PublicationCause,
  ) {
    super(`a publication cannot go from ${from} to ${to} by ${by}`);
  }
}

export function assertPublicationTransition(
  from: PublicationState,
  to: PublicationState,
  cause: PublicationCause,
): void {
  if (!allowedBy(PUBLICATION_TRANSITIONS, from, to, cause))
    throw new IllegalPublicationTransitionError(from, to, cause);
}
