import { ClaimedWork, ProviderName } from '@app/domain';

/** One claimed unit of leased work to run: a project's step or a publication. */
export type WorkJob = ClaimedWork;

/**
 * How claimed work reaches a worker: run here (in-process) or through Bull on Redis. Both
 * drivers pass the same contract suite.
 */
export abstract class WorkDispatcher {
  /** how many more jobs of this provider may start now */
  abstract capacity(provider: ProviderName): number;
  abstract dispatch(job: WorkJob): Promise<void>;
  /** jobs waiting and running per provider, for metrics */
  abstract depth(): Promise<Record<string, { waiting: number; active: number }>>;
  /** resolves when every dispatched job has finished (shutdown, tests) */
  abstract drain(): Promise<void>;
  /**
   * Called on every tick: work dispatched but lost on the way (a queue that lost it) is given
   * back to be claimed again. Nothing can be lost in-process.
   */
  async giveBackLost(): Promise<void> {}
}
