import { ProviderName } from '@app/domain';

/** One claimed step to run: the project and the lease it was claimed under. */
export interface StepJob {
  projectId: string;
  leaseOwner: string;
  step: string;
  attempt: number;
  /** project:step:attempt (the idempotency key of the step's run) */
  key: string;
  provider: ProviderName;
}

/**
 * How claimed steps reach a worker: run here (in-process) or through Bull on Redis. Both
 * drivers pass the same contract suite.
 */
export abstract class StepDispatcher {
  /** how many more steps of this provider may start now */
  abstract capacity(provider: ProviderName): number;
  abstract dispatch(job: StepJob): Promise<void>;
  /** steps waiting and running per provider, for metrics */
  abstract depth(): Promise<Record<string, { waiting: number; active: number }>>;
  /** resolves when every dispatched step has finished (shutdown, tests) */
  abstract drain(): Promise<void>;
}
