import { ProjectEventEntity } from '../../entities/project-event.entity';

/** One state change of a project, as live progress carries it (through Redis, to streams). */
export interface ProjectEventMessage {
  seq: number;
  projectId: string;
  fromState: string;
  toState: string;
  step: string | null;
  message: string | null;
  /** a running step's progress report (no state change), else null */
  percent: number | null;
  /** ISO time the change was written */
  at: string;
}

/** A follower's stream ends at these: nothing happens to the project without its owner acting. */
export const FINAL_STATES: readonly string[] = ['DONE', 'FAILED', 'CANCELLED'];

export function isFinalState(state: string): boolean {
  return FINAL_STATES.includes(state);
}

export function eventMessage(
  e: Pick<
    ProjectEventEntity,
    'seq' | 'projectId' | 'fromState' | 'toState' | 'step' | 'message' | 'at'
  > &
    Partial<Pick<ProjectEventEntity, 'percent'>>,
): ProjectEventMessage {
  return {
    seq: Number(e.seq),
    projectId: e.projectId,
    fromState: e.fromState,
    toState: e.toState,
    step: e.step ?? null,
    message: e.message ?? null,
    percent: e.percent ?? null,
    at: (e.at instanceof Date ? e.at : new Date(e.at)).toISOString(),
  };
}
