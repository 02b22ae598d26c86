import { ProjectEntity, ProviderName } from '@app/domain';

/** One claimed unit of leased work to run: a project's step or a publication. */
export interface WorkJob {
  kind: 'step' | 'publication';
  /** the project's or the publication's id */
  id: string;
  /** the claim token it was claimed under: its run writes back only while this holds */
  leaseOwner: string;
  /** unique per (row, step, attempt): a step's idempotency key, the Bull job id */
  key: string;
  provider: ProviderName;
  /**
   * the project as claimed (a step's job run here): its run starts from it instead of reading
   * it again; a job that went through Redis carries none and reads it
   */
  claimed?: ProjectEntity;
}

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
}
