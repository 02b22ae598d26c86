import { Entity, Index } from 'typeorm';
import { CreatedAt, Id, Json, Ref, Str, Time } from './columns';

@Entity('partners')
export class PartnerEntity {
  @Id() id: string;
  @Index('uq_partners_name', { unique: true }) @Str(100) name: string;
  @CreatedAt() createdAt: Date;
}

@Entity('api_keys')
@Index('ix_api_keys_partner', ['partnerId'])
export class ApiKeyEntity {
  @Id() id: string;
  @Ref() partnerId: string;
  /** the visible start of the key, to find the row; the rest is only stored hashed */
  @Index('uq_api_keys_prefix', { unique: true }) @Str(16) prefix: string;
  @Str(64) keyHash: string;
  @Json() scopes: string[];
  @Str(100, { nullable: true }) label: string | null;
  @Time({ nullable: true }) lastUsedAt: Date | null;
  @Time({ nullable: true }) revokedAt: Date | null;
  @CreatedAt() createdAt: Date;
}
