import { Entity, Index } from 'typeorm';
import { CreatedAt, Id, Int, Ref, Str, Text, Time, UpdatedAt } from './columns';

@Entity('social_accounts')
@Index('uq_social_accounts_user_platform_ext', ['userId', 'platform', 'externalId'], {
  unique: true,
})
export class SocialAccountEntity {
  @Id() id: string;
  @Ref() userId: string;
  @Str(16) platform: 'youtube' | 'instagram';
  @Str(200) externalId: string;
  @Str(200, { nullable: true }) displayName: string | null;
  /** encrypted at rest (AES-GCM); never returned by the API */
  @Text() accessTokenEnc: string;
  @Text({ nullable: true }) refreshTokenEnc: string | null;
  @Time({ nullable: true }) tokenExpiresAt: Date | null;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}

@Entity('sns_uploads')
@Index('ix_sns_uploads_project', ['projectId'])
@Index('ix_sns_uploads_due', ['nextRunAt'])
export class SnsUploadEntity {
  @Id() id: string;
  @Ref() projectId: string;
  @Ref() socialAccountId: string;
  @Str(16) platform: 'youtube' | 'instagram';
  @Str(16) state: string;
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
  @Int({ default: 0 }) attempts: number;
  @Ref({ nullable: true }) ownerUserId: string | null;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}
