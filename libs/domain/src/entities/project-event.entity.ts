import { Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Int, Ref, Str, Text, Time } from './columns';

/**
 * Every state change of a project: the record live progress is read from (a stream's
 * catch-up; see pipeline/live), and ETAs come from recent step durations.
 */
@Entity('project_events')
@Index('ix_project_events_project', ['projectId', 'seq'])
@Index('ix_project_events_step_at_state', ['step', 'at', 'toState', 'durationMs'])
export class ProjectEventEntity {
  @PrimaryGeneratedColumn({ type: 'integer' }) seq: number;
  @Ref() projectId: string;
  @Str(32) fromState: string;
  @Str(32) toState: string;
  @Str(32, { nullable: true }) step: string | null;
  /** how long the step took, for ETAs */
  @Int({ nullable: true }) durationMs: number | null;
  @Text({ nullable: true }) message: string | null;
  /**
   * Set on progress reports only (the state does not change): the project's percent while a
   * long step runs. Null on every state change.
   */
  @Int({ nullable: true }) percent: number | null;
  @Time() at: Date;
}
