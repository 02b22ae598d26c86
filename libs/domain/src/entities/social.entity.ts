import type { SocialPlatform } from '@app/integrations';
import { Entity, Index } from 'typeorm';
import { CreatedAt, Id, Int, Ref, Str, Text, Time, UpdatedAt } from './columns';

@Entity('social_accounts')
@Index('uq_social_accounts_user_platform_ext', ['userId', 'platform', 'externalId'], {
  unique: true,
})
@Index('ix_social_accounts_publishing_partner', ['publishingPartnerId'])
export class SocialAccountEntity {
  @Id() id: string;
  @Ref() userId: string;
  @Str(16) platform: SocialPlatform;
  @Str(200) externalId: string;
  @Str(200, { nullable: true }) displayName: string | null;
  /** encrypted at rest (AES-GCM); never returned by the API */
  @Text() accessTokenEnc: string;
  @Text({ nullable: true }) refreshTokenEnc: string | null;
  @Time({ nullable: true }) tokenExpiresAt: Date | null;
  /** the platform refused the grant for good (revoked, expired): the owner must connect again */
  @Time({ nullable: true }) reconnectNeededAt: Date | null;
  @Text({ nullable: true }) reconnectReason: string | null;
  /** the partner its owner lets publish here with API keys holding `publish` (null: none) */
  @Ref({ nullable: true }) publishingPartnerId: string | null;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}

/**
 * queued -> (processing ->) published | failed; `processing` waits on the platform's own work;
 * `parked` waits for its account to be connected again (then queued anew)
 */
export type PublicationState = 'queued' | 'processing' | 'published' | 'failed' | 'parked';

@Entity('sns_uploads')
@Index('ix_sns_uploads_project', ['projectId'])
@Index('ix_sns_uploads_state_due', ['state', 'nextRunAt', 'leaseUntil'])
@Index('ix_sns_uploads_lease_until', ['leaseUntil'])
@Index('ix_sns_uploads_account_results_due', ['socialAccountId', 'resultsDueAt'])
export class SnsUploadEntity {
  @Id() id: string;
  @Ref() projectId: string;
  @Ref() socialAccountId: string;
  @Str(16) platform: SocialPlatform;
  @Str(16) state: PublicationState;
  @Str(100) title: string;
  @Text({ nullable: true }) description: string | null;
  @Str(16) privacy: 'private' | 'unlisted' | 'public';
  @Str(200, { nullable: true }) externalId: string | null;
  @Str(500, { nullable: true }) postUrl: string | null;
  @Text({ nullable: true }) lastError: string | null;
  @Time({ nullable: true }) nextRunAt: Date | null;
  /** the platform's upload session (YouTube) or container id (Instagram), to go on after an interruption */
  @Text({ nullable: true }) session: string | null;
  /** JSON array of hashtags */
  @Text({ nullable: true }) tags: string | null;
  /** failed attempts in a row (a transient error retries with backoff up to PIPELINE_MAX_ATTEMPTS) */
  @Int({ default: 0 }) attempts: number;
  @Ref({ nullable: true }) ownerUserId: string | null;
  /** when it was published: its readings of results are scheduled from it */
  @Time({ nullable: true }) publishedAt: Date | null;
  /** when its figures are read next (null: not published, or not read any more) */
  @Time({ nullable: true }) resultsDueAt: Date | null;
  /** why the latest reading had no figures ("not yet": no data, too few viewers), else null */
  @Text({ nullable: true }) resultsNote: string | null;
  /** the claim of the scheduler running it (see LeasedTable) */
  @Str(100, { nullable: true }) leaseOwner: string | null;
  @Time({ nullable: true }) leaseUntil: Date | null;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}
