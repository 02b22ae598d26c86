import { Entity, Index } from 'typeorm';
import type { ProjectState, StepName } from '../pipeline/project-state';
import { Bool, CreatedAt, Id, Int, Json, Ref, Str, Text, Time, UpdatedAt } from './columns';

export interface ProjectOptions {
  mood?: string;
  genre?: string;
  lengthSec?: number;
  keywords?: string[];
  videoEngine?: string;
  templateId?: string;
  lyricHints?: string;
}

/**
 * The pipeline row. The scheduler claims due work one state at a time through
 * (state, next_run_at, lease_until), in next_run_at order, so it reads only due rows; finished
 * rows have next_run_at NULL. Each other index serves a listed query in its own order (see the
 * DataVolumeIndexes migration); the two unique ones hold the daily quota (ProjectQuotaSlots).
 */
@Entity('projects')
@Index('ix_projects_state_due', ['state', 'nextRunAt', 'leaseUntil'])
@Index('ix_projects_lease_until', ['leaseUntil'])
@Index('ix_projects_owner_created', ['ownerUserId', 'createdAt'])
@Index('ix_projects_partner_created', ['partnerId', 'createdAt'])
@Index('ix_projects_owner_state_created', ['ownerUserId', 'state', 'createdAt'])
@Index('ix_projects_partner_state_created', ['partnerId', 'state', 'createdAt'])
@Index('ix_projects_created', ['createdAt'])
@Index('ix_projects_state_created', ['state', 'createdAt'])
@Index('ix_projects_state_updated', ['state', 'updatedAt'])
@Index('ix_projects_state_step_updated', ['state', 'step', 'updatedAt'])
@Index('ux_projects_owner_quota', ['ownerUserId', 'quotaDay', 'quotaSlot'], { unique: true })
@Index('ux_projects_partner_quota', ['partnerId', 'quotaDay', 'quotaSlot'], { unique: true })
export class ProjectEntity {
  @Id() id: string;
  @Ref({ nullable: true }) ownerUserId: string | null;
  @Ref({ nullable: true }) partnerId: string | null;
  @Ref() storeId: string;
  @Str(32) state: ProjectState;
  @Str(32, { nullable: true }) step: StepName | null;
  @Int({ default: 0 }) stepAttempts: number;
  /** retries a person asked for: keeps idempotency keys of a retried step new */
  @Int({ default: 0 }) retries: number;
  @Bool({ default: false }) autopilot: boolean;
  /**
   * A finished project rendered again (remake_video) until its new video is saved or the render
   * ends otherwise: the owner still sees it DONE, with its video, while it runs the render's steps.
   */
  @Bool({ default: false }) rerendering: boolean;
  /**
   * The percent of the newest progress report of this run (a render's), written with the report
   * (ProjectEventRepository.recordProgress) and cleared when a new run starts (startsReportedRun,
   * in transition()): what a read of the project shows without reading the event log. Null
   * while no report came in this run.
   */
  @Int({ nullable: true }) reportPercent: number | null;
  @Json() options: ProjectOptions;
  @Time({ nullable: true }) nextRunAt: Date | null;
  @Str(100, { nullable: true }) leaseOwner: string | null;
  @Time({ nullable: true }) leaseUntil: Date | null;
  @Text({ nullable: true }) lastError: string | null;
  /** why a live project is not moving although due: `budget` (a provider's daily budget is spent) */
  @Str(32, { nullable: true }) waitReason: 'budget' | null;
  @Text({ nullable: true }) lastProviderError: string | null;
  @Time({ nullable: true }) stepStartedAt: Date | null;
  /**
   * Set before a paid submission is sent, cleared once its task id is stored: found set after
   * a crash, it means "the provider may have taken it" and the step must not blindly resubmit.
   */
  @Str(200, { nullable: true }) pendingSubmissionKey: string | null;
  @Time({ nullable: true }) pendingSubmissionAt: Date | null;
  @Str(200, { nullable: true }) songTaskId: string | null;
  @Str(200, { nullable: true }) videoTaskId: string | null;
  /** unguessable token in provider callback URLs (Suno and Creatomate sign nothing) */
  @Str(64) callbackToken: string;
  /**
   * The daily quota's place this project holds: the Korean date it was made (YYYY-MM-DD) and a
   * number under the day's limit, unique per owner (null on projects made before the quota
   * was kept this way). Deleting the project gives the place back.
   */
  @Str(10, { nullable: true }) quotaDay: string | null;
  @Int({ nullable: true }) quotaSlot: number | null;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}
