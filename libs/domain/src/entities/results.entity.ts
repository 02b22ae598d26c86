import type { SocialPlatform } from '@app/integrations';
import { Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, Id, Int, Ref, Str, Text, Time, UpdatedAt } from './columns';

/**
 * reading: the account's published videos are read when due; parked: its grant died, nothing
 * is asked of the platform until the owner connects the account again
 */
export type ResultReaderState = 'reading' | 'parked';

/**
 * The leased work of reading results back, one row per connected account (its grant is what
 * reads): due at the earliest reading of its videos (sns_uploads.results_due_at), claimed and
 * run on the same engine as steps and publications. One run reads all the account's due
 * videos, so YouTube's 50 ids go in one call.
 */
@Entity('result_readers')
@Index('ix_result_readers_state_due', ['state', 'nextRunAt', 'leaseUntil'])
@Index('ix_result_readers_lease_until', ['leaseUntil'])
export class ResultReaderEntity {
  /** the social account's id */
  @Id() id: string;
  @Str(16) platform: SocialPlatform;
  @Str(16) state: ResultReaderState;
  @Time({ nullable: true }) nextRunAt: Date | null;
  /** failed runs in a row (a transient error backs off) */
  @Int({ default: 0 }) attempts: number;
  @Text({ nullable: true }) lastError: string | null;
  @Str(100, { nullable: true }) leaseOwner: string | null;
  @Time({ nullable: true }) leaseUntil: Date | null;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}

/**
 * One reading of one published video's figures (a time series per publication, so per video
 * and platform); kept for RESULTS_RETENTION_DAYS. Null is "the platform gives no such figure".
 */
@Entity('video_readings')
@Index('ix_video_readings_publication_read', ['publicationId', 'readAt'])
@Index('ix_video_readings_project_read', ['projectId', 'readAt'])
@Index('ix_video_readings_read', ['readAt'])
export class VideoReadingEntity {
  @Id() id: string;
  @Ref() publicationId: string;
  @Ref() projectId: string;
  @Str(16) platform: SocialPlatform;
  @Time() readAt: Date;
  @Int({ nullable: true }) views: number | null;
  @Int({ nullable: true }) likes: number | null;
  @Int({ nullable: true }) comments: number | null;
  @Int({ nullable: true }) reach: number | null;
  @Int({ nullable: true }) saved: number | null;
  @Int({ nullable: true }) shares: number | null;
  @Int({ nullable: true }) totalInteractions: number | null;
  @Int({ nullable: true }) avgWatchTimeMs: number | null;
}

/**
 * Platform quota units spent on readings per quota day: a run takes its calls here first
 * (compare-and-set on `units_used`), so concurrent runs never spend past the configured quota.
 */
@Entity('result_quota_days')
export class ResultQuotaDayEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 }) platform: string;
  @PrimaryColumn({ type: 'varchar', length: 10 }) day: string;
  @Int() unitsUsed: number;
}
