import { Entity, Index } from 'typeorm';
import { CreatedAt, Id, Int, Ref, Str, Time } from './columns';

/** Every stored file, so access-tier moves and deletions are driven from the DB. */
@Entity('blob_objects')
@Index('uq_blob_objects_key', ['container', 'blobKey'], { unique: true })
@Index('ix_blob_objects_owner', ['ownerUserId'])
@Index('ix_blob_objects_tier_access', ['tier', 'lastAccessedAt'])
export class BlobObjectEntity {
  @Id() id: string;
  @Str(32) container: string;
  @Str(500) blobKey: string;
  @Str(64) contentType: string;
  @Int() bytes: number;
  @Str(8, { default: 'Hot' }) tier: 'Hot' | 'Cool' | 'Cold' | 'Archive';
  @Ref({ nullable: true }) ownerUserId: string | null;
  @Time({ nullable: true }) lastAccessedAt: Date | null;
  @Time({ nullable: true }) deleteRequestedAt: Date | null;
  @CreatedAt() createdAt: Date;
}
