import { Entity, Index } from 'typeorm';
import { CreatedAt, Id, Str, Time, UpdatedAt } from './columns';

export type UserRole = 'user' | 'admin';

@Entity('users')
@Index('ix_users_deleted_created', ['deletedAt', 'createdAt'])
export class UserEntity {
  @Id() id: string;
  /** Kakao's user id is a 64-bit number: kept as text so no driver rounds it */
  @Index('uq_users_kakao_id', { unique: true }) @Str(32, { nullable: true }) kakaoId: string | null;
  @Str(100) nickname: string;
  @Str(255, { nullable: true }) email: string | null;
  @Str(1000, { nullable: true }) profileImageUrl: string | null;
  @Str(16, { default: 'user' }) role: UserRole;
  @Time({ nullable: true }) blockedAt: Date | null;
  @Time({ nullable: true }) deletedAt: Date | null;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}
