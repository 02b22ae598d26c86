import { ProjectEntity } from '../entities/project.entity';
import { ProjectState } from './project-state';
import { ProjectPatch } from './project.repository';

export interface StepContext {
  project: ProjectEntity;
  attempt: number;
  /** (project, step, attempt): sent with every paid submission */
  idempotencyKey: string;
  leaseOwner: string;
  /** aborted when the process stops: local work (renders, the synth) ends at once */
  signal: AbortSignal;
  /** persists "about to submit" before a paid call (see ProjectEntity.pendingSubmissionKey) */
  markSubmitting(key: string): Promise<void>;
}

export type StepOutcome =
  | {
      kind: 'advance';
      to: ProjectState;
      patch?: ProjectPatch;
      nextRunAt: Date | null;
      message?: string;
    }
  | { kind: 'wait'; nextRunAt: Date; patch?: ProjectPatch }
  | { kind: 'fail'; reason: string; providerError?: string };

/** A step that failed for good: no retry will help (the reason is shown to people). */
export class StepFailedError extends Error {}
