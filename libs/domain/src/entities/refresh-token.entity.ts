import { Entity, Index } from 'typeorm';
import { CreatedAt, Id, Ref, Str, Time } from './columns';

/** One row per issued refresh token; a family is one login's chain of rotations. */
@Entity('refresh_tokens')
@Index('ix_refresh_tokens_user', ['userId'])
@Index('ix_refresh_tokens_family', ['familyId'])
@Index('ix_refresh_tokens_expires', ['expiresAt'])
export class RefreshTokenEntity {
  @Id() id: string;
  @Ref() userId: string;
  @Ref() familyId: string;
  /** sha-256 of the token: the token itself is never stored */
  @Index('uq_refresh_tokens_hash', { unique: true }) @Str(64) tokenHash: string;
  @Time() expiresAt: Date;
  @Time({ nullable: true }) rotatedAt: Date | null;
  @Time({ nullable: true }) revokedAt: Date | null;
  @CreatedAt() createdAt: Date;
}
