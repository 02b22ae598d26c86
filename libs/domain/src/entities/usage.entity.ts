import { Entity, Index } from 'typeorm';
import { CreatedAt, Id, Num, Ref, Str } from './columns';

export type UsageStatus = 'sent' | 'settled';

/** One metered provider call: units and the estimated cost from the configured price table. */
@Entity('usage_records')
// covering: the budget check and the reports read no row, only the index
@Index('ix_usage_provider_created_cost', ['provider', 'createdAt', 'costUsd'])
@Index('ix_usage_created', ['createdAt', 'provider', 'units', 'costUsd'])
@Index('ix_usage_project', ['projectId'])
export class UsageRecordEntity {
  @Id() id: string;
  @Ref({ nullable: true }) projectId: string | null;
  @Ref({ nullable: true }) userId: string | null;
  @Str(32) provider: string;
  @Str(64) operation: string;
  @Str(32) unit: string;
  @Num() units: number;
  @Num() costUsd: number;
  @Str(200, { nullable: true }) idempotencyKey: string | null;
  /**
   * 'sent': written before the call left, with its estimated units (the answer never came, or
   * has not yet, or said the same where no recovery drops the row: see StepMetering.paid);
   * 'settled': the units the provider's answer says
   */
  @Str(16, { default: 'settled' }) status: UsageStatus;
  @CreatedAt() createdAt: Date;
}
