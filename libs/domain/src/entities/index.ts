import { AuthNonceEntity } from './auth-nonce.entity';
import { BlobObjectEntity } from './blob-object.entity';
import { BudgetDayEntity, BudgetHoldEntity } from './budget.entity';
import { LyricsEntity, SongEntity, VideoEntity } from './content.entity';
import { ApiKeyEntity, PartnerEntity } from './partner.entity';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { ProjectEntity } from './project.entity';
import { ProjectEventEntity } from './project-event.entity';
import { ResultQuotaDayEntity, ResultReaderEntity, VideoReadingEntity } from './results.entity';
import { RefreshTokenEntity } from './refresh-token.entity';
import { SchedulerLeaseEntity } from './scheduler-lease.entity';
import { SnsUploadEntity, SocialAccountEntity } from './social.entity';
import { StoreEntity, StorePhotoEntity } from './store.entity';
import { UsageRecordEntity } from './usage.entity';
import { UserEntity } from './user.entity';
import { UserSearchGramEntity } from './user-search-gram.entity';

export * from './auth-nonce.entity';
export * from './blob-object.entity';
export * from './budget.entity';
export * from './content.entity';
export * from './idempotency-key.entity';
export * from './partner.entity';
export * from './project.entity';
export * from './project-event.entity';
export * from './refresh-token.entity';
export * from './results.entity';
export * from './scheduler-lease.entity';
export * from './social.entity';
export * from './store.entity';
export * from './usage.entity';
export * from './user.entity';
export * from './user-search-gram.entity';

export const ENTITIES = [
  UserEntity,
  UserSearchGramEntity,
  RefreshTokenEntity,
  PartnerEntity,
  ApiKeyEntity,
  StoreEntity,
  StorePhotoEntity,
  ProjectEntity,
  LyricsEntity,
  SongEntity,
  VideoEntity,
  SocialAccountEntity,
  SnsUploadEntity,
  ResultReaderEntity,
  VideoReadingEntity,
  ResultQuotaDayEntity,
  UsageRecordEntity,
  BudgetDayEntity,
  BudgetHoldEntity,
  BlobObjectEntity,
  SchedulerLeaseEntity,
  AuthNonceEntity,
  IdempotencyKeyEntity,
  ProjectEventEntity,
];
