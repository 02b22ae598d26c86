import { InitialSchema1764115200000 } from './1764115200000-initial-schema';
import { AuthNonces1764201600000 } from './1764201600000-auth-nonces';
import { PipelineEvents1764288000000 } from './1764288000000-pipeline-events';
import { ProjectRetries1764374400000 } from './1764374400000-project-retries';
import { Publishing1764460800000 } from './1764460800000-publishing';
import { IdempotencyKeys1764547200000 } from './1764547200000-idempotency-keys';
import { IdempotencyOutcomes1765930000000 } from './1765930000000-idempotency-outcomes';
import { DataVolumeIndexes1764633600000 } from './1764633600000-data-volume-indexes';
import { SongBeats1764720000000 } from './1764720000000-song-beats';
import { EventPercent1764806400018 } from './1764806400018-event-percent';
import { OneWorkEngine1764979200000 } from './1764979200000-one-work-engine';
import { SocialReconnect1765065600000 } from './1765065600000-social-reconnect';
import { ProjectQuotaSlots1765300000000 } from './1765300000000-project-quota-slots';
import { UserSearchGrams1765500000000 } from './1765500000000-user-search-grams';
import { StorePhotoSlots1765600000000 } from './1765600000000-store-photo-slots';
import { SongWords1765700000000 } from './1765700000000-song-words';
import { BudgetHolds1765800000000 } from './1765800000000-budget-holds';
import { VideoResults1765960000000 } from './1765960000000-video-results';
import { ProjectRerendering1765990000028 } from './1765990000028-project-rerendering';
import { UsageSent1766000000270 } from './1766000000270-usage-sent';
import { PublishingPartners1766010000000 } from './1766010000000-publishing-partners';
import { IdempotencyKeyPlaces1766020000000 } from './1766020000000-idempotency-key-places';
import { CreateProjectProcedure1766030000000 } from './1766030000000-create-project-procedure';
import { ProjectReportPercent1766045000000 } from './1766045000000-project-report-percent';

/** Every migration, in order. Listed here (not globbed) so the compiled apps need no file scan. */
export const MIGRATIONS = [
  InitialSchema1764115200000,
  AuthNonces1764201600000,
  PipelineEvents1764288000000,
  ProjectRetries1764374400000,
  Publishing1764460800000,
  IdempotencyKeys1764547200000,
  DataVolumeIndexes1764633600000,
  SongBeats1764720000000,
  EventPercent1764806400018,
  OneWorkEngine1764979200000,
  SocialReconnect1765065600000,
  ProjectQuotaSlots1765300000000,
  UserSearchGrams1765500000000,
  StorePhotoSlots1765600000000,
  SongWords1765700000000,
  BudgetHolds1765800000000,
  IdempotencyOutcomes1765930000000,
  VideoResults1765960000000,
  ProjectRerendering1765990000028,
  UsageSent1766000000270,
  PublishingPartners1766010000000,
  IdempotencyKeyPlaces1766020000000,
  CreateProjectProcedure1766030000000,
  ProjectReportPercent1766045000000,
];
