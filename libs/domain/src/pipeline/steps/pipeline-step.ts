import { ProjectState, STEPS, StepName } from '../project-state';
import { StepContext, StepOutcome } from '../step-context';

/** The lane a step's work waits on: its provider's concurrency, queue and budget. */
export type StepLane = (typeof STEPS)[StepName]['provider'];

/**
 * One automatic step of the pipeline: it calls the ports and says where the project goes
 * next; the StepRunner writes that under the lease, retries and fails. The state it runs
 * from, its lane and whether it pays are read from STEPS (project-state.ts), the one table
 * of them, so a step class names itself and nothing else.
 */
export abstract class PipelineStep {
  abstract readonly name: StepName;

  get from(): ProjectState {
    return STEPS[this.name].from;
  }

  get lane(): StepLane {
    return STEPS[this.name].provider;
  }

  /** a paid step sends a submission a provider charges for (see ProjectEntity.pendingSubmissionKey) */
  get paid(): boolean {
    return STEPS[this.name].paid;
  }

  abstract run(ctx: StepContext): Promise<StepOutcome>;
}
